// Shell: runs statements from text, a file or an interactive stream and
// prints results and errors. Works over streams so tests need no terminal.
#pragma once

#include <fstream>
#include <functional>
#include <istream>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "quipu/database.h"
#include "repl/output.h"
#include "repl/progress_bar.h"

namespace quipu::repl {

// Process exit statuses.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;  // a statement or the database failed
inline constexpr int kExitUsage = 2;   // bad command line

class Shell {
 public:
  Shell(Database* db, std::ostream& out, std::ostream& err) : db_(db), out_(out), err_(err) {}

  void set_format(OutputFormat format) { format_ = format; }
  // Binds $name to the value of `literal` (any constant expression) for the
  // statements that follow; false with *error set when it does not evaluate.
  bool SetParam(const std::string& name, const std::string& literal, std::string* error);

  // Runs every statement of `text`; stops at the first error, which is
  // printed to err with `origin` (a file name, or empty) in front.
  // Returns kExitOk or kExitFailed.
  int RunScript(const std::string& text, const std::string& origin);

  // Reads statements from `in` line by line, prompting on out, until end of
  // input or :quit. A statement ends with ';'. A line starting with ':' when
  // no statement is half typed is a meta-command (:help lists them). Errors
  // are printed and reading goes on.
  int RunInteractive(std::istream& in);
  // The same over any line source: read_line(prompt, &line) shows the prompt
  // and returns false at the end of input.
  using LineReader = std::function<bool(const std::string& prompt, std::string* line)>;
  int RunInteractive(const LineReader& read_line);

  // Words for tab completion: keywords, meta-commands, and this database's
  // labels, predicates and (up to a few thousand) entity keys.
  std::vector<std::string> CompletionWords();

  Database* database() const { return db_; }

  // A load progress bar to erase when each statement ends; may be null.
  void set_progress_bar(ProgressBar* bar) { progress_bar_ = bar; }

  // Runs one meta-command line (":mode json"); false when it failed (the
  // error is printed). Sets *quit for :quit.
  bool RunMeta(const std::string& line, bool* quit);

  // The entities of the last result and the facts between them as a Graphviz
  // digraph (:dot FILE).
  std::string LastResultAsDot();

 private:
  std::ostream& results() { return output_file_ ? *output_file_ : out_; }

  Database* db_;
  std::unique_ptr<Database> owned_;  // after :open
  std::ostream& out_;
  std::ostream& err_;
  OutputFormat format_ = OutputFormat::kTable;
  Params params_;
  bool timer_ = false;
  ProgressBar* progress_bar_ = nullptr;
  QueryResult last_result_;                     // the last result with rows, for :dot
  std::unique_ptr<std::ofstream> output_file_;  // :output FILE
};

// True when `text` ends a statement: its last token outside strings and
// comments is ';'.
bool StatementComplete(const std::string& text);

}  // namespace quipu::repl
