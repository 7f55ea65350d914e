// Parser: statement text → AST, one statement at a time, so a script runs
// up to its first bad statement and errors point into the whole script.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "grammar/ast.h"
#include "quipu/status.h"

namespace quipu::grammar {

class ScriptParser {
 public:
  // `text` must outlive the parser.
  explicit ScriptParser(std::string_view text);
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
Result<ast::Statement> ParseStatement(std::string_view text);

}  // namespace quipu::grammar
