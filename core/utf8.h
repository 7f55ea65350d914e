// UTF-8 decoding and encoding: the name index reads text one code point at
// a time, and the parser writes the code points of \u escapes.
#pragma once

#include <string>
#include <string_view>

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

}  // namespace quipu
