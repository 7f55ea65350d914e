// Parser: statement text → AST, one statement at a time, so a script runs
// up to its first bad statement and errors point into the whole script.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "grammar/ast.h"
#include "quipu/status.h"

namespace quipu::grammar {

// Declared prefixes: name → namespace IRI.
using PrefixMap = std::map<std::string, std::string>;

class ScriptParser {
 public:
  // `text` must outlive the parser; so must `prefixes`, which the caller may
  // update between calls to Next (prefix statements take effect from the
  // next statement on).
  explicit ScriptParser(std::string_view text, const PrefixMap* prefixes = nullptr);
  ~ScriptParser();
  ScriptParser(const ScriptParser&) = delete;
  ScriptParser& operator=(const ScriptParser&) = delete;

  // Parses the next statement into *out. Returns false at the end of the
  // text, or an error status (kSyntaxError with line and column).
  Result<bool> Next(ast::Statement* out);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Parses exactly one statement (a trailing ';' is allowed).
Result<ast::Statement> ParseStatement(std::string_view text, const PrefixMap* prefixes = nullptr);

}  // namespace quipu::grammar
