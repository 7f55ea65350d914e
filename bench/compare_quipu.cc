// Quipu's side of the side-by-side benchmark (issue 7, bench/compare/run.sh):
// loads the CSV files of datasets/generator/influence_gen into a fresh
// database with Quipu's own `load csv` statements (annotations kept), then
// runs each query of bench/queries/ warm, in this process, and prints lines
// in the format every peer driver prints (tab-separated):
//
//   LOAD  quipu  WALL_MS  PEAK_RSS_KB  DISK_BYTES
//   QUERY quipu  NAME  MEDIAN_MS  COUNT
//   ERROR quipu  NAME  MESSAGE
//
// A query file holds one statement with {{KEY}} placeholders filled from the
// parameters file (KEY=VALUE lines, bench/compare/params.sh), and a comment
// line "-- reduce: value|rows|sum" saying how its result becomes one count:
// the single value, the number of rows, or the sum of the last column (a
// date counts as the integer YYYYMMDD, as the peers' top-k by a date reads it).
#include <sys/resource.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "bench_util.h"
#include "quipu/database.h"

namespace {

namespace fs = std::filesystem;
using quipu::bench::Millis;

struct Options {
  fs::path data;
  fs::path queries;
  fs::path params;
  fs::path db;
  int repeat = 5;
  std::string only;  // a query name, or empty for all
};

void Usage() {
  std::fprintf(stderr,
               "usage: compare_quipu --data DIR --queries DIR --params FILE --db DIR\n"
               "                     [--repeat R] [--only NAME]\n"
               "Loads DIR's influence_gen CSV files into a fresh database at --db (removed\n"
               "first), runs each query of --queries R times warm and prints LOAD, QUERY and\n"
               "ERROR lines (see bench/compare/README.md).\n");
}

std::optional<Options> ParseOptions(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (i + 1 >= argc) {
      std::fprintf(stderr, "compare_quipu: %s needs a value\n", arg.c_str());
      return std::nullopt;
    }
    const std::string value = argv[++i];
    if (arg == "--data") {
      options.data = value;
    } else if (arg == "--queries") {
      options.queries = value;
    } else if (arg == "--params") {
      options.params = value;
    } else if (arg == "--db") {
      options.db = value;
    } else if (arg == "--repeat") {
      options.repeat = std::max(1, std::atoi(value.c_str()));
    } else if (arg == "--only") {
      options.only = value;
    } else {
      std::fprintf(stderr, "compare_quipu: unknown option %s\n", arg.c_str());
      return std::nullopt;
    }
  }
  if (options.data.empty() || options.queries.empty() || options.params.empty() ||
      options.db.empty()) {
    return std::nullopt;
  }
  return options;
}

std::optional<std::string> ReadFile(const fs::path& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::map<std::string, std::string> ReadParams(const std::string& text) {
  std::map<std::string, std::string> params;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    const size_t eq = line.find('=');
    if (eq != std::string::npos) params[line.substr(0, eq)] = line.substr(eq + 1);
  }
  return params;
}

// Replaces each {{KEY}}; an unknown key is an error (nullopt, printed).
std::optional<std::string> Fill(const std::string& text,
                                const std::map<std::string, std::string>& params,
                                const std::string& name) {
  std::string out;
  size_t at = 0;
  while (true) {
    const size_t open = text.find("{{", at);
    if (open == std::string::npos) break;
    const size_t close = text.find("}}", open);
    if (close == std::string::npos) break;
    const std::string key = text.substr(open + 2, close - open - 2);
    auto it = params.find(key);
    if (it == params.end()) {
      std::printf("ERROR\tquipu\t%s\tparameter %s is not in the parameters file\n", name.c_str(),
                  key.c_str());
      return std::nullopt;
    }
    out += text.substr(at, open - at) + it->second;
    at = close + 2;
  }
  return out + text.substr(at);
}

// The bytes of the files under `dir`; a file a background compaction
// removes while it is read counts nothing.
uint64_t DirectoryBytes(const fs::path& dir) {
  uint64_t bytes = 0;
  std::error_code ec;
  for (const auto& e : fs::recursive_directory_iterator(dir, ec)) {
    const uintmax_t size = e.is_regular_file(ec) ? e.file_size(ec) : 0;
    if (!ec) bytes += size;
  }
  return bytes;
}

long PeakRssKb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

// The statements that load the generated files: one filtered row load of
// nodes.csv per label (a label is a constant of a row mapping), and one
// edges load per predicate file, every other column kept as an annotation.
std::vector<std::string> LoadStatements(const fs::path& data) {
  std::vector<std::string> statements;
  const std::string nodes = (data / "nodes.csv").string();
  for (const char* label : {"Country", "Person", "Company", "Asset", "Agency"}) {
    statements.push_back("load csv '" + nodes + "' as rows r where r.label = '" + label +
                         "' insert (@(r.id):" + label + " {name: r.name})");
  }
  for (const char* predicate :
       {"owns", "director_of", "heads", "met", "regulates", "invested_in", "granted", "based_in"}) {
    statements.push_back("load csv '" + (data / (std::string(predicate) + ".csv")).string() +
                         "' as edges " + predicate + " from \"from\" to \"to\"");
  }
  return statements;
}

