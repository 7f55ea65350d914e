// PropertyColumn and PropertyColumnCache: a property read whole, each
// subject's smallest object of one predicate (what `x.name` reads), and the
// database's copies of them kept while nothing is written.
//
// A filter on a property of thousands of nodes (`y.name starts with …`
// over a 2-hop) otherwise asks the index once per node: a RocksDB seek of
// ~2 us. Once an evaluator has asked a predicate as often as reading the
// predicate whole would cost (query/expression.cc), it reads it into this
// form; later lookups, and the statements that follow on the same store
// version, binary-search an array.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "query/versioned_cache.h"
#include "storage/store.h"

namespace quipu::query {

class PropertyColumn {
 public:
  static Result<std::shared_ptr<const PropertyColumn>> Read(storage::ReadView* view,
                                                            uint64_t predicate);

  uint64_t predicate() const { return predicate_; }
  // The smallest object of the facts (subject, predicate, ·); 0 for none.
  uint64_t Find(uint64_t subject) const;

  uint64_t bytes() const { return (subjects_.capacity() + objects_.capacity()) * sizeof(uint64_t); }
  // About what a column of a predicate with `facts` facts takes.
  static uint64_t BytesFor(uint64_t facts) { return facts * 4 * sizeof(uint64_t); }

 private:
  uint64_t predicate_ = 0;
  std::vector<uint64_t> subjects_;  // ascending, each once
  std::vector<uint64_t> objects_;
};

// The property columns of one store version, by predicate, 256 MiB of them
// at most.
class PropertyColumnCache final : public VersionedCache<uint64_t, PropertyColumn> {
 public:
  explicit PropertyColumnCache(uint64_t max_bytes = uint64_t{256} << 20)
      : VersionedCache(max_bytes) {}
};

}  // namespace quipu::query
