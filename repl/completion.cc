#include "repl/completion.h"

#include <algorithm>
#include <cctype>
#include <filesystem>

namespace quipu::repl {
namespace {

bool NameStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool NameChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// The innermost bracket open at the end of `text` ('(', '[', '{' or 0),
// strings skipped.
char OpenBracket(const std::string& text) {
  std::string open;
  char quote = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quote != 0) {
      if (c == '\\') {
        ++i;
      } else if (c == quote) {
        quote = 0;
      }
      continue;
    }
    if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '(' || c == '[' || c == '{') {
      open.push_back(c);
    } else if ((c == ')' || c == ']' || c == '}') && !open.empty()) {
      open.pop_back();
    }
  }
  return open.empty() ? 0 : open.back();
}

// The words of `from` that start with `prefix`.
void AddMatches(const std::vector<std::string>& from, const std::string& prefix,
                std::vector<std::string>* out) {
  for (const std::string& w : from) {
    if (w.compare(0, prefix.size(), prefix) == 0) out->push_back(w);
  }
}

}  // namespace

Completion CompleteWord(const CompletionWords& words, const std::string& statement,
                        const std::string& before, const std::string& prefix, bool at_end) {
  Completion out;
  std::vector<std::string>& found = out.candidates;
  const size_t first = before.find_first_not_of(" \t");
  const std::string line = first == std::string::npos ? "" : before.substr(first);
  size_t last = before.size();
  while (last > 0 && (before[last - 1] == ' ' || before[last - 1] == '\t')) --last;
  const char previous = last == before.size() && last > 0 ? before[last - 1] : 0;
  const bool meta = statement.empty() && !line.empty() && line[0] == ':';
  if (meta) {
    // A meta-command, then its argument (':' breaks words: `before` is ":").
    if (line == ":") {
      for (const std::string& c : words.meta_commands) {
        if (c.compare(1, prefix.size(), prefix) == 0) found.push_back(c.substr(1));
      }
      out.append_space = at_end;
    } else {
      const std::string command = line.substr(0, line.find_first_of(" \t"));
      // Only the first argument is completed: `before` is the command and blanks.
      if (line.find_first_not_of(" \t", command.size()) == std::string::npos) {
        if (command == ":mode") AddMatches(words.modes, prefix, &found);
        if (command == ":limit") AddMatches(words.limits, prefix, &found);
        out.append_space = at_end;
      }
    }
  } else if (!prefix.empty() && prefix[0] == '@') {
    AddMatches(words.entities, prefix, &found);
  } else if (previous == ':' || previous == '|') {
    // -[:own…, -[:a|b…: a predicate; (x:Per…, where x:Per…: a label.
    const char bracket = OpenBracket(statement + before);
    if (bracket == '[') {
      AddMatches(words.predicates, prefix, &found);
    } else if (previous == ':') {
      AddMatches(words.labels, prefix, &found);
    }
  } else if (previous == '.' && last >= 2 && NameChar(before[last - 2])) {
    AddMatches(words.predicates, prefix, &found);  // x.na…: a property
  } else {
    AddMatches(words.keywords, prefix, &found);
    const bool keyword = !found.empty();
    AddMatches(StatementVariables(statement + before), prefix, &found);
    out.append_space = at_end && keyword;
  }
  std::sort(found.begin(), found.end());
  found.erase(std::unique(found.begin(), found.end()), found.end());
  // Among statement words only a keyword takes the space, not a variable
  // that shares its prefix.
  if (out.append_space && found.size() == 1 && !meta) {
    out.append_space =
        std::find(words.keywords.begin(), words.keywords.end(), found[0]) != words.keywords.end();
  }
  return out;
}

std::vector<std::string> StatementVariables(const std::string& statement) {
  std::vector<std::string> out;
  const size_t n = statement.size();
  for (size_t i = 0; i < n; ++i) {
    if (!NameStart(statement[i]) ||
        (i > 0 &&
         (NameChar(statement[i - 1]) || statement[i - 1] == '@' || statement[i - 1] == ':' ||
          statement[i - 1] == '$' || statement[i - 1] == '.'))) {
      continue;
    }
    size_t end = i;
    while (end < n && NameChar(statement[end])) ++end;
    // What comes before (skipping blanks) and after.
    size_t before = i;
    while (before > 0 && std::isspace(static_cast<unsigned char>(statement[before - 1]))) --before;
    size_t after = end;
    while (after < n && std::isspace(static_cast<unsigned char>(statement[after]))) ++after;
    const bool opens = before > 0 && (statement[before - 1] == '(' || statement[before - 1] == '[');
    bool path =
        after < n && statement[after] == '=' && (after + 1 >= n || statement[after + 1] != '=');
    if (path) {  // name = ( … or name = shortest ( …
      size_t next = after + 1;
      while (next < n && std::isspace(static_cast<unsigned char>(statement[next]))) ++next;
      path = next >= n || statement[next] == '(' || NameStart(statement[next]);
    }
    if (opens || path) out.push_back(statement.substr(i, end - i));
    i = end - 1;
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

bool InLoadPath(const std::string& before) {
  // The opening quote of the file name: the last quote, with none after it.
  const size_t quote = before.find_last_of("'\"");
  if (quote == std::string::npos) return false;
  if (std::count(before.begin(), before.end(), before[quote]) % 2 == 0) return false;
  std::string words = Lower(before.substr(0, quote));
  while (!words.empty() && std::isspace(static_cast<unsigned char>(words.back()))) words.pop_back();
  for (const char* tail : {"load", "load csv", "load jsonl"}) {
    const std::string t = tail;
    if (words.size() >= t.size() && words.compare(words.size() - t.size(), t.size(), t) == 0 &&
        (words.size() == t.size() || !NameChar(words[words.size() - t.size() - 1]))) {
      return true;
    }
  }
  return false;
}

std::vector<std::string> PathCandidates(const std::string& prefix) {
  namespace fs = std::filesystem;
  const size_t slash = prefix.rfind('/');
  const std::string dir = slash == std::string::npos ? "" : prefix.substr(0, slash + 1);
  const std::string base = slash == std::string::npos ? prefix : prefix.substr(slash + 1);
  std::vector<std::string> out;
  std::error_code ec;
  for (fs::directory_iterator it(dir.empty() ? "." : dir, ec), end; !ec && it != end;
       it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.compare(0, base.size(), base) != 0) continue;
    if (name[0] == '.' && (base.empty() || base[0] != '.')) continue;
    std::error_code type_ec;
    out.push_back(dir + name + (it->is_directory(type_ec) ? "/" : ""));
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace quipu::repl
