#include "repl/line_editor.h"

#include <editline/readline.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "repl/completion.h"
#include "repl/output.h"
#include "repl/terminal.h"

namespace quipu::repl {
namespace {

// Set by the SIGINT handler. libedit's readline returns NULL both at the end
// of input and when a signal interrupts its read; this tells them apart.
volatile std::sig_atomic_t interrupted = 0;

// readline's completion callbacks are plain functions: the words live here,
// filled from the source at the first completion.
CompletionWords* completion_words = nullptr;
std::function<CompletionWords()>* completion_source = nullptr;

void LoadCompletionWords() {
  if (completion_words != nullptr || completion_source == nullptr) return;
  interrupted = 0;
  CompletionWords words = (*completion_source)();
  // Ctrl-C while gathering cancels the queries: keep nothing, try at the next Tab.
  if (interrupted != 0) return;
  completion_words = new CompletionWords(std::move(words));
}

// The candidates of the completion in progress, handed out by the generator.
std::vector<std::string>* candidates = nullptr;
std::function<std::string()>* statement_source = nullptr;

char* CandidateGenerator(const char* /*text*/, int state) {
  static size_t index;
  if (state == 0) index = 0;
  if (candidates == nullptr || index >= candidates->size()) return nullptr;
  return strdup((*candidates)[index++].c_str());
}

char** Complete(const char* text, int start, int end) {
  rl_attempted_completion_over = 1;  // no file-name completion as a fallback
  const std::string before(rl_line_buffer, static_cast<size_t>(start));
  const std::string prefix = text;
  std::vector<std::string> found;
  if (InLoadPath(before)) {
    // The word breaks ('.', ':') may cut the path: complete it from its
    // quote, and hand back what follows `start`.
    const size_t from = before.find_last_of("'\"") + 1;
    const std::string path(rl_line_buffer + from, static_cast<size_t>(end) - from);
    for (const std::string& candidate : PathCandidates(path)) {
      found.push_back(candidate.substr(static_cast<size_t>(start) - from));
    }
    // A directory goes on being typed; a file is followed by its quote.
    rl_completion_append_character = '\0';
  } else {
    LoadCompletionWords();
    const CompletionWords none;
    const std::string statement =
        statement_source != nullptr ? (*statement_source)() : std::string();
    Completion completion =
        CompleteWord(completion_words != nullptr ? *completion_words : none, statement, before,
                     prefix, static_cast<size_t>(end) >= std::strlen(rl_line_buffer));
    found = std::move(completion.candidates);
    rl_completion_append_character = completion.append_space ? ' ' : '\0';
  }
  delete candidates;
  candidates = new std::vector<std::string>(std::move(found));
  return rl_completion_matches(text, CandidateGenerator);
}

}  // namespace

LineEditor::LineEditor(std::string history_file) : history_file_(std::move(history_file)) {
  rl_readline_name = const_cast<char*>("quipu");
  rl_attempted_completion_function = Complete;
  // '@' starts an entity key: keep it in the word (the candidates carry it).
  // ':' breaks, so labels (p:Per…), predicates (-[:own…) and meta-commands
  // (:mo…) complete on the name after it; '|' too, for -[:a|b….
  static char kBreaks[] = " \t\n\"'(),;[]{}=<>:.|";
  rl_completer_word_break_characters = kBreaks;
  rl_basic_word_break_characters = kBreaks;
  using_history();
  if (!history_file_.empty()) read_history(history_file_.c_str());
}

LineEditor::~LineEditor() {
  if (!history_file_.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(history_file_).parent_path(), ec);
    write_history(history_file_.c_str());
  }
  ResetCompletionWords();
  delete completion_source;
  completion_source = nullptr;
  delete statement_source;
  statement_source = nullptr;
  delete candidates;
  candidates = nullptr;
}

LineStatus LineEditor::ReadLine(const std::string& prompt, std::string* line) {
  interrupted = 0;
  char* raw = readline(prompt.c_str());
  if (raw == nullptr) {
    if (interrupted == 0) return LineStatus::kEnd;
    std::fputs("^C\n", stdout);  // what was typed stays on screen, cancelled
    std::fflush(stdout);
    return LineStatus::kInterrupted;
  }
  *line = raw;
  std::free(raw);
  if (highlight_) Redraw(prompt, *line);
  return LineStatus::kLine;
}

void LineEditor::NoteInterrupt() { interrupted = 1; }

void LineEditor::Redraw(const std::string& prompt, const std::string& line) const {
  const std::string colored = highlight_(line);
  if (colored == line) return;
  bool wide = false;
  for (char c : line) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F) return;  // libedit shows these as ^X, two cells
    wide = wide || u >= 0x80;
  }
  const size_t columns = TerminalColumns(STDOUT_FILENO);
  const size_t total = DisplayWidth(prompt) + DisplayWidth(line);
  if (columns == 0 || total % columns == 0 || (wide && total > columns)) return;
  // The cursor is at the start of the row after the line: go up to the
  // prompt's row, clear to the end of the screen, and print it again.
  const size_t rows = total / columns + 1;
  const size_t screen_rows = TerminalRows(STDOUT_FILENO);
  if (screen_rows != 0 && rows >= screen_rows) return;
  const std::string redraw = "\033[" + std::to_string(rows) + "A\r\033[J" + prompt + colored + "\n";
  std::fwrite(redraw.data(), 1, redraw.size(), stdout);
  std::fflush(stdout);
}

void LineEditor::SetHighlighter(std::function<std::string(const std::string& line)> highlight) {
  highlight_ = std::move(highlight);
}

void LineEditor::AddHistory(const std::string& line) {
  if (line.find_first_not_of(" \t") != std::string::npos) add_history(line.c_str());
}

void LineEditor::SetCompletionSource(std::function<CompletionWords()> source) {
  ResetCompletionWords();
  delete completion_source;
  completion_source = new std::function<CompletionWords()>(std::move(source));
}

void LineEditor::SetStatementSource(std::function<std::string()> source) {
  delete statement_source;
  statement_source = new std::function<std::string()>(std::move(source));
}

void LineEditor::ResetCompletionWords() {
  delete completion_words;
  completion_words = nullptr;
}

std::string LineEditor::DefaultHistoryFile() {
  if (const char* state = std::getenv("XDG_STATE_HOME"); state != nullptr && *state) {
    return std::string(state) + "/quipu/history";
  }
  if (const char* home = std::getenv("HOME"); home != nullptr && *home) {
    return std::string(home) + "/.local/state/quipu/history";
  }
  return "";
}

}  // namespace quipu::repl
