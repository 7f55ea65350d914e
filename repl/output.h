// Renders results for the shell: an aligned table or CSV with a header row.
#pragma once

#include <ostream>
#include <string>

#include "quipu/database.h"

namespace quipu::repl {

enum class OutputFormat : uint8_t { kTable, kCsv, kTsv, kJson, kJsonl, kMarkdown, kLine };

// The names --format accepts, for messages: "table, csv, tsv, …".
const char* OutputFormatNames();

// Parses one of OutputFormatNames(); false for anything else.
bool ParseOutputFormat(const std::string& name, OutputFormat* out);

void PrintResult(const QueryResult& result, OutputFormat format, std::ostream& out);

// Every format but the table (text_formats.cc).
void PrintText(const QueryResult& result, OutputFormat format, std::ostream& out);

// Display width of UTF-8 text in terminal cells: two for wide (CJK) characters,
// none for combining marks, one otherwise.
size_t DisplayWidth(const std::string& text);

}  // namespace quipu::repl
