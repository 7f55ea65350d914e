// Parser: statement text → AST, one statement at a time, so a script runs
// up to its first bad statement and errors point into the whole script.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "grammar/ast.h"
#include "quipu/status.h"

namespace quipu::grammar {

// Declared prefixes: name → namespace IRI.
using PrefixMap = std::map<std::string, std::string>;

// Bounds on the text of one statement, so hostile text gets an error instead
// of exhausting memory or the stack (QueryLimits carries them in the API,
// with the same defaults; docs/language.md, "Limits").
struct ParserLimits {
  // Bytes one statement may take, from the end of the one before it (its
  // leading comments included) to its ';'. 0: no limit.
  uint64_t statement_bytes = uint64_t{1} << 20;
  // How deep operands may nest: each bracket, list, map, function call, case,
  // exists and `not` opens a level, and so does each operator of a chain such
  // as a or b or c. 0: no limit (the thread's stack is the limit then).
  uint32_t nesting_depth = 256;
};

class ScriptParser {
 public:
  // `text` must outlive the parser; so must `prefixes`, which the caller may
  // update between calls to Next (prefix statements take effect from the
  // next statement on).
  explicit ScriptParser(std::string_view text, const PrefixMap* prefixes = nullptr,
                        const ParserLimits& limits = {});
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
                                      const ParserLimits& limits = {});

}  // namespace quipu::grammar
