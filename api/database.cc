#include "quipu/database.h"

#include <fmt/format.h>

#include <chrono>
#include <exception>
#include <filesystem>
#include <mutex>
#include <new>

#include "grammar/parser.h"
#include "query/executor.h"
#include "query/holdings_cache.h"
#include "storage/store.h"

namespace quipu {

namespace {

// No exception crosses the API: whatever escapes the engine becomes a Status.
template <typename F>
auto Guarded(F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const std::bad_alloc&) {
    return Status::Internal("out of memory");
  } catch (const std::exception& e) {
    return Status::Internal(std::string("unexpected failure: ") + e.what());
  } catch (...) {
    return Status::Internal("unexpected failure");
  }
}

// QueryResult::column_types from the rows.
void FillColumnTypes(QueryResult* result) {
  result->column_types.assign(result->columns.size(), Value::Type::kNull);
  std::vector<bool> mixed(result->columns.size(), false);
  for (const auto& row : result->rows) {
    for (size_t i = 0; i < row.size() && i < mixed.size(); ++i) {
      const Value::Type t = row[i].type();
      Value::Type& column = result->column_types[i];
      if (t == Value::Type::kNull || mixed[i] || t == column) continue;
      if (column == Value::Type::kNull) {
        column = t;
      } else if (row[i].is_numeric() &&
                 (column == Value::Type::kInt || column == Value::Type::kDouble ||
                  column == Value::Type::kDecimal)) {
        // Integers and decimals mix as decimals; a float makes the column float.
        column = t == Value::Type::kDouble || column == Value::Type::kDouble
                     ? Value::Type::kDouble
                     : Value::Type::kDecimal;
      } else {
        mixed[i] = true;
      }
    }
  }
  for (size_t i = 0; i < mixed.size(); ++i) {
    if (mixed[i]) result->column_types[i] = Value::Type::kNull;
  }
}

}  // namespace

struct Database::Impl {
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

  grammar::ParserLimits ParseLimits() const {
    const QueryLimits bounds = Limits();
    grammar::ParserLimits parse;
    parse.statement_bytes = bounds.statement_bytes;
    parse.nesting_depth = bounds.nesting_depth;
    return parse;
  }

  grammar::PrefixMap Prefixes() {
    std::lock_guard<std::mutex> lock(prefixes_mutex);
    return prefixes;
  }

  Result<QueryResult> Run(const ast::Statement& statement, const Params& params) {
    if (statement.kind == ast::Statement::Kind::kPrefix) {
      std::lock_guard<std::mutex> lock(prefixes_mutex);
      prefixes[statement.prefix_name] = statement.prefix_namespace;
      QueryResult result;
      result.summary = "prefix " + statement.prefix_name + ": <" + statement.prefix_namespace + ">";
      return result;
    }
    query::ExecOptions options;
    options.params = &params;
    options.term_cache = &term_cache;
    if (load_progress) options.load_progress = &load_progress;
    options.load_directories = &load_directories;
    options.cancel_generation = &cancel_generation;
    options.start_generation = cancel_generation.load();
    const QueryLimits bounds = Limits();
    options.max_path_states = bounds.path_states == 0 ? UINT64_MAX : bounds.path_states;
    options.memory_bytes = bounds.memory_bytes;
    options.max_result_rows = bounds.max_result_rows;
    if (bounds.time_seconds > 0) {
      options.time_limit_seconds = bounds.time_seconds;
      options.deadline = std::chrono::steady_clock::now() +
                         std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                             std::chrono::duration<double>(bounds.time_seconds));
    }
    // Kept holdings go with every write (query/holdings_cache.h); a statement
    // kind not named here as a read counts as a write.
    const bool writes = statement.kind != ast::Statement::Kind::kMatch &&
                        statement.kind != ast::Statement::Kind::kShow &&
                        statement.kind != ast::Statement::Kind::kCall &&
                        statement.kind != ast::Statement::Kind::kExplainWhy;
    if (writes) holdings.BeginWrite();
    options.holdings = &holdings;
    options.holdings_generation = holdings.Observe();
    Result<QueryResult> result = query::ExecuteStatement(statement, store.get(), options);
    if (writes) holdings.EndWrite();
    // Matches stop at the row limit as they run; call, show and search
    // results are checked here. The lines of a plan are not results.
    if (result.ok() && bounds.max_result_rows != 0 &&
        statement.mode == ast::Statement::Mode::kRun &&
        result->rows.size() > bounds.max_result_rows) {
      return query::ResultRowsExceeded(bounds.max_result_rows);
    }
    if (result.ok()) FillColumnTypes(&*result);
    return result;
  }
};

struct PreparedStatement::Impl {
  Database::Impl* db;
  ast::Statement statement;
};

