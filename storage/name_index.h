// The name index: the `names` column family, which maps the words of names
// to the entities that bear them (docs/format.md, "Name index").
//
// A name fact is a fact whose predicate is one of kNamePredicates and whose
// object is a string or a language string. For each name fact (s, p, o) the
// index holds one key per distinct word of o's text (TextWords):
//
//   word · 0x00 · s · p · o        (word: at most kMaxWordBytes bytes)
//
// with the value name_words · name_length (two big-endian u32): how many
// distinct words the name has and how many code points, so that search can
// rank without reading the names. Keys are per triple, so inserting a name
// fact adds exactly its keys and deleting it removes exactly them, whatever
// other facts share its words; the index holds a key exactly while its fact
// is stored. Words never contain 0x00, so `word · 0x00` is the prefix of one
// word's keys and `word` alone the prefix of every word starting with it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "storage/store.h"

namespace quipu::storage {

// The predicates whose string values are names: entity keys as stored (an
// IRI in full). Part of the format: changing the list changes what the
// index holds.
inline constexpr const char* kNamePredicates[] = {
    "name",
    "alias",
    "previousName",
    "weakAlias",
    "acronym",
    "http://www.w3.org/2000/01/rdf-schema#label",
    "http://www.w3.org/2004/02/skos/core#prefLabel",
    "http://www.w3.org/2004/02/skos/core#altLabel",
    "http://xmlns.com/foaf/0.1/name",
    "http://schema.org/name",
    "https://schema.org/name",
    "http://schema.org/alternateName",
};

// Longer words are indexed (and looked up) by their first bytes, cut at a
// code point boundary.
inline constexpr size_t kMaxWordBytes = 64;

bool IsNamePredicate(std::string_view entity_key);

// Whether a term id can be a name: a string or a language string.
bool IsNameValueId(uint64_t id);

// The text of a name value from its id2term bytes: a language string's text
// without its tag. REQUIRES: IsNameValueId(id).
std::string_view NameText(uint64_t id, std::string_view dictionary_bytes);

// `word` as the index stores it: at most kMaxWordBytes bytes.
std::string_view IndexedWord(std::string_view word);

using KeyValues = std::vector<std::pair<std::string, std::string>>;

// Appends the index entries of the name fact `t` whose name is `text`: one
// (key, value) per distinct word, sorted by key.
void AppendNameEntries(const Triple& t, std::string_view text, KeyValues* out);

// The key prefix of the entries of `word` (an IndexedWord): of that word
// only, or with `prefix` of every word that starts with it.
std::string NameKeyPrefix(std::string_view word, bool prefix);

// Decodes an entry found under NameKeyPrefix(word, …); false when it is not
// a well-formed entry (corruption).
bool DecodeNameEntry(std::string_view key, std::string_view value, std::string_view word,
                     NameMatch* out);

}  // namespace quipu::storage
