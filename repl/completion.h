// What Tab offers, by where the word stands: labels after `(x:`,
// predicates inside `[:` (and after `|` there), properties after `x.`,
// entity keys after '@', meta-commands after a leading ':', their arguments
// after :mode and :limit, file paths inside the quotes after `load`, else
// the keywords and the statement's variables. Pure functions over text, so
// they are tested without a terminal.
#pragma once

#include <string>
#include <vector>

namespace quipu::repl {

// The variables named so far in `statement`: a name right after '(' or '['
// (a node or relationship), or before '=' and a pattern (a path variable).
std::vector<std::string> StatementVariables(const std::string& statement);

// True when `before` (the line up to the word being completed) ends inside
// the quotes of a file name after load: load '…, load csv '…, load jsonl '….
bool InLoadPath(const std::string& before);

// The files and directories (the latter ending in '/') whose path starts with
// `prefix`, sorted; hidden ones only when the name being typed starts with '.'.
std::vector<std::string> PathCandidates(const std::string& prefix);

// The words Tab may offer, by kind (Shell::CompletionWords fills them from
// the language and the database).
struct CompletionWords {
  std::vector<std::string> keywords;       // the language's words
  std::vector<std::string> labels;         // this database's
  std::vector<std::string> predicates;     // this database's, also its properties
  std::vector<std::string> entities;       // "@key", a few thousand at most
  std::vector<std::string> meta_commands;  // ":help", …
  std::vector<std::string> modes;          // after :mode
  std::vector<std::string> limits;         // after :limit
};

struct Completion {
  std::vector<std::string> candidates;  // sorted, distinct
  // A space after a unique candidate: only after a keyword or a command at
  // the end of the line, where one must follow; a name is usually followed
  // by punctuation (`)`, `]`, `.`, `,`), and text after the cursor is
  // already there.
  bool append_space = false;
};

// The candidates for `prefix`, the word that starts where `before` (the line
// up to it) ends; `statement` is the lines of the statement typed before
// this one (empty when none is); `at_end` whether nothing follows the
// cursor. The word breaks are those of the line editor: `before` ends with
// ':' before a label, '.' before a property.
Completion CompleteWord(const CompletionWords& words, const std::string& statement,
                        const std::string& before, const std::string& prefix, bool at_end);

}  // namespace quipu::repl
