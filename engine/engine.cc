#include "engine/engine.h"

#include <fmt/format.h>

#include <filesystem>
#include <mutex>
#include <shared_mutex>

#include "engine/column_types.h"
#include "engine/run_statement.h"
#include "engine/statement_cache.h"
#include "engine/statement_kind.h"
#include "grammar/keywords.h"
#include "grammar/parser.h"
#include "query/fact_table.h"
#include "query/holdings_cache.h"
#include "query/memory_budget.h"
#include "query/paths/adjacency.h"
#include "query/property_column.h"
#include "query/run_match.h"
#include "query/term_cache.h"
#include "storage/rocksdb_store.h"

namespace quipu::engine {

const LanguageWords& Words() { return grammar::GrammarWords(); }

Prepared::Prepared(std::shared_ptr<CachedStatement> statement) : statement_(std::move(statement)) {}
Prepared::~Prepared() = default;

struct Engine::Impl {
  // The store. After an I/O error a RocksDB store takes no more writes
  // until it is opened again (storage/store.h, WritesStopped), so the next
  // write opens it again in place, and it works once the fault is gone.
  // Statements use it under a shared lock of store_mutex; replacing it
  // takes the lock exclusively, so it waits for the running statements.
  std::unique_ptr<storage::Store> store;  // null: could not be opened again
  std::shared_mutex store_mutex;
  std::string path;
  storage::StoreOptions store_options;
  // Guarded by store_mutex (exclusive to write; shared and stopped_mutex to
  // write stopped_error, which statements record as they fail).
  std::string stopped_error;  // the write error that stopped the store
  std::mutex stopped_mutex;
  // Not empty while the store stands in read-only for one that could not
  // be opened again: why writes are refused.
  std::string stand_in_error;
  uint64_t last_version = 0;  // of the stores replaced
  // A compaction met an I/O error: RocksDB refuses writes from then on.
  std::atomic<bool> compaction_failed{false};
  std::atomic<uint64_t> cancel_generation{0};
  query::TermCache term_cache;
  query::HoldingsCache holdings;
  query::paths::AdjacencyCache adjacency;
  query::FactTableCache fact_tables;
  query::PropertyColumnCache property_columns;
  std::function<void(const LoadProgress&)> load_progress;
  std::vector<std::string> load_directories;  // resolved at open
  // Prefixes declared on this connection; read by the parser of later
  // statements. Each declaration makes a new generation, which keys the
  // parsed statements. Guarded by prefixes_mutex (statements may run on
  // threads).
  grammar::PrefixMap prefixes;
  uint64_t prefix_generation = 0;
  std::mutex prefixes_mutex;
  QueryLimits limits;  // guarded by limits_mutex
  mutable std::mutex limits_mutex;
  StatementCache statements;

  QueryLimits Limits() const {
    std::lock_guard<std::mutex> lock(limits_mutex);
    return limits;
  }

  grammar::PrefixMap Prefixes(uint64_t* generation = nullptr) {
    std::lock_guard<std::mutex> lock(prefixes_mutex);
    if (generation != nullptr) *generation = prefix_generation;
    return prefixes;
  }

  uint64_t PrefixGeneration() {
    std::lock_guard<std::mutex> lock(prefixes_mutex);
    return prefix_generation;
  }

  static StatementCache::Key KeyOf(std::string_view text, uint64_t generation,
                                   const QueryLimits& limits, bool script) {
    return StatementCache::Key{text, generation, limits.statement_bytes, limits.nesting_depth,
                               script};
  }

  // One statement's text parsed, or found parsed (statement_cache.h).
  Result<std::shared_ptr<CachedStatement>> Parse(std::string_view text) {
    const QueryLimits parse_limits = Limits();
    if (auto found = statements.Find(KeyOf(text, PrefixGeneration(), parse_limits, false))) {
      return found;
    }
    uint64_t generation = 0;
    const grammar::PrefixMap declared = Prefixes(&generation);
    Result<ast::Statement> parsed = grammar::ParseStatement(text, &declared, parse_limits);
    if (!parsed.ok()) return parsed.status();
    std::shared_ptr<CachedStatement> statement = statements.Make(std::move(*parsed));
    statements.Add(KeyOf(text, generation, parse_limits, false), statement);
    return statement;
  }

  QueryResult DeclarePrefix(const ast::Statement& statement) {
    std::lock_guard<std::mutex> lock(prefixes_mutex);
    prefixes[statement.prefix_name] = statement.prefix_namespace;
    ++prefix_generation;
    QueryResult result;
    result.summary = "prefix " + statement.prefix_name + ": <" + statement.prefix_namespace + ">";
    return result;
  }

  // The error of a statement that finds no store.
  Status NoStore() const { return Status::IoError(stand_in_error); }

  // Records the error of a write that stopped the store (the first one).
  void NoteWriteError(const Status& status) {
    if (status.ok() || store == nullptr || store->WritesStopped().ok()) return;
    std::lock_guard<std::mutex> lock(stopped_mutex);
    if (stopped_error.empty()) stopped_error = status.message();
  }

