#include "quipu/database.h"

#include <fmt/format.h>

#include <exception>
#include <new>

#include "core/utf8.h"
#include "engine/engine.h"
#include "engine/restore.h"

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

}  // namespace

struct Database::Impl {
  std::unique_ptr<engine::Engine> engine;
};

struct PreparedStatement::Impl {
  engine::Engine* engine;
  std::unique_ptr<engine::Prepared> prepared;
};

PreparedStatement::PreparedStatement(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
PreparedStatement::~PreparedStatement() = default;

Result<QueryResult> PreparedStatement::Execute(const Params& params) {
  return Guarded(
      [&]() -> Result<QueryResult> { return impl_->engine->Run(*impl_->prepared, params); });
}

Database::Database(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Database::~Database() = default;

Result<std::unique_ptr<Database>> Database::Open(const std::string& path,
                                                 const DatabaseOptions& options) {
  return Guarded([&]() -> Result<std::unique_ptr<Database>> {
    Result<std::unique_ptr<engine::Engine>> opened = engine::Engine::Open(path, options);
    if (!opened.ok()) return opened.status();
    auto impl = std::make_unique<Impl>();
    impl->engine = std::move(*opened);
    return std::unique_ptr<Database>(new Database(std::move(impl)));
  });
}

Result<QueryResult> Database::Execute(std::string_view statement, const Params& params) {
  return Guarded(
      [&]() -> Result<QueryResult> { return impl_->engine->Execute(statement, params); });
}

Result<std::unique_ptr<PreparedStatement>> Database::Prepare(std::string_view statement) {
  return Guarded([&]() -> Result<std::unique_ptr<PreparedStatement>> {
    Result<std::unique_ptr<engine::Prepared>> prepared = impl_->engine->Prepare(statement);
    if (!prepared.ok()) return prepared.status();
    auto impl = std::make_unique<PreparedStatement::Impl>();
    impl->engine = impl_->engine.get();
    impl->prepared = std::move(*prepared);
    return std::unique_ptr<PreparedStatement>(new PreparedStatement(std::move(impl)));
  });
}

Status Database::ExecuteScript(std::string_view script,
                               const std::function<void(const QueryResult&)>& on_result,
                               const Params& params) {
  Result<bool> done = Guarded([&]() -> Result<bool> {
    Status status = impl_->engine->ExecuteScript(script, on_result, params);
    if (!status.ok()) return status;
    return true;
  });
  return done.status();
}

void Database::SetLoadProgressHandler(std::function<void(const LoadProgress&)> handler) {
  impl_->engine->SetLoadProgressHandler(std::move(handler));
}

void Database::SetLimits(const QueryLimits& limits) { impl_->engine->SetLimits(limits); }

QueryLimits Database::limits() const { return impl_->engine->limits(); }

Status Database::Compact() {
  return Guarded([&]() -> Status { return impl_->engine->Compact(); });
}

Result<CheckReport> Database::Check() {
  return Guarded([&]() -> Result<CheckReport> { return impl_->engine->Check(); });
}

Status Database::Backup(const std::string& dir) {
  Result<bool> done = Guarded([&]() -> Result<bool> {
    Status status = impl_->engine->Backup(dir);
    if (!status.ok()) return status;
    return true;
  });
  return done.status();
}

Result<CheckReport> Database::Restore(const std::string& backup_dir, const std::string& dir) {
  return Guarded([&]() -> Result<CheckReport> { return engine::RestoreBackup(backup_dir, dir); });
}

void Database::Cancel() { impl_->engine->Cancel(); }

namespace {

// A line of more characters than this is shown as a window around the
// caret, so that an error in a 2 MB statement prints a few lines, not 2 MB.
constexpr size_t kWholeLineChars = 200;
constexpr size_t kWindowChars = 60;  // shown on each side of the caret

// What an error shows of `line`: all of it when short; else kWindowChars
// characters each side of the byte `*caret`, a "…" where it is cut.
// `*caret` becomes the caret's byte in what is returned.
std::string ShownPart(std::string_view line, size_t* caret) {
  if (CodePointCount(line) <= kWholeLineChars) return std::string(line);
  const size_t at = StartOfCodePoint(line, *caret);
  size_t begin = at;
  for (size_t n = 0; n < kWindowChars && begin > 0; ++n) {
    begin = StartOfCodePoint(line, begin - 1);
  }
  size_t end = at;  // the caret's own character and kWindowChars after it
  for (size_t n = 0; n <= kWindowChars && end < line.size(); ++n) end = EndOfCodePoint(line, end);
  std::string shown = begin > 0 ? "…" : "";
  *caret = shown.size() + (*caret - begin);
  shown += line.substr(begin, end - begin);
  if (end < line.size()) shown += "…";
  return shown;
}

}  // namespace

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
  size_t byte_col = std::min<size_t>(status.column() - 1, line.size());
  const std::string shown = ShownPart(line, &byte_col);
  std::string pad;
  for (size_t i = 0; i < byte_col; ++i) {
    const unsigned char c = static_cast<unsigned char>(shown[i]);
    if (c == '\t') {
      pad += '\t';
    } else if (!IsUtf8Continuation(static_cast<char>(c))) {
      pad += ' ';
    }
  }
  out += fmt::format("\n  {}\n  {}^", shown, pad);
  return out;
}

}  // namespace quipu
