// Parser: statement text → AST, one statement at a time, so a script runs
// up to its first bad statement and errors point into the whole script.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "grammar/ast.h"
#include "quipu/options.h"
#include "quipu/status.h"

namespace quipu::grammar {

// Declared prefixes: name → namespace IRI.
using PrefixMap = std::map<std::string, std::string>;

class ScriptParser {
 public:
  // `text` must outlive the parser; so must `prefixes`, which the caller may
  // update between calls to Next (prefix statements take effect from the
  // next statement on). Of `limits`, the parser reads statement_bytes (one
  // statement's bytes, from the end of the one before it, its leading
  // comments included, to its ';') and nesting_depth, so hostile text gets
  // an error instead of exhausting memory or the stack.
  explicit ScriptParser(std::string_view text, const PrefixMap* prefixes = nullptr,
                        const QueryLimits& limits = {});
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
Result<ast::Statement> ParseStatement(std::string_view text, const PrefixMap* prefixes = nullptr,
                                      const QueryLimits& limits = {});

}  // namespace quipu::grammar
