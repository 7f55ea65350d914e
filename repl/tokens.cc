#include "repl/tokens.h"

#include <algorithm>
#include <cctype>

#include "core/utf8.h"
#include "quipu/language.h"

namespace quipu::repl {
namespace {

// ASCII only, as in the grammar, whatever the locale says.
bool Digit(char c) { return c >= '0' && c <= '9'; }
bool IdentFirst(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool IdentOther(char c) { return IdentFirst(c) || Digit(c); }
bool Space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

size_t SkipName(std::string_view text, size_t pos) {
  while (pos < text.size() && IdentOther(text[pos])) ++pos;
  return pos;
}

size_t SkipDigits(std::string_view text, size_t pos) {
  while (pos < text.size() && Digit(text[pos])) ++pos;
  return pos;
}

// An IRI's body may hold anything but these (iri_body in grammar/rules.h).
bool IriChar(char c) { return std::string_view(">< \t\r\n\"").find(c) == std::string_view::npos; }

}  // namespace

// The keywords are the grammar's own (quipu::GetLanguageWords); the words
// that are keywords only inside load are ordinary names elsewhere, so they
// are completed but not highlighted.
bool IsKeyword(std::string_view word) {
  std::string lower(word);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const std::vector<std::string>& keywords = GetLanguageWords().keywords;
  return std::binary_search(keywords.begin(), keywords.end(), lower);
}

const std::vector<std::string>& LanguageWords() {
  static const std::vector<std::string>* words = [] {
    const quipu::LanguageWords& language = GetLanguageWords();
    auto* w = new std::vector<std::string>(language.keywords);
    w->insert(w->end(), language.load_words.begin(), language.load_words.end());
    return w;
  }();
  return *words;
}

Token NextToken(std::string_view text, size_t pos, char previous_char) {
  const char c = text[pos];
  auto token = [&](TokenKind kind, size_t end) { return Token{kind, pos, end}; };
  if (c == '\n') return token(TokenKind::kSpace, pos + 1);
  if (Space(c)) {
    size_t end = pos;
    while (end < text.size() && text[end] != '\n' && Space(text[end])) ++end;
    return token(TokenKind::kSpace, end);
  }
  if ((c == '-' || c == '/') && pos + 1 < text.size() && text[pos + 1] == c) {
    return token(TokenKind::kComment, std::min(text.find('\n', pos), text.size()));
  }
  if (c == '"' || c == '\'') {
    for (size_t i = pos + 1; i < text.size(); ++i) {
      if (text[i] == '\\') {
        ++i;
      } else if (text[i] == c) {
        return token(TokenKind::kString, i + 1);
      }
    }
    Token open = token(TokenKind::kString, text.size());
    open.closed = false;
    return open;
  }
  if (c == '@' && pos + 1 < text.size() && IdentFirst(text[pos + 1])) {
    return token(TokenKind::kEntityKey, SkipName(text, pos + 1));
  }
  if (c == '$' && pos + 1 < text.size() && IdentFirst(text[pos + 1])) {
    return token(TokenKind::kParameter, SkipName(text, pos + 1));
  }
  if (c == '<') {
    size_t end = pos + 1;
    while (end < text.size() && IriChar(text[end])) ++end;
    if (end < text.size() && text[end] == '>') return token(TokenKind::kIri, end + 1);
  }
  if (Digit(c)) {
    size_t end = SkipDigits(text, pos);
    if (end + 1 < text.size() && text[end] == '.' && Digit(text[end + 1])) {
      end = SkipDigits(text, end + 1);
    }
    if (end < text.size() && (text[end] == 'e' || text[end] == 'E')) {
      size_t exp = end + 1;
      if (exp < text.size() && (text[exp] == '+' || text[exp] == '-')) ++exp;
      if (exp < text.size() && Digit(text[exp])) end = SkipDigits(text, exp);
    }
    if (end < text.size() && IdentOther(text[end]))
      return token(TokenKind::kName, SkipName(text, end));
    return token(TokenKind::kNumber, end);
  }
  if (IdentFirst(c)) {
    const size_t end = SkipName(text, pos);
    const bool keyword =
        previous_char != '.' && previous_char != ':' && IsKeyword(text.substr(pos, end - pos));
    return token(keyword ? TokenKind::kKeyword : TokenKind::kName, end);
  }
  if (c == ';') return token(TokenKind::kSemicolon, pos + 1);
  // One code point: never split a UTF-8 sequence.
  return token(TokenKind::kOther, EndOfCodePoint(text, pos));
}

std::vector<Token> Tokenize(std::string_view text) {
  std::vector<Token> tokens;
  char previous = 0;
  for (size_t pos = 0; pos < text.size();) {
    const Token t = NextToken(text, pos, previous);
    if (t.kind != TokenKind::kSpace && t.kind != TokenKind::kComment) previous = text[t.end - 1];
    tokens.push_back(t);
    pos = t.end;
  }
  return tokens;
}

bool StatementPending(std::string_view text) {
  bool pending = false;
  for (const Token& t : Tokenize(text)) {
    if (!t.closed) return true;
    if (t.kind == TokenKind::kSemicolon) {
      pending = false;
    } else if (t.kind != TokenKind::kSpace && t.kind != TokenKind::kComment) {
      pending = true;
    }
  }
  return pending;
}

std::vector<ScriptPart> SplitScript(std::string_view text) {
  std::vector<ScriptPart> parts;
  size_t statement_begin = std::string_view::npos;  // npos: between statements
  char previous = 0;
  for (size_t pos = 0; pos < text.size();) {
    const bool line_start = pos == 0 || text[pos - 1] == '\n';
    if (statement_begin == std::string_view::npos && line_start && text[pos] == ':') {
      const size_t end = std::min(text.find('\n', pos), text.size());
      parts.push_back({true, pos, end});
      pos = end;
      continue;
    }
    const Token t = NextToken(text, pos, previous);
    pos = t.end;
    if (t.kind == TokenKind::kSpace || t.kind == TokenKind::kComment) continue;
    previous = text[t.end - 1];
    if (statement_begin == std::string_view::npos) statement_begin = t.begin;
    if (t.kind == TokenKind::kSemicolon) {
      parts.push_back({false, statement_begin, t.end});
      statement_begin = std::string_view::npos;
    }
  }
  if (statement_begin != std::string_view::npos) {
    parts.push_back({false, statement_begin, text.size()});
  }
  return parts;
}

}  // namespace quipu::repl
