// UTF-8: the one place that walks its bytes. The name index and the string
// functions read text one code point at a time, the parser writes the code
// points of \u escapes, the loaders validate, the shell measures widths.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace quipu {

// What NextCodePoint gives for bytes that are not well-formed UTF-8.
inline constexpr char32_t kNotUtf8 = 0xFFFFFFFF;

// The code point starting at text[*i], advancing *i past it; kNotUtf8 (one
// byte consumed) when the bytes there are not well-formed UTF-8 (overlong
// forms and surrogates included). REQUIRES: *i < text.size().
char32_t NextCodePoint(std::string_view text, size_t* i);

// Appends the UTF-8 form of a code point (at most U+10FFFF).
void AppendUtf8(std::string* out, char32_t cp);

// The number of code points of UTF-8 text (a byte that is not valid UTF-8
// counts as one).
size_t CodePointCount(std::string_view text);

// The code points of UTF-8 text; a byte that is not valid UTF-8 gives U+FFFD.
std::u32string DecodeUtf8(std::string_view text);

// Whether `text` is well-formed UTF-8: no overlong forms, surrogates or code
// points past U+10FFFF.
bool IsValidUtf8(std::string_view text);

// A byte that continues a code point (10xxxxxx), never starts one.
inline bool IsUtf8Continuation(char byte) {
  return (static_cast<unsigned char>(byte) & 0xC0) == 0x80;
}

// The end of the code point that starts at `pos`: past its continuation
// bytes, so a cut there never splits a sequence. REQUIRES: pos < text.size().
inline size_t EndOfCodePoint(std::string_view text, size_t pos) {
  size_t end = pos + 1;
  while (end < text.size() && IsUtf8Continuation(text[end])) ++end;
  return end;
}

// Where each code point of `text` starts, then text.size(): code point i is
// the bytes [starts[i], starts[i + 1]). A code point starts at every byte
// that is not a continuation byte.
std::vector<size_t> CodePointStarts(std::string_view text);

// The start of the code point that holds byte `pos` (or `pos` itself when
// it starts one): the longest prefix of at most `pos` bytes that ends on a
// code point boundary. REQUIRES: pos <= text.size().
inline size_t StartOfCodePoint(std::string_view text, size_t pos) {
  while (pos > 0 && pos < text.size() && IsUtf8Continuation(text[pos])) --pos;
  return pos;
}

}  // namespace quipu
