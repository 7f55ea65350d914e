// What the shell needs to know about the terminal it runs on.
#pragma once

#include <cstddef>

namespace quipu::repl {

// Columns and rows of the terminal on `fd`; 0 when it is not a terminal or
// does not say.
size_t TerminalColumns(int fd);
size_t TerminalRows(int fd);

// Whether the locale's character set is UTF-8, judged as the C library does:
// the first of LC_ALL, LC_CTYPE and LANG that is set and not empty names it
// ("en_US.UTF-8", "C.utf8"). Arguments may be null.
bool LocaleIsUtf8(const char* lc_all, const char* lc_ctype, const char* lang);

}  // namespace quipu::repl
