// The text normaliser (storage/text_normalizer.h) and the UTF-8 helpers
// (storage/utf8.h): the words names are indexed and looked up by.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "core/utf8.h"
#include "storage/name_index.h"
#include "storage/text_normalizer.h"

namespace quipu::storage {
namespace {

using Words = std::vector<std::string>;

std::string Utf8(char32_t cp) {
  std::string out;
  AppendUtf8(&out, cp);
  return out;
}

TEST_CASE("words are lower-cased and lose their accents", "[text]") {
  CHECK(TextWords("Perú") == Words{"peru"});
  CHECK(TextWords("PERÚ") == Words{"peru"});
  CHECK(TextWords("perú") == Words{"peru"});
  CHECK(TextWords("Peru\xCC\x81") == Words{"peru"});  // U+0301 after the u: decomposed
  CHECK(TextWords("Straße") == Words{"strasse"});
  CHECK(TextWords("ŁÓDŹ Œuvre Ærø Þór") == Words{"lodz", "oeuvre", "aero", "thor"});
  CHECK(TextWords("Ștefan Țepeș İstanbul") == Words{"stefan", "tepes", "istanbul"});
  CHECK(TextWords("Αθήνα ΣΟΦΟΣ σοφός") == Words{"αθηνα", "σοφοσ", "σοφοσ"});
  CHECK(TextWords("Москва Ёлка ЁЛКА") == Words{"москва", "елка", "елка"});
  CHECK(TextWords("习近平 会见") == Words{"习近平", "会见"});  // no case, kept as is
}

TEST_CASE("punctuation, symbols and bad bytes separate words", "[text]") {
  CHECK(TextWords("Lima's electricity distribution") ==
        Words{"lima", "s", "electricity", "distribution"});
  CHECK(TextWords("COVID-19, 2024/06") == Words{"covid", "19", "2024", "06"});
  CHECK(TextWords("China\u2013Peru \u201cdeal\u201d") == Words{"china", "peru", "deal"});
  CHECK(TextWords("a\u00A0b\u00D7c\u00F7d\u00BFe") == Words{"a", "b", "c", "d", "e"});
  CHECK(TextWords("\u3001\u4E2D\u3002") == Words{"\u4E2D"});
  CHECK(TextWords("ab\xFF"
                  "cd\xC3") == Words{"ab", "cd"});
  CHECK(TextWords("\xE0\x80\xAF") == Words{});  // an overlong '/' is not a letter
  CHECK(TextWords("") == Words{});
  CHECK(TextWords(" -- ") == Words{});
  CHECK(TextWords("grid grid") == Words{"grid", "grid"});  // repeats kept, in order
}

TEST_CASE("every Latin-1 and Latin Extended-A letter folds to ASCII letters", "[text]") {
  for (char32_t cp = 0xC0; cp <= 0x17F; ++cp) {
    if (cp == 0xD7 || cp == 0xF7) {
      CHECK(TextWords(Utf8(cp)).empty());  // × and ÷ separate
      continue;
    }
    const Words words = TextWords(Utf8(cp));
    INFO("U+" << std::hex << static_cast<uint32_t>(cp));
    REQUIRE(words.size() == 1);
    CHECK(!words[0].empty());
    CHECK(words[0].size() <= 2);
    for (char c : words[0]) CHECK((c >= 'a' && c <= 'z'));
  }
}

TEST_CASE("UTF-8 decoding counts code points and marks bad bytes", "[text]") {
  CHECK(CodePointCount("") == 0);
  CHECK(CodePointCount("Perú") == 4);
  CHECK(CodePointCount("习近平") == 3);
  CHECK(CodePointCount("a\xFF"
                       "b") == 3);
  CHECK(DecodeUtf8("aé\xF0\x9F\x98\x80") == std::u32string{U'a', U'é', U'\U0001F600'});
  CHECK(DecodeUtf8("\xED\xA0\x80") == std::u32string(3, U'\uFFFD'));  // a surrogate
  for (char32_t cp :
       {U'\u007F', U'\u0080', U'\u07FF', U'\u0800', U'\uFFFD', U'\U00010000', U'\U0010FFFF'}) {
    CHECK(DecodeUtf8(Utf8(cp)) == std::u32string(1, cp));
  }
}

TEST_CASE("long words are indexed by their first bytes, cut between code points", "[text][names]") {
  const std::string ascii(100, 'a');
  CHECK(IndexedWord(ascii) == ascii.substr(0, kMaxWordBytes));
  std::string accented = std::string(kMaxWordBytes - 1, 'a') + "\u4E2D";  // 3 bytes over the cut
  CHECK(IndexedWord(accented) == std::string(kMaxWordBytes - 1, 'a'));
  CHECK(IndexedWord("short") == "short");
}

}  // namespace
}  // namespace quipu::storage
