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

}  // namespace

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
