// RocksTxn: a snapshot read and, when writable, a statement's write batch.
// Writes go into a WriteBatchWithIndex so the statement reads its own writes;
// Commit() applies the batch atomically, destruction without it discards it.
// The fact indexes are adjacency lists (fact_list.h): a write rewrites the
// chunk of each of the fact's three lists (rocksdb_lists.cc).
#pragma once

#include <rocksdb/utilities/write_batch_with_index.h>

#include <memory>
#include <mutex>
#include <unordered_map>

#include "storage/fact_list.h"
#include "storage/key_codec.h"
#include "storage/rocksdb_store.h"

namespace quipu::storage {

// The bounds of a prefix scan; must outlive the iterator that uses them.
struct RangeBound {
  std::string upper;
  rocksdb::Slice upper_slice;
};

class RocksTxn final : public WriteTxn {
 public:
  RocksTxn(RocksDbStore* store, bool writable, std::unique_lock<std::mutex> lock);
  ~RocksTxn() override;

  std::unique_ptr<TripleCursor> Scan(const TriplePattern& pattern) override;
  Result<bool> Contains(const Triple& triple) override;
  Status GetInstances(const Triple& triple, std::vector<FactInstance>* out,
                      InstanceHint hint) override;
  Result<uint64_t> SmallestObject(uint64_t s, uint64_t p) override;
  Result<uint64_t> FindTerm(const Value& value) override;
  Result<Value> DecodeTerm(uint64_t id) override;
  Result<PredicateStats> GetStats(uint64_t predicate) override;
  Status AllStats(std::vector<std::pair<uint64_t, PredicateStats>>* out) override;
  Status FindNames(std::string_view word, bool prefix, std::vector<NameMatch>* out) override;

  Result<uint64_t> InternTerm(const Value& value) override;
  Result<bool> Insert(const Triple& triple, const Annotations& annotations) override;
  Result<size_t> Delete(const Triple& triple) override;
  Status Commit() override;

  // An iterator over the keys starting with `prefix`, through the batch and
  // the snapshot. `bound` and `options` must outlive it.
  std::unique_ptr<rocksdb::Iterator> NewIterator(Family family, const std::string& prefix,
                                                 RangeBound* bound, rocksdb::ReadOptions* options);

 private:
  // What one of a fact's three lists held for it before a write.
  struct EntryState {
    bool existed = false;     // the fact was in the list
    bool annotated = false;   // with the annotated flag
    bool list_empty = false;  // the list (a, b) had no entry at all (AddEntry), or has none
                              // left (DeleteEntry)
    // With `count`, when the entry was added (removed): the list's entries
    // before, the node's degree that the squared-degree sums need.
    uint64_t length = 0;
  };
  // rocksdb_lists.cc. Adds c to list (a, b) of `perm` with `flag` when it
  // is absent; when it is present and `flag` is set, sets its flag.
  // `count`: fill EntryState::length.
  Result<EntryState> AddEntry(Permutation perm, const PermutedIds& ids, bool flag,
                              bool count = false);
  // Removes c from list (a, b) of `perm` when present.
  Result<EntryState> DeleteEntry(Permutation perm, const PermutedIds& ids, bool count = false);
  // The entries of list (a, b): `chunk_entries` when the chunk just read is
  // the list's only one (the common case: its key is a·b and a Next() finds
  // no later chunk); otherwise the sum of every chunk's header, one pass
  // over the list's keys without decoding the ids.
  Result<uint64_t> ListLength(Permutation perm, const PermutedIds& ids, bool only_chunk,
                              size_t chunk_entries);
  // Whether c is in list (a, b) of `perm`, and its flag.
  Result<EntryState> FindEntry(Permutation perm, const PermutedIds& ids);
  // Positions `it` (over the list's prefix a·b) on the chunk that holds c or
  // would: false when the list is empty.
  Result<bool> SeekChunk(rocksdb::Iterator* it, const PermutedIds& ids);
  Status PutChunk(Family family, const std::string& key, const ListEntries& entries, size_t begin,
                  size_t end);

  // Reads one key through the batch (when writable) and the snapshot.
  Result<bool> Get(Family family, const std::string& key, std::string* value);
  Status PutStats(uint64_t predicate, const PredicateStats& stats);
  // Adds (or removes) the name-index entries of a triple being added (or
  // deleted) when it is a name fact.
  Status IndexName(const Triple& triple, bool add);
  Status CheckWritable() const;
  // The instance set of an annotated fact, from the walk-forward iterator
  // of a read view or a lookup through the batch; false when it has none.
  Result<bool> ReadInstanceSet(const Triple& triple, std::vector<FactInstance>* out);

  RocksDbStore* store_;
  rocksdb::DB* db_;
  const rocksdb::Snapshot* snapshot_ = nullptr;
  // The statistics of the snapshot, and this statement's changes to them.
  std::shared_ptr<const StatsTable> stats_;
  std::unordered_map<uint64_t, PredicateStats> pending_stats_;
  bool writable_;
  bool committed_ = false;
  std::unique_lock<std::mutex> lock_;
  std::unique_ptr<rocksdb::WriteBatchWithIndex> batch_;
  std::unordered_map<uint64_t, Value> decode_cache_;
  // Predicate id → whether it is a name predicate; per statement, because a
  // discarded statement's ids are handed out again.
  std::unordered_map<uint64_t, bool> name_predicates_;
  // Reused by ReadInstanceSet in read views. Declared after the bound and
  // the options it points to, so it is destroyed before them.
  // How far the iterator walks forward before it seeks instead.
  static constexpr int kInstanceSkipSteps = 8;
  RangeBound instances_bound_;
  rocksdb::ReadOptions instances_options_;
  std::unique_ptr<rocksdb::Iterator> instances_iter_;
  uint64_t instances_predicate_ = 0;  // the predicate instances_bound_ bounds
};

}  // namespace quipu::storage
