#include "engine/engine.h"

#include <filesystem>
#include <mutex>

#include "engine/column_types.h"
#include "engine/run_statement.h"
#include "engine/statement_kind.h"
#include "grammar/keywords.h"
#include "grammar/parser.h"
#include "query/holdings_cache.h"
#include "query/memory_budget.h"
#include "query/run_match.h"
#include "query/term_cache.h"
#include "storage/rocksdb_store.h"

namespace quipu::engine {

const LanguageWords& Words() { return grammar::GrammarWords(); }

Prepared::Prepared(std::unique_ptr<ast::Statement> statement) : statement_(std::move(statement)) {}
Prepared::~Prepared() = default;

struct Engine::Impl {
  std::unique_ptr<storage::Store> store;
  std::atomic<uint64_t> cancel_generation{0};
  query::TermCache term_cache;
  query::HoldingsCache holdings;
  std::function<void(const LoadProgress&)> load_progress;
  std::vector<std::string> load_directories;  // resolved at open
  // Prefixes declared on this connection; read by the parser of later
  // statements. Guarded by prefixes_mutex (statements may run on threads).
  grammar::PrefixMap prefixes;
  std::mutex prefixes_mutex;
  QueryLimits limits;  // guarded by limits_mutex
  mutable std::mutex limits_mutex;

  QueryLimits Limits() const {
    std::lock_guard<std::mutex> lock(limits_mutex);
    return limits;
  }

  grammar::PrefixMap Prefixes() {
    std::lock_guard<std::mutex> lock(prefixes_mutex);
    return prefixes;
  }

  Result<ast::Statement> Parse(std::string_view text) {
    const grammar::PrefixMap declared = Prefixes();
    return grammar::ParseStatement(text, &declared, Limits());
  }

  QueryResult DeclarePrefix(const ast::Statement& statement) {
    std::lock_guard<std::mutex> lock(prefixes_mutex);
    prefixes[statement.prefix_name] = statement.prefix_namespace;
    QueryResult result;
    result.summary = "prefix " + statement.prefix_name + ": <" + statement.prefix_namespace + ">";
    return result;
  }

  Result<QueryResult> Run(const ast::Statement& statement, const Params& params) {
    if (statement.kind == ast::Statement::Kind::kPrefix) return DeclarePrefix(statement);
    const StatementTraits traits = TraitsOf(statement.kind);
    query::StatementEnv env;
    env.limits = Limits();
    env.interrupt = Interrupt(&cancel_generation, traits.timed ? env.limits.time_seconds : 0);
    env.params = &params;
    env.term_cache = &term_cache;
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
    if (traits.writes) holdings.EndWrite();
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
                                             const DatabaseOptions& options) {
  storage::StoreOptions store_options;
  store_options.read_only = options.read_only;
  store_options.create_if_missing = options.create_if_missing;
  store_options.upgrade_progress = options.upgrade_progress;
  store_options.cache_bytes = options.cache_bytes;
  Result<std::unique_ptr<storage::Store>> store = storage::OpenRocksDbStore(path, store_options);
  if (!store.ok()) return store.status();
  auto impl = std::make_unique<Impl>();
  impl->store = std::move(*store);
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
  Result<ast::Statement> parsed = impl_->Parse(text);
  if (!parsed.ok()) return parsed.status();
  return impl_->Run(*parsed, params);
}

Result<std::unique_ptr<Prepared>> Engine::Prepare(std::string_view text) {
  Result<ast::Statement> parsed = impl_->Parse(text);
  if (!parsed.ok()) return parsed.status();
  return std::unique_ptr<Prepared>(
      new Prepared(std::make_unique<ast::Statement>(std::move(*parsed))));
}

Result<QueryResult> Engine::Run(const Prepared& prepared, const Params& params) {
  return impl_->Run(*prepared.statement_, params);
}

Status Engine::ExecuteScript(std::string_view script,
                             const std::function<void(const QueryResult&)>& on_result,
                             const Params& params) {
  // A prefix statement in the script affects the statements after it.
  grammar::PrefixMap prefixes = impl_->Prefixes();
  grammar::ScriptParser parser(script, &prefixes, impl_->Limits());
  for (;;) {
    ast::Statement statement;
    Result<bool> more = parser.Next(&statement);
    if (!more.ok()) return more.status();
    if (!*more) return Status::Ok();
    Result<QueryResult> result = impl_->Run(statement, params);
    if (statement.kind == ast::Statement::Kind::kPrefix) prefixes = impl_->Prefixes();
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
  CheckReport report;
  if (Status s = impl_->store->Check(&report); !s.ok()) return s;
  return report;
}

void Engine::Cancel() { impl_->cancel_generation.fetch_add(1); }

const query::HoldingsCache& Engine::holdings() const { return impl_->holdings; }

}  // namespace quipu::engine
