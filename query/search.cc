#include "query/search.h"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <tuple>

#include "core/utf8.h"
#include "query/binder.h"
#include "query/expression.h"
#include "query/operators.h"
#include "storage/name_index.h"
#include "storage/text_normalizer.h"

namespace quipu::query {
namespace {

// One name of one entity, and which of the text's words it matched. Plain
// data: tens of thousands of them are sorted for a frequent word.
struct Candidate {
  uint64_t entity = 0, predicate = 0, name = 0;
  uint32_t matched = 0, whole = 0;  // bit i: the text's word i (matched whole)
  uint32_t name_words = 0, name_length = 0;
  double score = 0;
  int whole_count = 0;
};

// A row on its way out: its candidate, with the name and entity decoded.
struct Row {
  Candidate c;
  Value name, entity;
};

// The part of the order that needs no decoding.
bool RanksBefore(const Candidate& a, const Candidate& b) {
  if (a.score != b.score) return a.score > b.score;
  if (a.whole_count != b.whole_count) return a.whole_count > b.whole_count;
  if (a.name_words != b.name_words) return a.name_words < b.name_words;
  return a.name_length < b.name_length;
}

// The whole order, once names and entities are decoded.
bool ComesBefore(const Row& a, const Row& b) {
  if (RanksBefore(a.c, b.c)) return true;
  if (RanksBefore(b.c, a.c)) return false;
  if (const int c = CompareForSort(a.name, b.name); c != 0) return c < 0;
  return a.entity.as_entity().key < b.entity.as_entity().key;
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

// Every name matching at least one word, scored, ordered by entity.
std::vector<Candidate> FindCandidates(const std::vector<std::string>& words, size_t last,
                                      storage::ReadView* view) {
  // The index entries of every word, with the word's bit in the match.
  std::vector<storage::NameMatch> matches;
  std::vector<std::pair<storage::NameMatch, uint32_t>> hits;
  for (size_t i = 0; i < words.size(); ++i) {
    matches.clear();
    const bool prefix = i == last && CodePointCount(words[i]) >= kMinPrefixLength;
    if (Status s = view->FindNames(words[i], prefix, &matches); !s.ok()) throw QueryError(s);
    for (const storage::NameMatch& m : matches) hits.emplace_back(m, uint32_t{1} << i);
  }
  // One word's entries come ordered by name fact; several words' need a sort.
  auto by_fact = [](const auto& a, const auto& b) {
    return std::tie(a.first.entity, a.first.predicate, a.first.name) <
           std::tie(b.first.entity, b.first.predicate, b.first.name);
  };
  if (!std::is_sorted(hits.begin(), hits.end(), by_fact)) {
    std::sort(hits.begin(), hits.end(), by_fact);
  }
  const uint32_t all = static_cast<uint32_t>((uint64_t{1} << words.size()) - 1);
  std::vector<Candidate> out;
  for (size_t i = 0; i < hits.size(); ++i) {
    const storage::NameMatch& m = hits[i].first;
    if (i == 0 || by_fact(hits[i - 1], hits[i])) {
      out.push_back(Candidate{m.entity, m.predicate, m.name, 0, 0, m.name_words, m.name_length});
    }
    Candidate& c = out.back();
    c.matched |= hits[i].second;
    if (m.whole_word) c.whole |= hits[i].second;
  }
  for (Candidate& c : out) {
    c.whole_count = std::popcount(c.whole);
    c.score = static_cast<double>(std::popcount(c.matched)) / static_cast<double>(words.size());
    if (c.whole == all && c.name_words == words.size()) c.score += 1;
  }
  return out;
}

// Keeps each entity's best name; among names that rank alike, the one that
// sorts first. REQUIRES: candidates ordered by entity.
void KeepBestPerEntity(std::vector<Candidate>* candidates, storage::ReadView* view) {
  std::vector<Candidate>& all = *candidates;
  size_t kept = 0;
  for (size_t i = 0; i < all.size();) {
    size_t end = i + 1, best = i;
    Value best_name;
    for (; end < all.size() && all[end].entity == all[i].entity; ++end) {
      if (RanksBefore(all[end], all[best])) {
        best = end;
        best_name = Value();
      } else if (!RanksBefore(all[best], all[end])) {
        if (best_name.is_null()) best_name = ValueOrThrow(view->DecodeTerm(all[best].name));
        Value name = ValueOrThrow(view->DecodeTerm(all[end].name));
        if (CompareForSort(name, best_name) < 0) best = end, best_name = std::move(name);
      }
    }
    all[kept++] = all[best];
    i = end;
  }
  all.resize(kept);
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
  std::vector<Candidate> candidates = FindCandidates(words, last, view);
  KeepBestPerEntity(&candidates, view);
  // Only the rows up to the limit, and those tied with the last of them,
  // need their names and keys to be put in their final order.
  const size_t keep = search.limit ? std::min<uint64_t>(candidates.size(),
                                                        CountValue(*search.limit, params, "limit"))
                                   : candidates.size();
  size_t decode = keep;
  if (keep > 0 && keep < candidates.size()) {
    std::nth_element(candidates.begin(), candidates.begin() + static_cast<long>(keep),
                     candidates.end(), RanksBefore);
    const Candidate cut = candidates[keep];  // the best of those left out
    const auto tied = std::partition(candidates.begin() + static_cast<long>(keep), candidates.end(),
                                     [&](const Candidate& c) {
                                       return !RanksBefore(cut, c);  // ranks with the cut
                                     });
    decode = static_cast<size_t>(tied - candidates.begin());
  }
  std::vector<Row> rows;
  rows.reserve(decode);
  for (size_t i = 0; i < decode; ++i) {
    rows.push_back(Row{candidates[i], ValueOrThrow(view->DecodeTerm(candidates[i].name)),
                       ValueOrThrow(view->DecodeTerm(candidates[i].entity))});
  }
  std::sort(rows.begin(), rows.end(), ComesBefore);
  rows.resize(keep);

  QueryResult result;
  result.is_query = true;
  result.columns = {"entity", "name", "labels", "score"};
  const uint64_t label_predicate = ValueOrThrow(view->FindTerm(Value(Entity{kLabelPredicate})));
  for (Row& row : rows) {
    result.rows.push_back({std::move(row.entity), std::move(row.name),
                           LabelsOf(row.c.entity, label_predicate, view),
                           Value(std::round(row.c.score * 100) / 100)});
  }
  return result;
}

}  // namespace quipu::query
