// Engine: one open database and the one place that runs statements against
// it. It knows the statement kinds (which read, which write), applies the
// limits, keeps the caches (decoded terms, holdings) and the declared
// prefixes, and reports load progress. The public API (api/), and through it
// the shell and the Python module, run every statement through it.
//
// Thread-safety: as quipu::Database (include/quipu/database.h), which wraps
// it: Execute, Prepare, Run, ExecuteScript, SetLimits, limits and Cancel may
// be called from any thread; writes run one at a time. Failures come back as
// a Status; only std::bad_alloc and the like may escape, and the API turns
// those into a Status too.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "quipu/check.h"
#include "quipu/language.h"
#include "quipu/options.h"
#include "quipu/progress.h"
#include "quipu/query_result.h"
#include "quipu/status.h"

namespace rocksdb {
class Env;
}  // namespace rocksdb

namespace quipu::ast {
struct Statement;
}  // namespace quipu::ast

namespace quipu::query {
class HoldingsCache;
}  // namespace quipu::query

namespace quipu::engine {

struct CachedStatement;
class StatementCache;

// The words of the language the parser reads (grammar/keywords.h).
const LanguageWords& Words();

// A statement parsed once, run many times by Engine::Run; it keeps the
// plans made for it (engine/statement_cache.h), shared with Execute of the
// same text.
class Prepared {
 public:
  ~Prepared();
  Prepared(const Prepared&) = delete;
  Prepared& operator=(const Prepared&) = delete;

 private:
  friend class Engine;
  explicit Prepared(std::shared_ptr<CachedStatement> statement);
  std::shared_ptr<CachedStatement> statement_;
};

class Engine {
 public:
  // `env`: the environment RocksDB reaches files through, for tests that
  // inject faults (tests/fault_fs.h); null, as the API passes: the default.
  // `background_compaction` false leaves the levels bulk loads stack for
  // Compact(), for tests of what a compaction meets.
  static Result<std::unique_ptr<Engine>> Open(const std::string& path,
                                              const DatabaseOptions& options,
                                              rocksdb::Env* env = nullptr,
                                              bool background_compaction = true);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Parses and runs exactly one statement (a trailing ';' is allowed); a
  // text run before is not parsed again, and while the database is
  // unchanged its matches are not planned again (statement_cache.h).
  Result<QueryResult> Execute(std::string_view text, const Params& params);
  // Parses one statement for Run; prefixes are those in force now.
  Result<std::unique_ptr<Prepared>> Prepare(std::string_view text);
  Result<QueryResult> Run(const Prepared& prepared, const Params& params);
  // Runs a script's statements in order, calling `on_result` after each;
  // stops at the first failure (positions refer to the whole script). A
  // script of one statement is cached as Execute's text is.
  Status ExecuteScript(std::string_view script,
                       const std::function<void(const QueryResult&)>& on_result,
                       const Params& params);

  void SetLoadProgressHandler(std::function<void(const LoadProgress&)> handler);
  void SetLimits(const QueryLimits& limits);
  QueryLimits limits() const;
  Result<CheckReport> Check();
  // Store::Compact.
  Status Compact();
  // Store::Backup: a consistent copy into the new directory `dir`.
  Status Backup(const std::string& dir);
  void Cancel();

  // The holdings kept between statements (query/holdings_cache.h); for
  // tests of which statements keep them.
  const query::HoldingsCache& holdings() const;
  // The parsed statements and their plans; for tests of what is reused.
  const StatementCache& statements() const;

 private:
  struct Impl;
  explicit Engine(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace quipu::engine
