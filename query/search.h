// search "text" [limit n]: the entities whose names match the words of a
// text, ranked, read from the name index (storage/name_index.h) without
// scanning facts.
//
// Ranking. The text's distinct words (normalised like names: case and
// accents ignored) are looked up in the index; its last word, when it has at
// least kMinPrefixLength code points, also matches as the beginning of a
// name's word ("bolu" finds "Boluarte"). For each name of an entity:
//   score = matched / words + (1 when the name's words are exactly the
//           text's words, each matched whole)
// where `matched` counts the text's words found in the name. An entity
// appears once, with its best name. Rows come by score (highest first), then
// by more words matched whole (not only as a prefix), then names with fewer
// words, then shorter names (in code points), then by name and by entity
// key. The score is shown rounded to two decimals.
#pragma once

#include "grammar/ast.h"
#include "query/binder.h"
#include "quipu/query_result.h"
#include "storage/store.h"

namespace quipu::query {

inline constexpr size_t kMinPrefixLength = 3;
inline constexpr size_t kMaxSearchWords = 32;

// Columns: entity, name, labels (a list, sorted), score. Raises QueryError.
QueryResult RunSearch(const ast::SearchStatement& search, storage::ReadView* view,
                      const Params& params);

}  // namespace quipu::query