  // Before a write: opens the store again when it stopped taking writes
  // (or stands in read-only for one that did), so that a write works again
  // once the fault that stopped it is gone. An error when it cannot be
  // opened writable; the data then stays readable through a read-only open.
  Status ReopenIfStopped() {
    auto needed = [this] {
      return store == nullptr || !stand_in_error.empty() || !store->WritesStopped().ok() ||
             compaction_failed.load();
    };
    {
      std::shared_lock<std::shared_mutex> lock(store_mutex);
      if (!needed()) return Status::Ok();
    }
    std::unique_lock<std::shared_mutex> lock(store_mutex);
    if (!needed()) return Status::Ok();  // another write opened it
    if (store != nullptr) {
      if (Status stopped = store->WritesStopped(); !stopped.ok() && stopped_error.empty()) {
        stopped_error = stopped.message();
      }
      last_version = store->version();
      store.reset();  // closed first: RocksDB locks the directory
    }
    storage::StoreOptions options = store_options;
    options.first_version = last_version + 1;  // nothing kept by version matches
    compaction_failed = false;
    Result<std::unique_ptr<storage::Store>> reopened = storage::OpenRocksDbStore(path, options);
    if (reopened.ok()) {
      store = std::move(*reopened);
      stopped_error.clear();
      stand_in_error.clear();
      return Status::Ok();
    }
    stand_in_error =
        fmt::format("{}; the database takes no more writes until it can be opened again ({})",
                    stopped_error, reopened.status().message());
    options.read_only = true;  // writes nothing
    Result<std::unique_ptr<storage::Store>> stand_in = storage::OpenRocksDbStore(path, options);
    if (stand_in.ok()) store = std::move(*stand_in);
    return Status::IoError(stand_in_error);
  }

