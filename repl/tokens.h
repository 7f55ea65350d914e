// The shell's view of statement text: tokens for highlighting, and where
// statements and meta-command lines begin and end in a script. It follows the
// grammar's lexical rules (grammar/rules.h) without parsing: the database
// still parses every statement and reports its errors.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace quipu::repl {

enum class TokenKind : uint8_t {
  kSpace,      // blanks; a newline ends the token it is in
  kComment,    // -- or // to the end of the line
  kKeyword,    // a word of the language (any case), not after '.' or ':'
  kName,       // any other word: a variable, label, property or function
  kString,     // '…' or "…" with backslash escapes
  kNumber,     // 42, 0.9, 1e6
  kEntityKey,  // @cosco
  kIri,        // <http://…>
  kParameter,  // $name
  kSemicolon,  // ends a statement
  kOther,      // any other character (one code point)
};

struct Token {
  TokenKind kind;
  size_t begin;
  size_t end;
  bool closed = true;  // false for a string the text ends inside
};

// The token starting at text[pos] (pos < text.size()). `previous_char` is the
// last character of the previous token that was not a space or a comment (0
// for none): a word after '.' or ':' is a property, label or predicate name,
// never a keyword.
Token NextToken(std::string_view text, size_t pos, char previous_char);

// Every token of `text`, in order.
std::vector<Token> Tokenize(std::string_view text);

// True for the words highlighted as keywords ("match", "RETURN", …).
bool IsKeyword(std::string_view word);

// The words of the language, for completion: keywords and the words of load.
const std::vector<std::string>& LanguageWords();

// True when `text` ends inside a statement: a token other than spaces and
// comments follows its last ';', or a string is left open. Blank text, or
// text that ends with ';' and comments, is not pending.
bool StatementPending(std::string_view text);

// One piece of a script: a meta-command line (without its newline) or one
// statement with its ';' (the last one may lack it).
struct ScriptPart {
  bool meta;
  size_t begin;
  size_t end;
};

// Splits a script into its statements and meta-command lines, in order. A
// line starting with ':' outside a statement is a meta-command; inside one
// (`match (p\n:Person)`) it is statement text. Comments and blanks between
// statements belong to no part.
std::vector<ScriptPart> SplitScript(std::string_view text);

}  // namespace quipu::repl