std::string Reduce(const std::string& how, const quipu::QueryResult& result) {
  if (how == "rows") return std::to_string(result.rows.size());
  if (how == "sum") {
    int64_t sum = 0;
    for (const auto& row : result.rows) {
      if (!row.empty() && row.back().type() == quipu::Value::Type::kDate) {
        std::string digits = row.back().ToString();  // YYYY-MM-DD
        digits.erase(std::remove(digits.begin(), digits.end(), '-'), digits.end());
        sum += std::stoll(digits);
        continue;
      }
      if (row.empty() || row.back().type() != quipu::Value::Type::kInt) return "not-an-integer";
      sum += row.back().as_int();
    }
    return std::to_string(sum);
  }
  if (result.rows.size() != 1 || result.rows[0].size() != 1) {
    return "rows=" + std::to_string(result.rows.size());
  }
  return result.rows[0][0].ToString();
}

std::string ReduceOf(const std::string& text) {
  const std::string tag = "-- reduce:";
  const size_t at = text.find(tag);
  if (at == std::string::npos) return "value";
  size_t start = at + tag.size();
  while (start < text.size() && text[start] == ' ') ++start;
  size_t end = start;
  while (end < text.size() && std::isalpha(static_cast<unsigned char>(text[end]))) ++end;
  return text.substr(start, end - start);
}

}  // namespace

int main(int argc, char** argv) {
  const std::optional<Options> options = ParseOptions(argc, argv);
  if (!options) {
    Usage();
    return 2;
  }
  const std::optional<std::string> params_text = ReadFile(options->params);
  if (!params_text) {
    std::fprintf(stderr, "compare_quipu: cannot read %s\n", options->params.c_str());
    return 1;
  }
  const auto params = ReadParams(*params_text);

  fs::remove_all(options->db);
  auto opened = quipu::Database::Open(options->db.string());
  if (!opened.ok()) {
    std::printf("ERROR\tquipu\tload\t%s\n", opened.status().message().c_str());
    return 1;
  }
  std::unique_ptr<quipu::Database> db = std::move(*opened);
  const auto start = std::chrono::steady_clock::now();
  for (const std::string& statement : LoadStatements(options->data)) {
    const auto statement_start = std::chrono::steady_clock::now();
    auto loaded = db->Execute(statement);
    // Each load's own time, on standard error: where the load time goes.
    std::fprintf(stderr, "%8.0f ms  %s\n",
                 Millis(std::chrono::steady_clock::now() - statement_start), statement.c_str());
    if (!loaded.ok()) {
      std::printf("ERROR\tquipu\tload\t%s\n", quipu::FormatError(loaded.status(), "").c_str());
      return 1;
    }
  }
  // The levels the loads stacked, merged before the queries run (the
  // database would do it in the background as they run): part of the load.
  const auto compact_start = std::chrono::steady_clock::now();
  if (quipu::Status s = db->Compact(); !s.ok()) {
    std::printf("ERROR\tquipu\tload\t%s\n", s.message().c_str());
    return 1;
  }
  std::fprintf(stderr, "%8.0f ms  compaction\n",
               Millis(std::chrono::steady_clock::now() - compact_start));
  const double load_ms = Millis(std::chrono::steady_clock::now() - start);
  std::printf("LOAD\tquipu\t%.1f\t%ld\t%llu\n", load_ms, PeakRssKb(),
              static_cast<unsigned long long>(DirectoryBytes(options->db)));
  std::fflush(stdout);

  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(options->queries)) {
    if (e.path().extension() == ".qql") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  int failures = 0;
  for (const fs::path& file : files) {
    const std::string name = file.stem().string();
    if (!options->only.empty() && name != options->only) continue;
    const std::optional<std::string> text = ReadFile(file);
    if (!text) {
      std::printf("ERROR\tquipu\t%s\tcannot read %s\n", name.c_str(), file.c_str());
      ++failures;
      continue;
    }
    const std::optional<std::string> statement = Fill(*text, params, name);
    if (!statement) {
      ++failures;
      continue;
    }
    const std::string reduce = ReduceOf(*text);
    if (reduce != "value" && reduce != "rows" && reduce != "sum") {
      std::printf("ERROR\tquipu\t%s\t'-- reduce: %s' is not value, rows or sum\n", name.c_str(),
                  reduce.c_str());
      ++failures;
      continue;
    }
    std::vector<double> ms;
    std::string count;
    bool failed = false;
    // One warm-up run, then `repeat` timed runs.
    for (int run = 0; run <= options->repeat && !failed; ++run) {
      const auto begin = std::chrono::steady_clock::now();
      auto result = db->Execute(*statement);
      const double elapsed = Millis(std::chrono::steady_clock::now() - begin);
      if (!result.ok()) {
        std::string message = quipu::FormatError(result.status(), *statement);
        std::replace(message.begin(), message.end(), '\n', ' ');
        std::printf("ERROR\tquipu\t%s\t%s\n", name.c_str(), message.c_str());
        failed = true;
        break;
      }
      if (run > 0) ms.push_back(elapsed);
      count = Reduce(reduce, *result);
    }
    if (failed) {
      ++failures;
      continue;
    }
    std::sort(ms.begin(), ms.end());
    std::printf("QUERY\tquipu\t%s\t%.3f\t%s\n", name.c_str(), ms[ms.size() / 2], count.c_str());
    std::fflush(stdout);
  }
  db.reset();
  return failures == 0 ? 0 : 1;
}
