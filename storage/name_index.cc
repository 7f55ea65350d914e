#include "storage/name_index.h"

#include <algorithm>

#include "core/term_id.h"
#include "core/utf8.h"
#include "storage/key_codec.h"
#include "storage/text_normalizer.h"

namespace quipu::storage {
namespace {

constexpr size_t kTripleSuffix = 1 + kTripleKeySize;  // 0x00 · s · p · o

void PutBigEndian32(std::string* out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out->push_back(static_cast<char>(v >> shift));
}

uint32_t GetBigEndian32(const char* p) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}

uint32_t Clamp32(size_t n) { return static_cast<uint32_t>(std::min<size_t>(n, UINT32_MAX)); }

}  // namespace

bool IsNamePredicate(std::string_view entity_key) {
  for (const char* name : kNamePredicates) {
    if (entity_key == name) return true;
  }
  return false;
}

bool IsNameValueId(uint64_t id) {
  const TermType type = TypeOfId(id);
  return type == TermType::kString || type == TermType::kLangString;
}

std::string_view NameText(uint64_t id, std::string_view dictionary_bytes) {
  if (TypeOfId(id) != TermType::kLangString) return dictionary_bytes;
  const size_t nul = dictionary_bytes.find('\0');  // lang · NUL · text
  return nul == std::string_view::npos ? std::string_view() : dictionary_bytes.substr(nul + 1);
}

std::string_view IndexedWord(std::string_view word) {
  if (word.size() <= kMaxWordBytes) return word;
  // Never cut inside a code point.
  return word.substr(0, StartOfCodePoint(word, kMaxWordBytes));
}

void AppendNameEntries(const Triple& t, std::string_view text, KeyValues* out) {
  std::vector<std::string> words;
  for (const std::string& w : TextWords(text)) words.emplace_back(IndexedWord(w));
  std::sort(words.begin(), words.end());
  words.erase(std::unique(words.begin(), words.end()), words.end());
  std::string value;
  PutBigEndian32(&value, Clamp32(words.size()));
  PutBigEndian32(&value, Clamp32(CodePointCount(text)));
  const std::string triple = EncodeTripleKey(Permutation::kSpo, t);
  for (const std::string& w : words) {
    std::string key = NameKeyPrefix(w, /*prefix=*/false);
    key += triple;
    out->emplace_back(std::move(key), value);
  }
}

std::string NameKeyPrefix(std::string_view word, bool prefix) {
  std::string key(word);
  if (!prefix) key.push_back('\0');
  return key;
}

bool DecodeNameEntry(std::string_view key, std::string_view value, std::string_view word,
                     NameMatch* out) {
  if (key.size() < kTripleSuffix + 1 || value.size() != 8) return false;
  const size_t word_size = key.size() - kTripleSuffix;
  if (key[word_size] != '\0') return false;
  const Triple t = DecodeTripleKey(Permutation::kSpo, key.data() + word_size + 1);
  out->entity = t.s;
  out->predicate = t.p;
  out->name = t.o;
  out->whole_word = key.substr(0, word_size) == word;
  out->name_words = GetBigEndian32(value.data());
  out->name_length = GetBigEndian32(value.data() + 4);
  return true;
}

}  // namespace quipu::storage
