#include "query/text_match.h"

#include <algorithm>

#include "core/utf8.h"
#include "storage/text_normalizer.h"

namespace quipu::query {
namespace {

std::vector<std::u32string> DistinctWords(std::string_view text) {
  std::vector<std::u32string> words;
  for (const std::string& w : storage::TextWords(text)) words.push_back(DecodeUtf8(w));
  std::sort(words.begin(), words.end());
  words.erase(std::unique(words.begin(), words.end()), words.end());
  return words;
}

}  // namespace

WordPattern::WordPattern(std::string_view pattern)
    : source_(pattern), words_(DistinctWords(pattern)) {}

bool WordPattern::Matches(std::string_view text) const {
  if (words_.empty()) return true;
  const std::vector<std::u32string> have = DistinctWords(text);
  for (const std::u32string& want : words_) {
    if (std::binary_search(have.begin(), have.end(), want)) continue;
    if (want.size() < kFuzzyMinLength) return false;
    const bool near = std::any_of(have.begin(), have.end(), [&](const std::u32string& word) {
      return WithinOneEdit(want, word);
    });
    if (!near) return false;
  }
  return true;
}

bool WithinOneEdit(std::u32string_view a, std::u32string_view b) {
  if (a.size() > b.size()) std::swap(a, b);
  if (b.size() - a.size() > 1) return false;
  // Skip the common prefix and suffix; what is left must be one edit.
  size_t front = 0;
  while (front < a.size() && a[front] == b[front]) ++front;
  size_t back = 0;
  while (back < a.size() - front && a[a.size() - 1 - back] == b[b.size() - 1 - back]) ++back;
  return a.size() - front - back <= 1 && b.size() - front - back <= 1;
}

}  // namespace quipu::query
