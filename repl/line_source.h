// Where the interactive loop gets its lines: the terminal's line editor, or
// any stream in tests.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

namespace quipu::repl {

enum class LineStatus : uint8_t {
  kLine,         // a line was read
  kInterrupted,  // Ctrl-C while typing: drop what is half typed
  kEnd,          // end of input (Ctrl-D)
};

// Shows `prompt` and reads one line into *line.
using LineReader = std::function<LineStatus(const std::string& prompt, std::string* line)>;

}  // namespace quipu::repl
