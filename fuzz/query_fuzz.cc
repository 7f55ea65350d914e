// The whole pipeline (parse, bind, plan, execute) on the seed dataset,
// opened read-only: every input meets the same data, and writes are refused
// (query_write_fuzz covers them). A prefix statement outlives its script on a
// connection, so after an input that declares one the database is reopened:
// each input starts from the same state and a finding replays alone.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "fuzz/fuzz_util.h"
#include "quipu/database.h"

namespace {

std::unique_ptr<quipu::Database> OpenSeed() {
  quipu::DatabaseOptions options;
  options.read_only = true;
  options.create_if_missing = false;
  options.limits = quipu::fuzz::FuzzLimits();
  auto db = quipu::Database::Open(quipu::fuzz::SeedDatabase(), options);
  if (!db.ok()) __builtin_trap();
  return std::move(*db);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // Never destroyed: RocksDB's own statics may be gone at exit (fuzz_util.h).
  static auto* db = new std::unique_ptr<quipu::Database>(OpenSeed());
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const quipu::fuzz::ScriptShape shape = quipu::fuzz::ShapeOf(text);
  if (shape.names_files) return 0;  // a load or backup would use files the fuzzer names
  const quipu::Status status = (*db)->ExecuteScript(text, nullptr);
  quipu::fuzz::CheckNotUnexpected(status, text);
  if (shape.has_prefix) {
    db->reset();
    *db = OpenSeed();
  }
  return 0;
}
