#include "repl/highlight.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include "repl/tokens.h"

namespace quipu::repl {
namespace {

constexpr const char* kReset = "\033[0m";

constexpr std::pair<TokenKind, const char*> kColors[] = {
    {TokenKind::kKeyword, "\033[1;34m"}, {TokenKind::kString, "\033[32m"},
    {TokenKind::kNumber, "\033[33m"},    {TokenKind::kEntityKey, "\033[36m"},
    {TokenKind::kIri, "\033[36m"},       {TokenKind::kParameter, "\033[35m"},
    {TokenKind::kComment, "\033[90m"},
};

// The colour of a kind of token; null for the kinds left plain.
const char* ColorOf(TokenKind kind) {
  for (const auto& [k, color] : kColors) {
    if (k == kind) return color;
  }
  return nullptr;
}

// The part of `text` from `from` on, highlighted.
std::string HighlightFrom(std::string_view text, size_t from) {
  std::string out;
  for (const Token& t : Tokenize(text)) {
    if (t.end <= from) continue;
    const std::string_view piece =
        text.substr(std::max(t.begin, from), t.end - std::max(t.begin, from));
    const char* color = ColorOf(t.kind);
    if (color == nullptr) {
      out += piece;
    } else {
      out += color;
      out += piece;
      out += kReset;
    }
  }
  return out;
}

}  // namespace

std::string Highlight(std::string_view text) { return HighlightFrom(text, 0); }

std::string HighlightLine(std::string_view pending, std::string_view line) {
  if (!StatementPending(pending) && !line.empty() && line[0] == ':') {
    const size_t end = std::min(line.find(' '), line.size());
    return ColorOf(TokenKind::kKeyword) + std::string(line.substr(0, end)) + kReset +
           std::string(line.substr(end));
  }
  std::string text(pending);
  const size_t from = text.size();
  text += line;
  return HighlightFrom(text, from);
}

bool ColorWanted(bool is_terminal, const char* term, const char* no_color) {
  if (!is_terminal || term == nullptr || *term == '\0' || std::strcmp(term, "dumb") == 0) {
    return false;
  }
  return no_color == nullptr || *no_color == '\0';
}

}  // namespace quipu::repl
