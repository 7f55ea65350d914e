// The query parser alone: the input is a script, parsed statement by
// statement as Database::ExecuteScript does, with its prefix statements
// taking effect; every error is rendered with its caret line.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "grammar/parser.h"
#include "quipu/database.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  quipu::grammar::PrefixMap prefixes;
  quipu::grammar::ScriptParser parser(text, &prefixes);
  for (;;) {
    quipu::ast::Statement statement;
    quipu::Result<bool> more = parser.Next(&statement);
    if (!more.ok()) {
      (void)quipu::FormatError(more.status(), text);
      break;
    }
    if (!*more) break;
    if (statement.kind == quipu::ast::Statement::Kind::kPrefix) {
      prefixes[statement.prefix_name] = statement.prefix_namespace;
    }
  }
  return 0;
}
