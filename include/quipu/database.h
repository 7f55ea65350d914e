// Database: an embedded Quipu database in one directory.
//
//   auto db = quipu::Database::Open("/tmp/case");
//   auto result = (*db)->Execute("match (p:Person) return p.name order by p.name;");
//
// Each statement is atomic: it happens completely or not at all, and reads
// one consistent snapshot.
//
// Thread-safety: a Database may be shared by any number of threads. Execute,
// ExecuteScript, Prepare, SetLimits, limits and Cancel may be called
// concurrently; statements that write run one at a time, reading statements
// run alongside them, and every statement reads one snapshot, so it sees each
// other statement's writes completely or not at all. SetLoadProgressHandler
// must not race with running statements. A PreparedStatement is used by one
// thread at a time. No exception escapes the API: failures are a Status.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "quipu/check.h"
#include "quipu/export.h"
#include "quipu/options.h"
#include "quipu/progress.h"
#include "quipu/query_result.h"
#include "quipu/status.h"
#include "quipu/value.h"

namespace quipu {

class Database;

// A statement parsed once and run many times with different parameters.
// REQUIRES: it is destroyed before the Database that prepared it.
class QUIPU_EXPORT PreparedStatement {
 public:
  ~PreparedStatement();
  PreparedStatement(const PreparedStatement&) = delete;
  PreparedStatement& operator=(const PreparedStatement&) = delete;

  // Runs the statement with these values for its $parameters, like
  // Database::Execute. Prefixes are those in force when it was prepared.
  Result<QueryResult> Execute(const Params& params = {});

 private:
  friend class Database;
  struct Impl;
  explicit PreparedStatement(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

class QUIPU_EXPORT Database {
 public:
  static Result<std::unique_ptr<Database>> Open(const std::string& path,
                                                const DatabaseOptions& options = {});
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Runs exactly one statement (a trailing ';' is allowed). `params` gives
  // the values of its $parameters; a parameter without a value is an error.
  // The texts run most recently are kept parsed and planned, as if prepared.
  Result<QueryResult> Execute(std::string_view statement, const Params& params = {});

  // Parses one statement for running later; a syntax error is reported here,
  // with its position. Meaning (variables, types) is checked against the
  // data each time it runs, so semantic errors (a parameter missing or of the
  // wrong type, an unknown variable) come from Execute. Its plan is made on
  // its first run and kept for later runs, whatever their parameters, until
  // a write changes the database (docs/embedding.md).
  Result<std::unique_ptr<PreparedStatement>> Prepare(std::string_view statement);

  // Runs the statements of a script in order, each atomically, calling
  // `on_result` after each; stops at the first failing statement and returns
  // its error (positions refer to the whole script).
  Status ExecuteScript(std::string_view script,
                       const std::function<void(const QueryResult&)>& on_result,
                       const Params& params = {});

  // Called from the loading thread about every thousand facts of a running
  // `load`; keep it quick. Null (the default) reports nothing.
  void SetLoadProgressHandler(std::function<void(const LoadProgress&)> handler);

  // The limits for statements started from now on (thread-safe).
  void SetLimits(const QueryLimits& limits);
  QueryLimits limits() const;

  // Verifies that the database's indexes, dictionary, statistics and name
  // index agree (docs/format.md, "Checking a database"). Problems found are
  // in the report; the Status is an error only when reading failed. Writes
  // wait while it runs.
  Result<CheckReport> Check();

  // Bulk loads stack the database's files on levels that every read visits;
  // the database merges them in the background after each load
  // (docs/format.md, "Options"). Compact() does it now and returns when
  // done: after a script of loads, before timing queries.
  Status Compact();

  // Writes a copy of the database as of one moment into the directory `dir`,
  // which must not exist; statements, writes included, go on meanwhile. The
  // files are hard-linked where the file system allows (the same disk),
  // copied otherwise; the copy opens as a database (Open(dir)), and Restore
  // makes a new database of it.
  Status Backup(const std::string& dir);

  // Restores the backup in `backup_dir` (made by Backup) as a new database
  // in `dir`, which must not exist or be empty: the files are copied (the
  // backup is only read and stays usable), synced, and the copy is opened
  // and checked. On failure `dir` is left as it was. Returns the check's
  // report of the copy. REQUIRES: no process has `backup_dir` open.
  static Result<CheckReport> Restore(const std::string& backup_dir, const std::string& dir);

  // Asks every statement running now to stop; each fails with "the statement
  // was cancelled". Statements started afterwards are not affected.
  void Cancel();

 private:
  struct Impl;
  explicit Database(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Renders an error for a person: the message, and for errors with a position
// the line of `source` it points at with a caret under the column (of a line
// over 200 characters, 60 characters each side of the caret, "…" at a cut).
//   syntax error at line 1, column 17: expected ')' to close the node pattern
//     match (a:Person return a;
//                     ^
QUIPU_EXPORT std::string FormatError(const Status& status, std::string_view source);

}  // namespace quipu