PreparedStatement::PreparedStatement(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
PreparedStatement::~PreparedStatement() = default;

Result<QueryResult> PreparedStatement::Execute(const Params& params) {
  return Guarded([&]() -> Result<QueryResult> { return impl_->db->Run(impl_->statement, params); });
}

Database::Database(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Database::~Database() = default;

Result<std::unique_ptr<Database>> Database::Open(const std::string& path,
                                                 const DatabaseOptions& options) {
  return Guarded([&]() -> Result<std::unique_ptr<Database>> {
    storage::StoreOptions store_options;
    store_options.read_only = options.read_only;
    store_options.create_if_missing = options.create_if_missing;
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
    return std::unique_ptr<Database>(new Database(std::move(impl)));
  });
}

Result<QueryResult> Database::Execute(std::string_view statement, const Params& params) {
  return Guarded([&]() -> Result<QueryResult> {
    const grammar::PrefixMap prefixes = impl_->Prefixes();
    Result<ast::Statement> parsed =
        grammar::ParseStatement(statement, &prefixes, impl_->ParseLimits());
    if (!parsed.ok()) return parsed.status();
    return impl_->Run(*parsed, params);
  });
}

Result<std::unique_ptr<PreparedStatement>> Database::Prepare(std::string_view statement) {
  return Guarded([&]() -> Result<std::unique_ptr<PreparedStatement>> {
    const grammar::PrefixMap prefixes = impl_->Prefixes();
    Result<ast::Statement> parsed =
        grammar::ParseStatement(statement, &prefixes, impl_->ParseLimits());
    if (!parsed.ok()) return parsed.status();
    auto impl = std::make_unique<PreparedStatement::Impl>();
    impl->db = impl_.get();
    impl->statement = std::move(*parsed);
    return std::unique_ptr<PreparedStatement>(new PreparedStatement(std::move(impl)));
  });
}

Status Database::ExecuteScript(std::string_view script,
                               const std::function<void(const QueryResult&)>& on_result,
                               const Params& params) {
  Result<bool> done = Guarded([&]() -> Result<bool> {
    Status status = RunScript(script, on_result, params);
    if (!status.ok()) return status;
    return true;
  });
  return done.status();
}

Status Database::RunScript(std::string_view script,
                           const std::function<void(const QueryResult&)>& on_result,
                           const Params& params) {
  // A prefix statement in the script affects the statements after it.
  grammar::PrefixMap prefixes = impl_->Prefixes();
  grammar::ScriptParser parser(script, &prefixes, impl_->ParseLimits());
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

void Database::SetLoadProgressHandler(std::function<void(const LoadProgress&)> handler) {
  impl_->load_progress = std::move(handler);
}

void Database::SetLimits(const QueryLimits& limits) {
  std::lock_guard<std::mutex> lock(impl_->limits_mutex);
  impl_->limits = limits;
}

QueryLimits Database::limits() const { return impl_->Limits(); }

Result<CheckReport> Database::Check() {
  return Guarded([&]() -> Result<CheckReport> {
    CheckReport report;
    if (Status s = impl_->store->Check(&report); !s.ok()) return s;
    return report;
  });
}

void Database::Cancel() { impl_->cancel_generation.fetch_add(1); }

std::string FormatError(const Status& status, std::string_view source) {
  std::string kind;
  switch (status.code()) {
    case Status::Code::kSyntaxError:
      kind = "syntax error";
      break;
    case Status::Code::kSemanticError:
      kind = "error";
      break;
    default:
      kind = "error";
      break;
  }
  if (status.line() == 0) return kind + ": " + status.message();
  std::string out = fmt::format("{} at line {}, column {}: {}", kind, status.line(),
                                status.column(), status.message());
  // Find the line the error points at.
  size_t start = 0;
  for (uint32_t l = 1; l < status.line() && start != std::string_view::npos; ++l) {
    start = source.find('\n', start);
    if (start != std::string_view::npos) ++start;
  }
  if (start == std::string_view::npos || start > source.size()) return out;
  size_t end = source.find('\n', start);
  if (end == std::string_view::npos) end = source.size();
  std::string_view line = source.substr(start, end - start);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  // The caret goes under the column-th byte; pad with the line's own tabs and
  // one space per UTF-8 character so it lines up on a terminal.
  std::string pad;
  const size_t byte_col = std::min<size_t>(status.column() - 1, line.size());
  for (size_t i = 0; i < byte_col; ++i) {
    const unsigned char c = static_cast<unsigned char>(line[i]);
    if (c == '\t') {
      pad += '\t';
    } else if ((c & 0xC0) != 0x80) {
      pad += ' ';
    }
  }
  out += fmt::format("\n  {}\n  {}^", line, pad);
  return out;
}

}  // namespace quipu
