// quipu: the command-line shell.
#include <signal.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <clocale>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>

#include "repl/highlight.h"
#include "repl/line_editor.h"
#include "repl/shell.h"
#include "repl/terminal.h"

namespace {

// The database Ctrl-C cancels statements on; read by the signal handler.
std::atomic<quipu::Database*> running_db{nullptr};
static_assert(std::atomic<quipu::Database*>::is_always_lock_free, "used in a signal handler");

bool ReadFile(const std::string& path, std::string* out, std::string* error) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    *error = "cannot read '" + path + "': it is a directory";
    return false;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *error = "cannot read '" + path + "': " + std::strerror(errno);
    return false;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) {
    *error = "cannot read '" + path + "': " + std::strerror(errno);
    return false;
  }
  *out = ss.str();
  return true;
}

// The interactive shell on a terminal: line editing, history, completion,
// highlighting, and Ctrl-C to cancel a statement or clear a half-typed one.
int RunTerminal(quipu::repl::Shell* shell, const std::string& db_path,
                const std::string& history_file, quipu::repl::ProgressBar* progress_bar,
                const std::function<void(quipu::Database*)>& watch_loads) {
  using quipu::repl::LineStatus;
  // libedit decodes typed characters by the locale's character set.
  std::setlocale(LC_CTYPE, "");
  std::cout << "Quipu " << QUIPU_VERSION << " on " << db_path
            << ". Statements end with ';'; :help lists the commands; Ctrl-C cancels a running "
               "statement or clears the one being typed; Ctrl-D leaves.\n";
  quipu::repl::LineEditor editor(history_file);
  editor.SetCompletionSource([shell] { return shell->CompletionWords(); });
  editor.SetStatementSource([shell] { return shell->pending_statement(); });
  if (quipu::repl::ColorWanted(isatty(STDOUT_FILENO), std::getenv("TERM"),
                               std::getenv("NO_COLOR"))) {
    editor.SetHighlighter([shell](const std::string& line) {
      return quipu::repl::HighlightLine(shell->pending_statement(), line);
    });
  }
  shell->set_timer(true);
  // A statement running past two seconds says so on a terminal, and that
  // Ctrl-C cancels it; a load shows its progress bar instead.
  std::optional<quipu::repl::RunningNotice> notice;
  if (isatty(STDERR_FILENO)) {
    notice.emplace(std::cerr);
    shell->set_running_notice(&*notice);
    progress_bar->set_running_notice(&*notice);
  }
  running_db = shell->database();
  shell->set_database_listener([&](quipu::Database* db) {
    running_db = db;
    watch_loads(db);
    editor.ResetCompletionWords();  // the new database has its own labels and keys
  });
  // Ctrl-C cancels what runs now (Database::Cancel is an atomic increment,
  // safe in a signal handler) and interrupts a line being typed.
  struct sigaction action = {};
  action.sa_handler = [](int) {
    quipu::repl::LineEditor::NoteInterrupt();
    if (quipu::Database* db = running_db.load(); db != nullptr) db->Cancel();
  };
  sigaction(SIGINT, &action, nullptr);
  const int status = shell->RunInteractive([&](const std::string& prompt, std::string* line) {
    const LineStatus got = editor.ReadLine(prompt, line);
    if (got == LineStatus::kLine) editor.AddHistory(*line);
    return got;
  });
  shell->set_running_notice(nullptr);
  progress_bar->set_running_notice(nullptr);
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  using quipu::repl::kExitFailed;
  using quipu::repl::kExitOk;
  using quipu::repl::kExitUsage;

  CLI::App app{
      "Quipu: a knowledge-graph engine for tracing influence.\n"
      "Runs statements against the database in directory DB (created if missing):\n"
      "from -c, from -f, from standard input when it is not a terminal, or in an\n"
      "interactive shell. Exit status: 0 success, 1 a statement failed, 2 bad usage.",
      "quipu"};
  std::string db_path;
  std::vector<std::string> commands;
  std::string file;
  std::string format_name = "table";
  bool read_only = false;
  std::string history_file = quipu::repl::LineEditor::DefaultHistoryFile();
  bool no_history = false;
  app.add_option("DB", db_path, "Database directory (created if missing)")->required();
  app.add_option("--history", history_file,
                 "History file of the interactive shell (default $XDG_STATE_HOME/quipu/history "
                 "or ~/.local/state/quipu/history)")
      ->type_name("FILE");
  app.add_flag("--no-history", no_history, "Keep no history in the interactive shell");
  app.add_option("-c,--command", commands,
                 "Run STATEMENT, or a :meta-command, and exit (repeatable, in order)")
      ->type_name("STATEMENT");
  app.add_option("-f,--file", file, "Run the statements and meta-commands in FILE and exit")
      ->type_name("FILE");
  app.add_option("--format", format_name,
                 "Output format: table (default), csv, tsv, json, jsonl, markdown or line; "
                 "'table ascii' or 'table unicode' choose the table's lines (default: Unicode "
                 "on a UTF-8 terminal, else ASCII)")
      ->type_name("FORMAT");
  bool keep_going = false;
  app.add_flag("--keep-going", keep_going,
               "Run on after a failed statement or meta-command (each error is reported; the "
               "exit status is still 1)");
  app.add_flag("--read-only", read_only, "Open the database read-only; writes are refused");
  std::string durability_name = "synced";
  app.add_option("--durability", durability_name,
                 "synced (default): a write reports success once it is on the disk, so a "
                 "machine crash keeps it; relaxed: once it is written, not synced (several "
                 "times faster for small writes; a machine crash may lose the last ones)")
      ->type_name("synced|relaxed");
  // An option rather than a `check` subcommand: the usage stays `quipu
  // [OPTIONS] DB`, and a database directory named "check" keeps working.
  bool check = false;
  app.add_flag("--check", check,
               "Verify that the indexes, the dictionary, the statistics and the name index of "
               "DB agree, print each disagreement, and exit (status 1 when there is one); DB "
               "must exist");
  std::string restore_from;
  CLI::Option* restore =
      app.add_option("--restore", restore_from,
                     "Restore the backup in directory BACKUP (made by :backup or backup to) as "
                     "the new database DB, which must not exist or be empty (an existing "
                     "database is never overwritten); the copy is opened and checked, "
                     "and nothing else runs")
          ->type_name("BACKUP");
  std::vector<std::string> param_args;
  app.add_option("-p,--param", param_args,
                 "Bind $NAME to VALUE, a literal such as 42, \"text\" or date '2024-06-28' "
                 "(repeatable)")
      ->type_name("NAME=VALUE");
  app.set_version_flag("--version", std::string("quipu ") + QUIPU_VERSION);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kExitUsage;
  }

  quipu::repl::OutputFormat format;
  quipu::repl::TableBorders borders;
  if (!quipu::repl::ParseOutputMode(format_name, &format, &borders)) {
    std::cerr << "quipu: unknown --format '" << format_name << "' (expected "
              << quipu::repl::OutputFormatNames() << ")\n";
    return kExitUsage;
  }
  quipu::Result<quipu::Durability> durability = quipu::ParseDurability(durability_name);
  if (!durability.ok()) {
    std::cerr << "quipu: --durability: " << durability.status().message() << "\n";
    return kExitUsage;
  }
  if (!file.empty() && !commands.empty()) {
    std::cerr << "quipu: give either -c or -f, not both\n";
    return kExitUsage;
  }
  if (check && (!file.empty() || !commands.empty())) {
    std::cerr << "quipu: --check runs alone; give no -c or -f with it\n";
    return kExitUsage;
  }

  if (restore->count() > 0) {
    if (check || read_only || !file.empty() || !commands.empty()) {
      std::cerr << "quipu: --restore runs alone; give no -c, -f, --check or --read-only with it\n";
      return kExitUsage;
    }
    quipu::Result<quipu::CheckReport> restored = quipu::Database::Restore(restore_from, db_path);
    if (!restored.ok()) {
      std::cerr << "quipu: " << restored.status().message() << "\n";
      return kExitFailed;
    }
    std::cout << "restored " << restore_from << " into " << db_path << "\ncheck: ok ("
              << quipu::repl::CheckCounts(*restored) << ")\n";
    return kExitOk;
  }

  auto db = quipu::repl::OpenDatabase(db_path, read_only, *durability, std::cerr,
                                      /*create_if_missing=*/!check);
  if (!db.ok()) {
    std::cerr << "quipu: " << db.status().message() << "\n";
    return kExitFailed;
  }
  quipu::repl::Shell shell(db->get(), std::cout, std::cerr);
  if (check) return shell.RunCheck() ? kExitOk : kExitFailed;
  shell.set_format(format);
  shell.set_table_borders(borders);
  shell.set_keep_going(keep_going);
  shell.set_durability(*durability);
  if (isatty(STDOUT_FILENO)) {
    shell.set_terminal(
        quipu::repl::LocaleIsUtf8(getenv("LC_ALL"), getenv("LC_CTYPE"), getenv("LANG")),
        [] { return quipu::repl::TerminalColumns(STDOUT_FILENO); });
  }
  // A load of more than a second shows its progress on a terminal only.
  quipu::repl::ProgressBar progress_bar(std::cerr);
  auto watch_loads = [&progress_bar](quipu::Database* database) {
    if (!isatty(STDERR_FILENO)) return;
    database->SetLoadProgressHandler(
        [&progress_bar](const quipu::LoadProgress& p) { progress_bar.Update(p); });
  };
  watch_loads(shell.database());
  shell.set_database_listener(watch_loads);  // :open in a script
  if (isatty(STDERR_FILENO)) shell.set_progress_bar(&progress_bar);
  for (const std::string& p : param_args) {
    const size_t eq = p.find('=');
    if (eq == std::string::npos || eq == 0) {
      std::cerr << "quipu: --param needs NAME=VALUE, got '" << p << "'\n";
      return kExitUsage;
    }
    if (std::string error; !shell.SetParam(p.substr(0, eq), p.substr(eq + 1), &error)) {
      std::cerr << "quipu: --param " << p.substr(0, eq) << ": " << error << "\n";
      return kExitUsage;
    }
  }

  if (!commands.empty()) {
    int status = kExitOk;
    for (const std::string& c : commands) {
      if (shell.RunScript(c, "") != kExitOk) {
        status = kExitFailed;
        if (!keep_going) break;
      }
      if (shell.quit_requested()) break;
    }
    return status;
  }
  if (!file.empty()) {
    std::string text, error;
    if (!ReadFile(file, &text, &error)) {
      std::cerr << "quipu: " << error << "\n";
      return kExitFailed;
    }
    return shell.RunScript(text, file);
  }
  if (!isatty(STDIN_FILENO)) {
    std::ostringstream ss;
    ss << std::cin.rdbuf();
    return shell.RunScript(ss.str(), "");
  }
  return RunTerminal(&shell, db_path, no_history ? std::string() : history_file, &progress_bar,
                     watch_loads);
}
