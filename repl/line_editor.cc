#include "repl/line_editor.h"

#include <editline/readline.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>

namespace quipu::repl {
namespace {

// readline's completion callbacks are plain functions: the words live here,
// filled from the source at the first completion.
std::vector<std::string>* completion_words = nullptr;
std::function<std::vector<std::string>()>* completion_source = nullptr;

void LoadCompletionWords() {
  if (completion_words != nullptr || completion_source == nullptr) return;
  std::vector<std::string> words = (*completion_source)();
  std::sort(words.begin(), words.end());
  words.erase(std::unique(words.begin(), words.end()), words.end());
  completion_words = new std::vector<std::string>(std::move(words));
}

char* CompletionGenerator(const char* text, int state) {
  static size_t index;
  static std::string prefix;
  if (state == 0) {
    index = 0;
    prefix = text;
    LoadCompletionWords();
  }
  if (completion_words == nullptr) return nullptr;
  while (index < completion_words->size()) {
    const std::string& word = (*completion_words)[index++];
    if (word.compare(0, prefix.size(), prefix) == 0) return strdup(word.c_str());
  }
  return nullptr;
}

char** Complete(const char* text, int /*start*/, int /*end*/) {
  rl_attempted_completion_over = 1;  // no file-name completion as a fallback
  return rl_completion_matches(text, CompletionGenerator);
}

}  // namespace

LineEditor::LineEditor(std::string history_file) : history_file_(std::move(history_file)) {
  rl_readline_name = const_cast<char*>("quipu");
  rl_attempted_completion_function = Complete;
  // '@' starts an entity key: keep it in the word (the candidates carry it).
  // ':' breaks, so labels (p:Per…), predicates (-[:own…) and meta-commands
  // (:mo…) complete on the name after it.
  static char kBreaks[] = " \t\n\"'(),;[]{}=<>:.";
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
  delete completion_words;
  completion_words = nullptr;
  delete completion_source;
  completion_source = nullptr;
}

bool LineEditor::ReadLine(const std::string& prompt, std::string* line) {
  char* raw = readline(prompt.c_str());
  if (raw == nullptr) return false;
  *line = raw;
  std::free(raw);
  return true;
}

void LineEditor::AddHistory(const std::string& line) {
  if (line.find_first_not_of(" \t") != std::string::npos) add_history(line.c_str());
}

void LineEditor::SetCompletionSource(std::function<std::vector<std::string>()> source) {
  delete completion_words;
  completion_words = nullptr;
  delete completion_source;
  completion_source = new std::function<std::vector<std::string>()>(std::move(source));
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
