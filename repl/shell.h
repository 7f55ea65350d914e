// Shell: runs statements and meta-commands from text, a file or an
// interactive line source and prints results and errors. Works over streams
// so tests need no terminal.
#pragma once

#include <fstream>
#include <functional>
#include <istream>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "quipu/database.h"
#include "repl/completion.h"
#include "repl/line_source.h"
#include "repl/output.h"
#include "repl/progress_bar.h"
#include "repl/running_notice.h"

namespace quipu::repl {

// Process exit statuses.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;  // a statement or the database failed
inline constexpr int kExitUsage = 2;   // bad command line

inline constexpr char kPrompt[] = "quipu> ";
inline constexpr char kContinuationPrompt[] = "   ...> ";

// The meta-commands, each with its ':' (":help", …), as :help lists them.
std::vector<std::string> MetaCommandNames();

// A clean check's counts, as `:check`, `--check` and `--restore` print them:
// "N facts, N instances, N terms, N predicates, N name entries".
std::string CheckCounts(const CheckReport& report);

class Shell {
 public:
  Shell(Database* db, std::ostream& out, std::ostream& err) : db_(db), out_(out), err_(err) {}

  void set_format(OutputFormat format) { format_ = format; }
  void set_table_borders(TableBorders borders) { borders_ = borders; }
  // Results printed to `out` reach a terminal `columns()` wide (asked at
  // each table, so a resized window counts): tables are cut to fit, and drawn
  // with Unicode lines when `utf8` and the borders are kAuto. Not for results
  // sent to a file with :output.
  void set_terminal(bool utf8, std::function<size_t()> columns) {
    terminal_utf8_ = utf8;
    terminal_columns_ = std::move(columns);
  }
  // Prints each statement's run time: after the row count or summary in table
  // mode, on a line of its own in the others (:timer).
  void set_timer(bool on) { timer_ = on; }
  // After a failed statement or meta-command, run on instead of stopping; the
  // result is still kExitFailed (--keep-going).
  void set_keep_going(bool on) { keep_going_ = on; }
  // What :open opens other databases with (--durability).
  void set_durability(Durability durability) { durability_ = durability; }
  // Binds $name to the value of `literal` (any constant expression) for the
  // statements that follow; false with *error set when it does not evaluate.
  bool SetParam(const std::string& name, const std::string& literal, std::string* error);

  // Runs the statements and meta-command lines (lines starting with ':'
  // between statements) of `text` in order. Stops at the first error unless
  // keep-going is set, and at :quit. Errors go to err with `origin` (a file
  // name, or empty) in front and lines counted in the whole text.
  // Returns kExitOk, or kExitFailed when anything failed.
  int RunScript(const std::string& text, const std::string& origin);

  // Reads statements from `in` line by line, prompting on out, until end of
  // input or :quit. A statement ends with ';'. A line starting with ':' when
  // no statement is half typed is a meta-command (:help lists them). Errors
  // are printed and reading goes on.
  int RunInteractive(std::istream& in);
  // The same over any line source; kInterrupted drops the half-typed statement.
  int RunInteractive(const LineReader& read_line);
  // The lines of the statement being typed in RunInteractive (empty between
  // statements), for highlighting the next line in context.
  const std::string& pending_statement() const { return pending_; }
  // True once :quit was run, in a script too.
  bool quit_requested() const { return quit_requested_; }

  // Words for tab completion, by kind: keywords, meta-commands and their
  // arguments, and this database's labels, predicates and (up to a few
  // thousand) entity keys.
  repl::CompletionWords CompletionWords();

  Database* database() const { return db_; }
  // Called with the new database after :open.
  void set_database_listener(std::function<void(Database*)> listener) {
    database_listener_ = std::move(listener);
  }

  // A load progress bar to erase when each statement ends; may be null.
  void set_progress_bar(ProgressBar* bar) { progress_bar_ = bar; }
  // Each statement runs with `notice` started (the interactive shell on a
  // terminal: a long statement says how long it has run and that Ctrl-C
  // cancels it); it stops before anything is printed.
  void set_running_notice(RunningNotice* notice) { running_notice_ = notice; }

  // Runs one meta-command line (":mode json"); false when it failed (the
  // error is printed after `error_prefix`). Sets *quit for :quit.
  bool RunMeta(const std::string& line, bool* quit, const std::string& error_prefix = "error: ");

  // :check: prints "check: ok (counts)", or each problem on a line and an
  // error with their number; false when there were problems or the check
  // could not read the database.
  bool RunCheck(const std::string& error_prefix = "error: ");

  // The entities of the last result (in lists and paths too) and the facts
  // between them as a Graphviz digraph (:dot FILE); nullopt when it holds
  // no entity.
  std::optional<std::string> LastResultAsDot();

 private:
  std::ostream& results() { return output_file_ ? *output_file_ : out_; }
  // Runs the statement text[begin, end) whose first line is line `line` of
  // `text`; false when it failed (the error is printed).
  bool RunStatement(const std::string& text, size_t begin, size_t end, uint32_t line,
                    const std::string& origin);
  void PrintStatementResult(const QueryResult& result, double seconds);

  Database* db_;
  std::unique_ptr<Database> owned_;  // after :open
  std::ostream& out_;
  std::ostream& err_;
  OutputFormat format_ = OutputFormat::kTable;
  // Where line mode printed the latest records, while it is the mode.
  const std::ostream* line_records_to_ = nullptr;
  TableBorders borders_ = TableBorders::kAuto;
  bool terminal_utf8_ = false;
  std::function<size_t()> terminal_columns_;  // null: results do not go to a terminal
  Params params_;
  bool timer_ = false;
  bool keep_going_ = false;
  Durability durability_ = Durability::kSynced;
  bool quit_requested_ = false;
  std::string pending_;
  ProgressBar* progress_bar_ = nullptr;
  RunningNotice* running_notice_ = nullptr;
  std::function<void(Database*)> database_listener_;
  QueryResult last_result_;                     // the last result with rows, for :dot
  std::unique_ptr<std::ofstream> output_file_;  // :output FILE
};

// Opens the database at `path` for the shell. A database another process
// holds for writing is opened read-only instead (RocksDB allows one writer),
// with a note on `err`. Without `create_if_missing`, a missing database is
// an error instead of a new one.
Result<std::unique_ptr<Database>> OpenDatabase(const std::string& path, bool read_only,
                                               Durability durability, std::ostream& err,
                                               bool create_if_missing = true);

}  // namespace quipu::repl
