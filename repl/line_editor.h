// LineEditor: the terminal side of the shell, on libedit's readline
// interface: line editing, a persistent history file and tab completion.
// Only used when standard input is a terminal; tests drive the shell
// through streams instead (and through a real terminal in tmux).
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace quipu::repl {

class LineEditor {
 public:
  // `history_file` empty: no history is read or written.
  explicit LineEditor(std::string history_file);
  ~LineEditor();

  // Shows `prompt` and reads one line; false at end of input (Ctrl-D).
  bool ReadLine(const std::string& prompt, std::string* line);
  void AddHistory(const std::string& line);

  // Where tab completion gets its words (keywords, labels, predicates, …):
  // called at the first Tab, not at start-up, so opening stays instant.
  void SetCompletionSource(std::function<std::vector<std::string>()> source);

  // Where the history lives by default: $XDG_STATE_HOME/quipu/history, or
  // ~/.local/state/quipu/history; empty when neither can be found.
  static std::string DefaultHistoryFile();

 private:
  std::string history_file_;
};

}  // namespace quipu::repl
