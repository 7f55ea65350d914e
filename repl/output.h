// Renders results for the shell: an aligned table, CSV, TSV, JSON, JSON
// lines, Markdown or one field per line.
#pragma once

#include <initializer_list>
#include <ostream>
#include <string>

#include "quipu/database.h"

namespace quipu::repl {

enum class OutputFormat : uint8_t { kTable, kCsv, kTsv, kJson, kJsonl, kMarkdown, kLine };

// The lines a table is drawn with. kAuto: Unicode box-drawing characters when
// the results go to a terminal that shows UTF-8, ASCII (+-|) otherwise.
enum class TableBorders : uint8_t { kAuto, kAscii, kUnicode };

// How one table is drawn.
struct TableOptions {
  bool unicode = false;  // ┌─┬─┐ │ … instead of +-+ | ~
  // Terminal cells the table may take; 0: no limit. Values too long to fit are
  // cut and end with "…" ("~" in ASCII).
  size_t max_width = 0;
  // Appended to the row count ("3 rows (1.2 ms)"); empty for none.
  std::string elapsed;
};

// The modes --format and :mode accept, for messages: "table [ascii|unicode], csv, …".
const char* OutputFormatNames();

// Parses one of the format names alone ("csv"); false for anything else.
bool ParseOutputFormat(const std::string& name, OutputFormat* out);

// Parses a mode as --format and :mode take it: a format name, and for the
// table an optional border style ("table", "table ascii", "table unicode").
// *borders is kAuto for "table" and every other format.
bool ParseOutputMode(const std::string& text, OutputFormat* format, TableBorders* borders);

// The text ParseOutputMode reads back: "table unicode", "csv".
std::string OutputModeName(OutputFormat format, TableBorders borders);

// A value as a table, Markdown or line cell shows it: its plain text, except
// that a path shows each hop with only its source and dates (source, since,
// until), so a path column stays readable; JSON keeps every annotation.
std::string CellText(const Value& v);

void PrintResult(const QueryResult& result, OutputFormat format, const TableOptions& table,
                 std::ostream& out);

// The table with its row count underneath (table.cc).
void PrintTable(const QueryResult& result, const TableOptions& options, std::ostream& out);

// Every format but the table (text_formats.cc).
void PrintText(const QueryResult& result, OutputFormat format, std::ostream& out);

// `text` with each character that `replacements` names replaced by its text.
std::string ReplaceChars(const std::string& text,
                         std::initializer_list<std::pair<char, const char*>> replacements);

// Display width of UTF-8 text in terminal cells: two for wide (CJK) characters,
// none for combining marks, one otherwise.
size_t DisplayWidth(const std::string& text);

// `text` cut to at most `width` cells, ending with `ellipsis` when cut (which
// must fit in `width`); unchanged when it fits. Never splits a character.
std::string TruncateToWidth(const std::string& text, size_t width, const std::string& ellipsis);

// "0.04 ms" under a millisecond, "4.2 ms" under a second, "2.35 s" from a
// second on.
std::string FormatElapsed(double seconds);

}  // namespace quipu::repl
