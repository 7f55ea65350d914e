#include "repl/terminal.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <string>

namespace quipu::repl {
namespace {

bool WindowSize(int fd, winsize* size) { return isatty(fd) && ioctl(fd, TIOCGWINSZ, size) == 0; }

}  // namespace

size_t TerminalColumns(int fd) {
  winsize size{};
  return WindowSize(fd, &size) ? size.ws_col : 0;
}

size_t TerminalRows(int fd) {
  winsize size{};
  return WindowSize(fd, &size) ? size.ws_row : 0;
}

bool LocaleIsUtf8(const char* lc_all, const char* lc_ctype, const char* lang) {
  for (const char* name : {lc_all, lc_ctype, lang}) {
    if (name == nullptr || *name == '\0') continue;
    std::string lower(name);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return lower.find("utf-8") != std::string::npos || lower.find("utf8") != std::string::npos;
  }
  return false;
}

}  // namespace quipu::repl
