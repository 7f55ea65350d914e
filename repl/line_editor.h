// LineEditor: the terminal side of the shell, on libedit's readline
// interface: line editing, a persistent history file, tab completion, Ctrl-C
// on a half-typed line, and the highlighted redraw of each entered line.
// Only used when standard input is a terminal; tests drive the shell
// through streams instead (and through a real terminal in pty_test.sh).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "repl/completion.h"
#include "repl/line_source.h"

namespace quipu::repl {

class LineEditor {
 public:
  // `history_file` empty: no history is read or written.
  explicit LineEditor(std::string history_file);
  ~LineEditor();

  // Shows `prompt` and reads one line. kInterrupted when Ctrl-C was pressed
  // while typing (NoteInterrupt ran), kEnd at end of input (Ctrl-D).
  LineStatus ReadLine(const std::string& prompt, std::string* line);
  void AddHistory(const std::string& line);

  // To be called from the SIGINT handler (async-signal-safe): libedit then
  // gives up the line, and ReadLine reports it as interrupted rather than
  // as the end of input.
  static void NoteInterrupt();

  // Where tab completion gets its words (keywords, labels, predicates, …):
  // called at the first Tab, not at start-up, so opening stays instant.
  void SetCompletionSource(std::function<CompletionWords()> source);
  // The lines of the statement typed before the current one, for the
  // variables Tab offers (repl/completion.h).
  void SetStatementSource(std::function<std::string()> source);
  // Forgets the words, so the next Tab asks the source again (after :open).
  void ResetCompletionWords();

  // libedit cannot colour the line while it is typed; with a highlighter,
  // each entered line is redrawn in place as `highlight(line)` returns it
  // (ANSI colours). Lines the redraw could misplace (control characters, a
  // row filled exactly, wide characters on a wrapped line) stay as typed.
  void SetHighlighter(std::function<std::string(const std::string& line)> highlight);

  // Where the history lives by default: $XDG_STATE_HOME/quipu/history, or
  // ~/.local/state/quipu/history; empty when neither can be found.
  static std::string DefaultHistoryFile();

 private:
  void Redraw(const std::string& prompt, const std::string& line) const;

  std::string history_file_;
  std::function<std::string(const std::string&)> highlight_;
};

}  // namespace quipu::repl
