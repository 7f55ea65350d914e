// Syntax highlighting of statement text with ANSI colours: keywords bold
// blue, strings green, numbers yellow, entity keys and IRIs cyan, parameters
// magenta, comments grey. libedit cannot colour the line while it is typed,
// so the line editor redraws each line highlighted once it is entered.
#pragma once

#include <string>
#include <string_view>

namespace quipu::repl {

// `text` with colour codes around its keywords, strings, numbers, entity keys,
// IRIs, parameters and comments; everything else as it is.
std::string Highlight(std::string_view text);

// The highlighted form of `line`, the latest line of a statement whose earlier
// lines are `pending` (a string or comment may carry over). A line starting
// with ':' with nothing pending is a meta-command: its name is highlighted.
std::string HighlightLine(std::string_view pending, std::string_view line);

// Whether to colour: on a terminal, unless TERM is unset or "dumb" or
// NO_COLOR is set to anything but "" (https://no-color.org).
bool ColorWanted(bool is_terminal, const char* term, const char* no_color);

}  // namespace quipu::repl