  // `plans`: the statement's kept plans, or null.
  Result<QueryResult> Run(const ast::Statement& statement, const Params& params,
                          query::PlanCache* plans) {
    if (statement.kind == ast::Statement::Kind::kPrefix) return DeclarePrefix(statement);
    const StatementTraits traits = TraitsOf(statement.kind);
    if (traits.writes) {
      if (Status s = ReopenIfStopped(); !s.ok()) return s;
    }
    std::shared_lock<std::shared_mutex> lock(store_mutex);
    if (store == nullptr) return NoStore();
    query::StatementEnv env;
    env.limits = Limits();
    env.interrupt = Interrupt(&cancel_generation, traits.timed ? env.limits.time_seconds : 0);
    env.params = &params;
    env.term_cache = &term_cache;
    env.plans = plans;     // used only on a snapshot of a known version (run_statement.cc)
    if (!traits.writes) {  // likewise, by reads alone
      env.adjacency = &adjacency;
      env.fact_tables = &fact_tables;
      env.property_columns = &property_columns;
    }
    query::MemoryBudget budget(env.limits.memory_bytes);
    env.memory = &budget;
    LoadContext load;
    if (load_progress) load.progress = &load_progress;
    load.allowed_directories = &load_directories;
    // Kept holdings go with every write (query/holdings_cache.h). A reading
    // statement may use them when its snapshot turns out to be of the
    // generation observed here, before it is opened (run_statement.cc).
    if (traits.writes) holdings.BeginWrite();
    const uint64_t observed = holdings.Observe();
    if (!traits.writes) {
      env.holdings = &holdings;
      env.holdings_generation = observed;
    }
    Result<QueryResult> result = RunStatement(statement, store.get(), env, load);
    if (traits.writes) {
      holdings.EndWrite();
      if (!result.ok()) NoteWriteError(result.status());
    }
    // Matches stop at the row limit as they run; call, show and search
    // results are checked here. The lines of a plan are not results.
    const uint64_t max_rows = env.limits.max_result_rows;
    if (result.ok() && max_rows != 0 && statement.mode == ast::Statement::Mode::kRun &&
        result->rows.size() > max_rows) {
      return query::ResultRowsExceeded(max_rows);
    }
    if (result.ok()) FillColumnTypes(&*result);
    return result;
  }
};

Engine::Engine(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Engine::~Engine() = default;

Result<std::unique_ptr<Engine>> Engine::Open(const std::string& path,
                                             const DatabaseOptions& options, rocksdb::Env* env,
                                             bool background_compaction) {
  storage::StoreOptions store_options;
  store_options.read_only = options.read_only;
  store_options.create_if_missing = options.create_if_missing;
  store_options.upgrade_progress = options.upgrade_progress;
  store_options.cache_bytes = options.cache_bytes;
  store_options.sync_commits = options.durability == Durability::kSynced;
  store_options.env = env;
  store_options.background_compaction = background_compaction;
  Result<std::unique_ptr<storage::Store>> store = storage::OpenRocksDbStore(path, store_options);
  if (!store.ok()) return store.status();
  auto impl = std::make_unique<Impl>();
  impl->store = std::move(*store);
  impl->path = path;
  impl->store_options = store_options;
  // Opened again after a fault: upgraded by now, and never created anew (a
  // directory removed meanwhile is an error, not an empty database).
  impl->store_options.upgrade_progress = nullptr;
  impl->store_options.create_if_missing = false;
  impl->limits = options.limits;
  for (const std::string& dir : options.load_directories) {
    if (dir.empty())
      return Status::InvalidArgument("cannot use the load directory '': it is empty");
    std::error_code ec;
    const std::filesystem::path resolved =
        std::filesystem::weakly_canonical(std::filesystem::absolute(dir, ec), ec);
    if (ec) {
      return Status::InvalidArgument("cannot use the load directory '" + dir +
                                     "': " + ec.message());
    }
    impl->load_directories.push_back(resolved.string());
  }
  return std::unique_ptr<Engine>(new Engine(std::move(impl)));
}

Result<QueryResult> Engine::Execute(std::string_view text, const Params& params) {
  Result<std::shared_ptr<CachedStatement>> statement = impl_->Parse(text);
  if (!statement.ok()) return statement.status();
  return impl_->Run((*statement)->statement, params, &(*statement)->plans);
}

Result<std::unique_ptr<Prepared>> Engine::Prepare(std::string_view text) {
  Result<std::shared_ptr<CachedStatement>> statement = impl_->Parse(text);
  if (!statement.ok()) return statement.status();
  return std::unique_ptr<Prepared>(new Prepared(std::move(*statement)));
}

Result<QueryResult> Engine::Run(const Prepared& prepared, const Params& params) {
  return impl_->Run(prepared.statement_->statement, params, &prepared.statement_->plans);
}

Status Engine::ExecuteScript(std::string_view script,
                             const std::function<void(const QueryResult&)>& on_result,
                             const Params& params) {
  const QueryLimits parse_limits = impl_->Limits();
  // The shell runs each statement as a script of one: kept like Execute's.
  if (auto found = impl_->statements.Find(
          Impl::KeyOf(script, impl_->PrefixGeneration(), parse_limits, true))) {
    Result<QueryResult> result = impl_->Run(found->statement, params, &found->plans);
    if (!result.ok()) return result.status();
    if (on_result) on_result(*result);
    return Status::Ok();
  }
  // A prefix statement in the script affects the statements after it.
  uint64_t generation = 0;
  grammar::PrefixMap prefixes = impl_->Prefixes(&generation);
  grammar::ScriptParser parser(script, &prefixes, parse_limits);
  std::shared_ptr<CachedStatement> first;  // kept when it is the only one
  for (size_t n = 0;; ++n) {
    ast::Statement statement;
    Result<bool> more = parser.Next(&statement);
    if (!more.ok()) return more.status();
    if (!*more) {
      if (n == 1) {
        impl_->statements.Add(Impl::KeyOf(script, generation, parse_limits, true),
                              std::move(first));
      }
      return Status::Ok();
    }
    const ast::Statement* running = &statement;
    query::PlanCache* plans = nullptr;
    if (n == 0) {
      first = impl_->statements.Make(std::move(statement));
      running = &first->statement;
      plans = &first->plans;
    }
    Result<QueryResult> result = impl_->Run(*running, params, plans);
    if (running->kind == ast::Statement::Kind::kPrefix) prefixes = impl_->Prefixes();
    if (!result.ok()) return result.status();
    if (on_result) on_result(*result);
  }
}

void Engine::SetLoadProgressHandler(std::function<void(const LoadProgress&)> handler) {
  impl_->load_progress = std::move(handler);
}

void Engine::SetLimits(const QueryLimits& limits) {
  std::lock_guard<std::mutex> lock(impl_->limits_mutex);
  impl_->limits = limits;
}

QueryLimits Engine::limits() const { return impl_->Limits(); }

Result<CheckReport> Engine::Check() {
  std::shared_lock<std::shared_mutex> lock(impl_->store_mutex);
  if (impl_->store == nullptr) return impl_->NoStore();
  CheckReport report;
  if (Status s = impl_->store->Check(&report); !s.ok()) return s;
  return report;
}

Status Engine::Compact() {
  if (Status s = impl_->ReopenIfStopped(); !s.ok()) return s;
  std::shared_lock<std::shared_mutex> lock(impl_->store_mutex);
  if (impl_->store == nullptr) return impl_->NoStore();
  Status s = impl_->store->Compact();
  // RocksDB takes no writes after a compaction's I/O error: the next write
  // opens the store again.
  if (s.code() == Status::Code::kIoError) {
    std::lock_guard<std::mutex> stopped(impl_->stopped_mutex);
    if (impl_->stopped_error.empty()) impl_->stopped_error = s.message();
    impl_->compaction_failed = true;
  }
  return s;
}

Status Engine::Backup(const std::string& dir) {
  if (dir.empty()) return Status::InvalidArgument("cannot back up: the directory name is empty");
  std::shared_lock<std::shared_mutex> lock(impl_->store_mutex);
  if (impl_->store == nullptr) return impl_->NoStore();
  return impl_->store->Backup(dir);
}

void Engine::Cancel() { impl_->cancel_generation.fetch_add(1); }

const query::HoldingsCache& Engine::holdings() const { return impl_->holdings; }

const StatementCache& Engine::statements() const { return impl_->statements; }

}  // namespace quipu::engine
