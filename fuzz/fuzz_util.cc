#include "fuzz/fuzz_util.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "grammar/parser.h"

namespace quipu::fuzz {
namespace {

namespace fs = std::filesystem;

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "fuzz setup failed: %s\n", what.c_str());
  std::abort();
}

std::string MakeScratchDir() {
  std::string base = "/dev/shm";
  if (access(base.c_str(), W_OK) != 0) {
    const char* tmp = std::getenv("TMPDIR");
    base = tmp != nullptr ? tmp : "/tmp";
  }
  std::string pattern = base + "/quipu-fuzz-XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) Die("cannot create a directory in " + base);
  return pattern;
}

struct Scratch {
  std::string path = MakeScratchDir();
  ~Scratch() { RemoveTree(path); }
};

std::string BuildSeed() {
  const std::string path = ScratchDir() + "/seed";
  std::ifstream file(QUIPU_SOURCE_DIR "/datasets/peru_china/seed.qql");
  if (!file) Die("cannot read datasets/peru_china/seed.qql");
  std::stringstream script;
  script << file.rdbuf();
  auto db = Database::Open(path);
  if (!db.ok()) Die(db.status().message());
  const Status loaded = (*db)->ExecuteScript(script.str(), nullptr);
  if (!loaded.ok()) Die("the seed did not load: " + loaded.message());
  return path;
}

}  // namespace

const std::string& ScratchDir() {
  static const Scratch scratch;
  return scratch.path;
}

void RemoveTree(const std::string& path) {
  std::error_code ignored;
  fs::remove_all(path, ignored);
}

const std::string& SeedDatabase() {
  static const std::string path = BuildSeed();
  return path;
}

void CopySeedTo(const std::string& path) {
  const std::string& seed = SeedDatabase();
  RemoveTree(path);
  std::error_code error;
  fs::copy(seed, path, fs::copy_options::recursive, error);
  if (error) Die("cannot copy the seed database: " + error.message());
}

FreshDatabase::FreshDatabase(std::string name, bool from_seed, uint64_t inputs_per_copy)
    : path_(ScratchDir() + "/" + name), from_seed_(from_seed), inputs_per_copy_(inputs_per_copy) {
  if (const char* every = std::getenv("QUIPU_FUZZ_INPUTS_PER_COPY")) {
    inputs_per_copy_ = std::max<uint64_t>(1, std::strtoull(every, nullptr, 10));
  }
}

Database* FreshDatabase::Next() {
  if (db_ == nullptr || used_ == inputs_per_copy_) {
    db_.reset();
    used_ = 0;
    if (from_seed_) {
      CopySeedTo(path_);
    } else {
      RemoveTree(path_);
    }
    DatabaseOptions options;
    options.limits = FuzzLimits();
    auto db = Database::Open(path_, options);
    if (!db.ok()) Die("cannot open " + path_ + ": " + db.status().message());
    db_ = std::move(*db);
  }
  ++used_;
  return db_.get();
}

QueryLimits FuzzLimits() {
  QueryLimits limits;
  limits.time_seconds = 1;
  limits.path_states = 100'000;
  return limits;
}

void CheckNotUnexpected(const Status& status, std::string_view input) {
  if (status.ok() || status.code() != Status::Code::kInternal) return;
  if (status.message().rfind("unexpected failure", 0) != 0) return;
  std::fprintf(stderr, "the engine let an exception escape: %s\n%s\n", status.message().c_str(),
               FormatError(status, input).c_str());
  std::abort();
}

ScriptShape ShapeOf(std::string_view text) {
  ScriptShape shape;
  grammar::ScriptParser parser(text);
  for (;;) {
    ast::Statement statement;
    Result<bool> more = parser.Next(&statement);
    if (!more.ok() || !*more) break;
    if (statement.kind == ast::Statement::Kind::kLoad ||
        statement.kind == ast::Statement::Kind::kBackup) {
      shape.names_files = true;
    }
    if (statement.kind == ast::Statement::Kind::kPrefix) shape.has_prefix = true;
  }
  return shape;
}

}  // namespace quipu::fuzz
