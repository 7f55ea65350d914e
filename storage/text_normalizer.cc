#include "storage/text_normalizer.h"

#include <algorithm>
#include <cstdint>

#include "core/utf8.h"

namespace quipu::storage {
namespace {

// Letters of Latin-1 Supplement, Latin Extended-A and a few of Latin
// Extended-B, as ranges sharing one ASCII form; sorted, not overlapping.
struct LatinFold {
  char32_t first, last;
  const char* ascii;
};
constexpr LatinFold kLatinFolds[] = {
    {0xC0, 0xC5, "a"},   {0xC6, 0xC6, "ae"},   {0xC7, 0xC7, "c"},   {0xC8, 0xCB, "e"},
    {0xCC, 0xCF, "i"},   {0xD0, 0xD0, "d"},    {0xD1, 0xD1, "n"},   {0xD2, 0xD6, "o"},
    {0xD8, 0xD8, "o"},   {0xD9, 0xDC, "u"},    {0xDD, 0xDD, "y"},   {0xDE, 0xDE, "th"},
    {0xDF, 0xDF, "ss"},  {0xE0, 0xE5, "a"},    {0xE6, 0xE6, "ae"},  {0xE7, 0xE7, "c"},
    {0xE8, 0xEB, "e"},   {0xEC, 0xEF, "i"},    {0xF0, 0xF0, "d"},   {0xF1, 0xF1, "n"},
    {0xF2, 0xF6, "o"},   {0xF8, 0xF8, "o"},    {0xF9, 0xFC, "u"},   {0xFD, 0xFD, "y"},
    {0xFE, 0xFE, "th"},  {0xFF, 0xFF, "y"},    {0x100, 0x105, "a"}, {0x106, 0x10D, "c"},
    {0x10E, 0x111, "d"}, {0x112, 0x11B, "e"},  {0x11C, 0x123, "g"}, {0x124, 0x127, "h"},
    {0x128, 0x131, "i"}, {0x132, 0x133, "ij"}, {0x134, 0x135, "j"}, {0x136, 0x138, "k"},
    {0x139, 0x142, "l"}, {0x143, 0x14B, "n"},  {0x14C, 0x151, "o"}, {0x152, 0x153, "oe"},
    {0x154, 0x159, "r"}, {0x15A, 0x161, "s"},  {0x162, 0x167, "t"}, {0x168, 0x173, "u"},
    {0x174, 0x175, "w"}, {0x176, 0x178, "y"},  {0x179, 0x17E, "z"}, {0x17F, 0x17F, "s"},
    {0x218, 0x219, "s"}, {0x21A, 0x21B, "t"},
};

// Greek letters with tonos or dialytika, and final sigma: their plain
// lower-case letter.
struct Fold {
  char32_t from, to;
};
constexpr Fold kGreekFolds[] = {
    {0x386, 0x3B1}, {0x388, 0x3B5}, {0x389, 0x3B7}, {0x38A, 0x3B9}, {0x38C, 0x3BF}, {0x38E, 0x3C5},
    {0x38F, 0x3C9}, {0x390, 0x3B9}, {0x3AA, 0x3B9}, {0x3AB, 0x3C5}, {0x3AC, 0x3B1}, {0x3AD, 0x3B5},
    {0x3AE, 0x3B7}, {0x3AF, 0x3B9}, {0x3B0, 0x3C5}, {0x3C2, 0x3C3}, {0x3CA, 0x3B9}, {0x3CB, 0x3C5},
    {0x3CC, 0x3BF}, {0x3CD, 0x3C5}, {0x3CE, 0x3C9},
};

bool IsSeparator(char32_t cp) {
  if (cp < 0x80) {
    return !((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9'));
  }
  return cp == kNotUtf8 || (cp >= 0xA0 && cp <= 0xBF) || cp == 0xD7 || cp == 0xF7 ||
         (cp >= 0x2000 && cp <= 0x206F) || (cp >= 0x3000 && cp <= 0x303F);
}

// Appends the folded form of a code point that is part of a word.
void AppendFolded(char32_t cp, std::string* word) {
  if (cp < 0x80) {
    word->push_back(static_cast<char>(cp >= 'A' && cp <= 'Z' ? cp + ('a' - 'A') : cp));
    return;
  }
  if (cp >= 0x300 && cp <= 0x36F) return;  // a combining mark
  if (cp >= 0xC0 && cp <= 0x21B) {
    const LatinFold* it =
        std::upper_bound(std::begin(kLatinFolds), std::end(kLatinFolds), cp,
                         [](char32_t c, const LatinFold& f) { return c < f.first; });
    if (it != std::begin(kLatinFolds) && cp <= (it - 1)->last) {
      word->append((it - 1)->ascii);
      return;
    }
  }
  if (cp >= 0x386 && cp <= 0x3CE) {
    for (const Fold& f : kGreekFolds) {
      if (f.from == cp) {
        AppendUtf8(word, f.to);
        return;
      }
    }
    if (cp >= 0x391 && cp <= 0x3A9) cp += 0x20;  // capitals; U+03A2 is unassigned
  } else if (cp >= 0x400 && cp <= 0x40F) {
    cp += 0x50;
  } else if (cp >= 0x410 && cp <= 0x42F) {
    cp += 0x20;
  }
  if (cp == 0x451) cp = 0x435;  // ё → е
  AppendUtf8(word, cp);
}

}  // namespace

std::vector<std::string> TextWords(std::string_view text) {
  std::vector<std::string> words;
  std::string word;
  size_t i = 0;
  while (i < text.size()) {
    const char32_t cp = NextCodePoint(text, &i);
    if (!IsSeparator(cp)) {
      AppendFolded(cp, &word);
      continue;
    }
    if (!word.empty()) words.push_back(std::move(word));
    word.clear();
  }
  if (!word.empty()) words.push_back(std::move(word));
  return words;
}

}  // namespace quipu::storage
