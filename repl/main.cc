// quipu: the command-line shell.
#include <signal.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "repl/line_editor.h"
#include "repl/shell.h"

namespace {

quipu::Database* running_db = nullptr;

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
  app.add_option("-c,--command", commands, "Run STATEMENT and exit (repeatable, in order)")
      ->type_name("STATEMENT");
  app.add_option("-f,--file", file, "Run the statements in FILE and exit")->type_name("FILE");
  app.add_option("--format", format_name,
                 "Output format: table (default), csv, tsv, json, jsonl, markdown or line")
      ->type_name("FORMAT");
  app.add_flag("--read-only", read_only, "Open the database read-only; writes are refused");
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
  if (!quipu::repl::ParseOutputFormat(format_name, &format)) {
    std::cerr << "quipu: unknown --format '" << format_name << "' (expected "
              << quipu::repl::OutputFormatNames() << ")\n";
    return kExitUsage;
  }
  if (!file.empty() && !commands.empty()) {
    std::cerr << "quipu: give either -c or -f, not both\n";
    return kExitUsage;
  }

  quipu::DatabaseOptions options;
  options.read_only = read_only;
  auto db = quipu::Database::Open(db_path, options);
  if (!db.ok() && !read_only &&
      db.status().message().find("in use by another process") != std::string::npos) {
    // RocksDB allows one writer: a second shell reads the last committed state.
    options.read_only = true;
    db = quipu::Database::Open(db_path, options);
    if (db.ok()) {
      std::cerr << "quipu: '" << db_path
                << "' is open for writing in another process; opened read-only (writes are "
                   "refused; reads see what was committed when it opened)\n";
    }
  }
  if (!db.ok()) {
    std::cerr << "quipu: " << db.status().message() << "\n";
    return kExitFailed;
  }
  quipu::repl::Shell shell(db->get(), std::cout, std::cerr);
  shell.set_format(format);
  // A load of more than a second shows its progress on a terminal only.
  quipu::repl::ProgressBar progress_bar(std::cerr);
  if (isatty(STDERR_FILENO)) {
    (*db)->SetLoadProgressHandler(
        [&progress_bar](const quipu::LoadProgress& p) { progress_bar.Update(p); });
    shell.set_progress_bar(&progress_bar);
  }
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
    for (const std::string& c : commands) {
      if (int rc = shell.RunScript(c, ""); rc != kExitOk) return rc;
    }
    return kExitOk;
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
  std::cout << "Quipu " << QUIPU_VERSION << " on " << db_path
            << ". Statements end with ';'; :help lists the commands; Ctrl-C cancels a "
               "running statement; Ctrl-D leaves.\n";
  quipu::repl::LineEditor editor(no_history ? std::string() : history_file);
  editor.SetCompletionSource([&shell] { return shell.CompletionWords(); });
  // Ctrl-C cancels what runs now (Database::Cancel is an atomic increment,
  // safe in a signal handler); the shell goes on.
  running_db = shell.database();
  struct sigaction action = {};
  action.sa_handler = [](int) {
    if (running_db != nullptr) running_db->Cancel();
  };
  sigaction(SIGINT, &action, nullptr);
  return shell.RunInteractive([&](const std::string& prompt, std::string* line) {
    if (!editor.ReadLine(prompt, line)) return false;
    editor.AddHistory(*line);
    running_db = shell.database();  // :open may have changed it
    return true;
  });
}
