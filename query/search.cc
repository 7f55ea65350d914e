#include "query/search.h"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <unordered_map>

#include "query/expression.h"
#include "query/operators.h"
#include "storage/name_index.h"
#include "storage/text_normalizer.h"
#include "storage/utf8.h"

namespace quipu::query {
namespace {

// One name of one entity, and which of the text's words it matched.
struct Candidate {
  uint64_t entity = 0, predicate = 0, name = 0;
  uint64_t matched = 0, whole = 0;  // bit i: the text's word i (matched whole)
  uint32_t name_words = 0, name_length = 0;
  double score = 0;
  Value name_value, entity_value;  // decoded only for rows that need them
};

struct TripleHash {
  size_t operator()(const storage::Triple& t) const {
    return std::hash<uint64_t>()(t.s * 0x9e3779b97f4a7c15ULL ^ t.p * 0xbf58476d1ce4e5b9ULL ^ t.o);
  }
};

// The part of the order that needs no decoding.
bool RanksBefore(const Candidate& a, const Candidate& b) {
  if (a.score != b.score) return a.score > b.score;
  if (const int wa = std::popcount(a.whole), wb = std::popcount(b.whole); wa != wb) return wa > wb;
  if (a.name_words != b.name_words) return a.name_words < b.name_words;
  return a.name_length < b.name_length;
}

// The whole order, once names and entities are decoded.
bool ComesBefore(const Candidate& a, const Candidate& b) {
  if (RanksBefore(a, b)) return true;
  if (RanksBefore(b, a)) return false;
  if (const int c = CompareForSort(a.name_value, b.name_value); c != 0) return c < 0;
  return a.entity_value.as_entity().key < b.entity_value.as_entity().key;
}

// The distinct words of the text as the index stores them; *last gets the
// index of the text's last word.
std::vector<std::string> SearchWords(const ast::SearchStatement& search, const Params& params,
                                     size_t* last) {
  const ast::Pos pos = search.text->pos;
  const Value text = ValueOrThrow(EvaluateConstant(*search.text, params));
  if (text.type() != Value::Type::kString && text.type() != Value::Type::kLangString) {
    FailAt(fmt::format("type mismatch: search needs a string, got {}", TypeName(text.type())), pos);
  }
  const std::string& raw =
      text.type() == Value::Type::kString ? text.as_string() : text.as_lang_string().text;
  std::vector<std::string> words;
  for (const std::string& w : storage::TextWords(raw)) {
    const std::string word(storage::IndexedWord(w));
    auto at = std::find(words.begin(), words.end(), word);
    *last = static_cast<size_t>(at - words.begin());
    if (at == words.end()) words.push_back(word);
  }
  if (words.empty()) FailAt("nothing to search for: the text has no letters or digits", pos);
  if (words.size() > kMaxSearchWords) {
    FailAt(fmt::format("search takes at most {} words; the text has {}", kMaxSearchWords,
                       words.size()),
           pos);
  }
  return words;
}

// Every name matching at least one word, scored.
std::vector<Candidate> FindCandidates(const std::vector<std::string>& words, size_t last,
                                      storage::ReadView* view) {
  std::unordered_map<storage::Triple, Candidate, TripleHash> by_name;
  std::vector<storage::NameMatch> matches;
  for (size_t i = 0; i < words.size(); ++i) {
    matches.clear();
    const bool prefix = i == last && storage::CodePointCount(words[i]) >= kMinPrefixLength;
    if (Status s = view->FindNames(words[i], prefix, &matches); !s.ok()) throw QueryError(s);
    for (const storage::NameMatch& m : matches) {
      Candidate& c = by_name[storage::Triple{m.entity, m.predicate, m.name}];
      c.entity = m.entity, c.predicate = m.predicate, c.name = m.name;
      c.name_words = m.name_words, c.name_length = m.name_length;
      c.matched |= uint64_t{1} << i;
      if (m.whole_word) c.whole |= uint64_t{1} << i;
    }
  }
  const uint64_t all = (uint64_t{1} << words.size()) - 1;
  std::vector<Candidate> out;
  out.reserve(by_name.size());
  for (auto& [triple, c] : by_name) {
    c.score = static_cast<double>(std::popcount(c.matched)) / static_cast<double>(words.size());
    if (c.whole == all && c.name_words == words.size()) c.score += 1;
    out.push_back(std::move(c));
  }
  return out;
}

// Keeps each entity's best name; among names that rank alike, the one that
// sorts first.
void KeepBestPerEntity(std::vector<Candidate>* candidates, storage::ReadView* view) {
  std::sort(candidates->begin(), candidates->end(), [](const Candidate& a, const Candidate& b) {
    if (a.entity != b.entity) return a.entity < b.entity;
    return RanksBefore(a, b);
  });
  size_t kept = 0;
  for (size_t i = 0; i < candidates->size();) {
    size_t end = i + 1, best = i;
    while (end < candidates->size() && (*candidates)[end].entity == (*candidates)[i].entity) ++end;
    for (size_t j = i + 1; j < end && !RanksBefore((*candidates)[i], (*candidates)[j]); ++j) {
      Candidate &b = (*candidates)[best], &c = (*candidates)[j];
      if (b.name_value.is_null()) b.name_value = ValueOrThrow(view->DecodeTerm(b.name));
      c.name_value = ValueOrThrow(view->DecodeTerm(c.name));
      if (CompareForSort(c.name_value, b.name_value) < 0) best = j;
    }
    if (kept != best) (*candidates)[kept] = std::move((*candidates)[best]);
    ++kept;
    i = end;
  }
  candidates->resize(kept);
}

Value LabelsOf(uint64_t entity, uint64_t label_predicate, storage::ReadView* view) {
  ValueList labels;
  if (label_predicate != 0) {
    std::vector<storage::Triple> facts;
    std::unique_ptr<storage::TripleCursor> cursor = view->Scan({entity, label_predicate, 0});
    while (cursor->Next(&facts, kChunkRows) > 0) {
    }
    if (!cursor->status().ok()) throw QueryError(cursor->status());
    for (const storage::Triple& t : facts) labels.push_back(ValueOrThrow(view->DecodeTerm(t.o)));
  }
  std::sort(labels.begin(), labels.end(),
            [](const Value& a, const Value& b) { return CompareForSort(a, b) < 0; });
  return Value(std::move(labels));
}

}  // namespace

QueryResult RunSearch(const ast::SearchStatement& search, storage::ReadView* view,
                      const Params& params) {
  size_t last = 0;
  const std::vector<std::string> words = SearchWords(search, params, &last);
  std::vector<Candidate> rows = FindCandidates(words, last, view);
  KeepBestPerEntity(&rows, view);
  std::sort(rows.begin(), rows.end(), RanksBefore);
  // Only the rows up to the limit, and those tied with the last of them,
  // need their names and keys to be put in their final order.
  const size_t keep = std::min<size_t>(rows.size(), search.limit.value_or(rows.size()));
  size_t decode = keep;
  while (decode > 0 && decode < rows.size() && !RanksBefore(rows[decode - 1], rows[decode])) {
    ++decode;
  }
  for (size_t i = 0; i < decode; ++i) {
    if (rows[i].name_value.is_null())
      rows[i].name_value = ValueOrThrow(view->DecodeTerm(rows[i].name));
    rows[i].entity_value = ValueOrThrow(view->DecodeTerm(rows[i].entity));
  }
  std::stable_sort(rows.begin(), rows.begin() + static_cast<long>(decode), ComesBefore);

  QueryResult result;
  result.is_query = true;
  result.columns = {"entity", "name", "labels", "score"};
  const uint64_t label_predicate = ValueOrThrow(view->FindTerm(Value(Entity{kLabelPredicate})));
  for (size_t i = 0; i < keep; ++i) {
    Candidate& c = rows[i];
    result.rows.push_back({std::move(c.entity_value), std::move(c.name_value),
                           LabelsOf(c.entity, label_predicate, view),
                           Value(std::round(c.score * 100) / 100)});
  }
  return result;
}

}  // namespace quipu::query
