// The word match of the `~` operator: `text ~ pattern` is true when every
// word of the pattern occurs among the words of the text, both normalised
// as the name index normalises them (storage/text_normalizer.h: case and
// accents ignored, punctuation separates words). A pattern word of
// kFuzzyMinLength or more code points also matches a text word at edit
// distance 1: one code point inserted, deleted or replaced. Order and
// repeats do not matter; a pattern without words matches every text.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace quipu::query {

inline constexpr size_t kFuzzyMinLength = 5;

class WordPattern {
 public:
  explicit WordPattern(std::string_view pattern);

  // The pattern's text as given.
  const std::string& source() const { return source_; }
  bool Matches(std::string_view text) const;

 private:
  std::string source_;
  std::vector<std::u32string> words_;  // distinct
};

// Whether a and b differ by at most one inserted, deleted or replaced
// code point.
bool WithinOneEdit(std::u32string_view a, std::u32string_view b);

}  // namespace quipu::query
