// Text normalisation for finding names: the words of a text, lower-cased and
// without diacritics, so "Perú", "PERU" and "peru" give the same word. The
// name index stores these words, so any change to what this file produces
// changes the on-disk format (docs/format.md, "Name index").
//
// Coverage (no ICU: a compact table):
//   - ASCII letters are lower-cased; ASCII digits are kept.
//   - Latin-1 Supplement and Latin Extended-A letters (U+00C0..U+017F) become
//     their ASCII base letters: é → e, Ñ → n, Ł → l, ß → ss, Æ → ae, Œ → oe,
//     Þ → th, ı → i. Also Ș ș → s and Ț ț → t (Romanian).
//   - Combining marks (U+0300..U+036F) are dropped, so decomposed text ("e"
//     followed by U+0301) folds like precomposed text.
//   - Greek and Cyrillic capitals are lower-cased; Greek tonos and dialytika
//     are dropped and final sigma becomes σ; ё becomes е.
//   - Every other code point at or above U+0080 is kept as it is, and is part
//     of a word, except the separators below.
// Words are separated by every ASCII character that is not a letter or a
// digit (so "Lima's" is "lima" and "s"), by Latin-1 punctuation and symbols
// (U+00A0..U+00BF, × and ÷), general punctuation (U+2000..U+206F, which holds
// the typographic quotes and dashes), CJK punctuation (U+3000..U+303F) and by
// bytes that are not valid UTF-8.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace quipu::storage {

// The normalised words of `text` in order, repeats included.
std::vector<std::string> TextWords(std::string_view text);

}  // namespace quipu::storage
