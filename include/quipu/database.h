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
#include "quipu/status.h"
#include "quipu/value.h"

namespace quipu {

struct QueryResult {
  // Columns and rows of a match; empty for writes.
  std::vector<std::string> columns;
  std::vector<std::vector<Value>> rows;
  // What a write changed: fact instances added and removed.
  uint64_t facts_inserted = 0;
  uint64_t facts_deleted = 0;
  bool is_query = false;  // true for statements that return rows
  // One per column: the type of its non-null values (kInt and kDecimal mixed
  // give kDecimal, either with kDouble gives kDouble); kNull when the column holds only nulls, no
  // rows, or values of several other types (then read each Value's type()).
  std::vector<Value::Type> column_types;
  // For writes: one line for people, e.g. "inserted 5 facts".
  std::string summary;
  // What a person should know about a result that is not an error, one
  // line each without a prefix (the shell prints "warning: " and the line to
  // standard error): e.g. holders of a company totalling more than 100%.
  std::vector<std::string> warnings;
};

// The default statement memory budget: half of the physical memory or of the
// process's cgroup memory limit, whichever is smaller; 4 GiB when neither
// can be read. Half, so that RocksDB's caches, the rows a caller holds and
// a second statement still fit before the kernel's OOM killer acts.
uint64_t DefaultMemoryBudget();

// Parses a size for QueryLimits::memory_bytes: a whole or decimal number
// with an optional unit, "512MB", "1.5 GiB", "4096" (bytes). kB, MB, GB, TB
// are powers of 1000 and KiB, MiB, GiB, TiB (or K, M, G, T) powers of 1024,
// as in DuckDB; case does not matter. "0" or "none": no budget.
Result<uint64_t> ParseMemorySize(std::string_view text);
// For people: "256 MiB", "1.5 GiB", "800 bytes"; 0 is "none".
std::string FormatMemorySize(uint64_t bytes);

// Bounds on one statement; past one it stops with an error naming the limit.
struct QueryLimits {
  // Seconds a reading statement (match, explain why, the match of set) may
  // run. 0, the default: no limit. Loads are not bounded by it.
  double time_seconds = 0;
  // Search states a variable-length pattern may visit in one statement
  // (docs/language.md, "Paths"). Default: 10,000,000. 0: no limit.
  uint64_t path_states = 10'000'000;
  // Bytes the state of one statement may take: hash join build sides,
  // groups, sorted and distinct rows, computed values, path searches, the
  // result rows (estimates; see docs/language.md, "Limits"). Past it the
  // statement stops with an error naming the operator; nothing spills to
  // disk. Default: DefaultMemoryBudget(). 0: no budget.
  uint64_t memory_bytes = DefaultMemoryBudget();
  // Rows a statement may return; one more fails the statement (it is not
  // cut short: add `limit N` to the query for the first N). Default: 0,
  // no limit.
  uint64_t max_result_rows = 0;

  // Parser limits: what the text of one statement may hold, so hostile text
  // gets an error instead of exhausting memory or the stack.
  //
  // Bytes of one statement: all the text given to Execute or Prepare; in a
  // script, a statement from its first word to its end. Default: 1 MiB
  // (1,048,576). 0: no limit.
  uint64_t statement_bytes = uint64_t{1} << 20;
  // How deep operands may nest: each bracket, list, map, function call, case,
  // exists and `not` opens a level, and so does each operator of a chain such
  // as a or b or c. Default: 256. 0: no limit (the stack of the thread that
  // runs the statement is the limit then, and past it the process crashes).
  uint32_t nesting_depth = 256;
};

struct DatabaseOptions {
  // Open without taking the write lock; writes are refused. Default: false.
  bool read_only = false;
  // Create the directory and an empty database when absent. Default: true.
  bool create_if_missing = true;
  QueryLimits limits;
  // When not empty, `load` reads only files inside these directories (and
  // their subdirectories), judged after resolving symbolic links and `..`;
  // any other path is refused. For embedding with untrusted statements.
  // Default: empty, any file the process can read.
  std::vector<std::string> load_directories;
};

// How far a running load is, for progress displays.
struct LoadProgress {
  uint64_t bytes_read = 0;   // of the file (compressed bytes for .gz)
  uint64_t total_bytes = 0;  // the file's size on disk
  uint64_t facts = 0;        // facts read so far
  double seconds = 0;        // since the load started
};

// Values for the $name parameters of a statement, by name without the '$'.
using Params = std::map<std::string, Value>;

class Database;

// A statement parsed once and run many times with different parameters.
// REQUIRES: it is destroyed before the Database that prepared it.
class PreparedStatement {
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

class Database {
 public:
  static Result<std::unique_ptr<Database>> Open(const std::string& path,
                                                const DatabaseOptions& options = {});
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Runs exactly one statement (a trailing ';' is allowed). `params` gives
  // the values of its $parameters; a parameter without a value is an error.
  Result<QueryResult> Execute(std::string_view statement, const Params& params = {});

  // Parses one statement for running later; a syntax error is reported here,
  // with its position. Meaning (variables, types) is checked against the
  // data each time it runs, so semantic errors come from Execute.
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

  // Asks every statement running now to stop; each fails with "the statement
  // was cancelled". Statements started afterwards are not affected.
  void Cancel();

 private:
  friend class PreparedStatement;
  struct Impl;
  explicit Database(std::unique_ptr<Impl> impl);
  Status RunScript(std::string_view script,
                   const std::function<void(const QueryResult&)>& on_result, const Params& params);
  std::unique_ptr<Impl> impl_;
};

// Renders an error for a person: the message, and for errors with a position
// the line of `source` it points at with a caret under the column.
//   syntax error at line 1, column 17: expected ')' to close the node pattern
//     match (a:Person return a;
//                     ^
std::string FormatError(const Status& status, std::string_view source);

}  // namespace quipu
