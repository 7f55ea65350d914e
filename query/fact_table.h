// FactTable and FactTableCache: the facts of one predicate read whole into
// columns, with their instances decoded, and the database's copies of them
// kept while nothing is written.
//
// A scan of a predicate that reads its facts' annotations (`as of`,
// `during`, `with confidence`, a relationship variable's `h.since`) reads
// each annotated fact's instance set through a second RocksDB iterator and
// decodes it: ~700 ns a fact at 1M facts, where a column store reads an
// integer. The first such scan on a store version reads the predicate into
// this form instead; the scans and the annotation reads of later statements
// on the same version walk arrays (the way AdjacencyCache serves paths).
// Format 4 keeps annotation sets in their own family, not in columns aligned
// with the lists; see docs/architecture.md.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <utility>
#include <vector>

#include "query/memory_budget.h"
#include "query/statement_env.h"
#include "query/versioned_cache.h"
#include "storage/store.h"

namespace quipu::query {

class FactTable {
 public:
  static constexpr size_t kNone = SIZE_MAX;

  // Reads every fact of `predicate`, in the order of a scan with the
  // predicate bound (objects, then subjects), with its instances.
  static Result<std::shared_ptr<const FactTable>> Read(storage::ReadView* view, uint64_t predicate);

  uint64_t predicate() const { return predicate_; }
  size_t size() const { return subjects_.size(); }
  storage::Triple fact(size_t i) const { return {subjects_[i], predicate_, objects_[i]}; }
  // The cursor's hint for fact i: whether it has annotated instances.
  storage::InstanceHint hint(size_t i) const {
    return first_instance_[i] == first_instance_[i + 1] ? storage::kBare : storage::kAnnotated;
  }
  // The index of fact (s, predicate, o), or kNone. Rows that come in the
  // table's order find theirs at `near` (the index found before) or just
  // after it without a search.
  size_t Find(uint64_t s, uint64_t o, size_t near = kNone) const;
  // Fact i's instances, ordered by hash, into `out`; its elements are
  // reused (their annotation vectors keep their capacity). Without
  // `annotations` only the hashes are copied (the annotations stay empty).
  void CopyInstances(size_t i, std::vector<storage::FactInstance>* out,
                     bool annotations = true) const;
  // Whether `test` holds for the annotations (a std::span of key-value
  // pairs) of one of fact i's instances; the bare instance has none.
  template <typename Test>
  bool AnyInstance(size_t i, const Test& test) const {
    using Pairs = std::span<const std::pair<uint64_t, uint64_t>>;
    const uint32_t first = first_instance_[i], last = first_instance_[i + 1];
    if (first == last) return test(Pairs());
    for (uint32_t j = first; j < last; ++j) {
      if (test(Pairs(pairs_.data() + first_pair_[j], first_pair_[j + 1] - first_pair_[j]))) {
        return true;
      }
    }
    return false;
  }
  // The hashes of fact i's annotated instances, ascending (as CopyInstances
  // gives them); empty when the bare instance (hash 0) is its only one.
  std::span<const uint64_t> InstanceHashes(size_t i) const {
    return {hashes_.data() + first_instance_[i], first_instance_[i + 1] - first_instance_[i]};
  }
  // The value of annotation `key` (0 when none) of every instance, fact by
  // fact in the table's order and each fact's in the order of
  // InstanceHashes (one 0 for a fact with the bare instance alone): the
  // column a top-k by `h.key` reads. Made on first use and kept with the
  // table for the statements that share it (kMaxColumns keys at most; a
  // column takes 8 bytes a row, which bytes() counts from then on, past
  // what the cache charged when the table was put). Thread-safe.
  std::shared_ptr<const std::vector<uint64_t>> Column(uint64_t key) const;
  // The value of annotation `key` in fact i's instance `hash`; 0 when none.
  uint64_t Annotation(size_t i, uint64_t hash, uint64_t key) const;

  uint64_t bytes() const;
  // About what a table of `facts` facts takes, before reading it.
  static uint64_t BytesFor(uint64_t facts) { return facts * 2 * sizeof(uint64_t); }

 private:
  static constexpr size_t kMaxColumns = 8;

  // The value of annotation `key` in instance j (an index into hashes_); 0
  // when none.
  uint64_t InstanceAnnotation(uint32_t j, uint64_t key) const;

  uint64_t predicate_ = 0;
  std::vector<uint64_t> objects_;   // ascending
  std::vector<uint64_t> subjects_;  // ascending within one object
  // Fact i's annotated instances are [first_instance_[i], first_instance_[i + 1]);
  // a fact with none has the bare instance alone.
  std::vector<uint32_t> first_instance_;
  std::vector<uint64_t> hashes_;
  // Instance j's pairs are pairs_[first_pair_[j], first_pair_[j + 1]).
  std::vector<uint32_t> first_pair_;
  storage::Annotations pairs_;
  mutable std::mutex columns_mutex_;
  mutable std::vector<std::pair<uint64_t, std::shared_ptr<const std::vector<uint64_t>>>>
      columns_;  // guarded by columns_mutex_
};

// The fact tables of one store version, by predicate, 256 MiB of them at
// most.
class FactTableCache final : public VersionedCache<uint64_t, FactTable> {
 public:
  explicit FactTableCache(uint64_t max_bytes = uint64_t{256} << 20) : VersionedCache(max_bytes) {}
};

// The table of `predicate` for a statement: the database's kept one, or
// read now and kept, when env has a cache and the table fits its bound
// and `charge` (the statement's memory); null otherwise (the caller reads
// the facts another way). Errors are thrown as QueryError.
std::shared_ptr<const FactTable> KeptFactTable(const StatementEnv& env, storage::ReadView* view,
                                               uint64_t predicate, MemoryCharge* charge);

}  // namespace quipu::query
