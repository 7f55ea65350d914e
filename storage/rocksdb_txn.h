// RocksTxn: a snapshot read and, when writable, a statement's write batch.
// Writes go into a WriteBatchWithIndex so the statement reads its own writes;
// Commit() applies the batch atomically, destruction without it discards it.
#pragma once

#include <rocksdb/utilities/write_batch_with_index.h>

#include <memory>
#include <mutex>
#include <unordered_map>

#include "storage/key_codec.h"
#include "storage/rocksdb_store.h"

namespace quipu::storage {

// The upper bound of a prefix scan; must outlive the iterator that uses it.
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
  Status GetInstances(const Triple& triple, std::vector<FactInstance>* out) override;
  Result<uint64_t> FindTerm(const Value& value) override;
  Result<Value> DecodeTerm(uint64_t id) override;
  Result<PredicateStats> GetStats(uint64_t predicate) override;
  Status AllStats(std::vector<std::pair<uint64_t, PredicateStats>>* out) override;
  Status FindNames(std::string_view word, bool prefix, std::vector<NameMatch>* out) override;

  Result<uint64_t> InternTerm(const Value& value) override;
  Result<bool> Insert(const Triple& triple, const Annotations& annotations) override;
  Result<size_t> Delete(const Triple& triple) override;
  Status Commit() override;

 private:
  // Reads one key through the batch (when writable) and the snapshot.
  Result<bool> Get(Family family, const std::string& key, std::string* value);
  // An iterator over the keys starting with `prefix`, through the batch and
  // the snapshot. `bound` and `options` must outlive it.
  std::unique_ptr<rocksdb::Iterator> NewIterator(Family family, const std::string& prefix,
                                                 RangeBound* bound, rocksdb::ReadOptions* options);
  Result<bool> PrefixExists(Family family, const std::string& prefix);
  Status PutStats(uint64_t predicate, const PredicateStats& stats);
  // Adds (or removes) the name-index entries of a triple being added (or
  // deleted) when it is a name fact.
  Status IndexName(const Triple& triple, bool add);
  Status CheckWritable() const;

  friend class RocksCursor;

  RocksDbStore* store_;
  rocksdb::DB* db_;
  const rocksdb::Snapshot* snapshot_;
  bool writable_;
  bool committed_ = false;
  std::unique_lock<std::mutex> lock_;
  std::unique_ptr<rocksdb::WriteBatchWithIndex> batch_;
  std::unordered_map<uint64_t, Value> decode_cache_;
  // Predicate id → whether it is a name predicate; per statement, because a
  // discarded statement's ids are handed out again.
  std::unordered_map<uint64_t, bool> name_predicates_;
  // Reused by GetInstances in read views. Declared after the bound and the
  // options it points to, so it is destroyed before them.
  // How far GetInstances walks forward before it seeks instead.
  static constexpr int kInstanceSkipSteps = 8;
  RangeBound instances_bound_;
  rocksdb::ReadOptions instances_options_;
  std::unique_ptr<rocksdb::Iterator> instances_iter_;
};

}  // namespace quipu::storage
