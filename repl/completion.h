// What Tab offers besides the fixed words (keywords, labels, predicates,
// entity keys, meta-commands): the variables of the statement being typed,
// and file paths inside the quotes after `load`. Pure functions over text,
// so they are tested without a terminal.
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

}  // namespace quipu::repl
