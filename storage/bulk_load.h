// RocksBulkLoad: a load that bypasses the write batch. Terms are interned in
// memory (new ones get ids from the same sequences a WriteTxn uses), fact
// instances are buffered, and Commit() sorts them for each index
// permutation, writes one SST file per column family with SstFileWriter and
// ingests them all with one DB::IngestExternalFiles call, which the MANIFEST
// records atomically: after it returns, or after a crash, either every file
// is in the database or none is. Statistics stay exact: only instances and
// triples not already stored count, and new subjects and objects of a
// predicate are probed against the snapshot the load started from.
//
// The load holds the store's write lock from start to end, like a WriteTxn.
// Readers running during the ingest itself may briefly see some families
// updated and others not; a statement started after Commit() sees all.
#pragma once

#include <rocksdb/db.h>

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "storage/key_codec.h"
#include "storage/rocksdb_store.h"

namespace quipu::storage {

class RocksBulkLoad final : public BulkLoad {
 public:
  RocksBulkLoad(RocksDbStore* store, std::unique_lock<std::mutex> lock);
  ~RocksBulkLoad() override;

  Result<uint64_t> InternTerm(const Value& value) override;
  Status Add(const Triple& triple, const Annotations& annotations) override;
  Result<uint64_t> Commit() override;

 private:
  struct Instance {
    Triple triple;
    uint64_t hash;
    uint32_t offset, size;  // the encoded annotations in annotations_
  };
  struct NewTerm {
    std::string key;  // term2id key: type byte + bytes
    uint64_t id;
  };

  Result<bool> Get(Family family, const std::string& key, std::string* value);
  Result<bool> PrefixExists(Family family, const std::string& prefix);
  // Whether the store held facts of predicate `p` when the load began (its
  // statistics record, read once per predicate). A predicate it did not hold
  // needs no lookups: none of its instances, subjects or objects is stored.
  Result<bool> PredicateStored(uint64_t p);
  // Drops duplicate instances and those already stored; returns the new
  // triples (sorted s, p, o).
  Result<std::vector<Triple>> NewInstances();
  Status AddStats(const std::vector<Triple>& triples,
                  std::vector<std::pair<std::string, std::string>>* out);
  // The name-index entries of the new name facts among `triples`, sorted.
  Status AddNames(const std::vector<Triple>& triples,
                  std::vector<std::pair<std::string, std::string>>* out);
  // The dictionary bytes of a term: this load's new one, or a stored one.
  Result<std::string> TermBytes(uint64_t id);
  // Writes the SST file of one index permutation of `triples` (sorted s, p, o).
  Status WriteIndex(Permutation perm, const std::vector<Triple>& triples,
                    std::vector<rocksdb::IngestExternalFileArg>* args);
  // Writes one SST file for `family` from `count` sorted entries that
  // entry(i, &key, &value) produces, and queues it for ingestion.
  Status WriteFile(Family family, size_t count,
                   const std::function<void(size_t, std::string*, std::string*)>& entry,
                   std::vector<rocksdb::IngestExternalFileArg>* args);
  Status WriteFile(Family family, const std::vector<std::pair<std::string, std::string>>& kvs,
                   std::vector<rocksdb::IngestExternalFileArg>* args);

  RocksDbStore* store_;
  rocksdb::DB* db_;
  std::unique_lock<std::mutex> lock_;
  const rocksdb::Snapshot* snapshot_;
  bool store_had_facts_ = true;
  std::unordered_map<uint64_t, bool> predicate_stored_;
  bool committed_ = false;
  std::string dir_;  // where the SST files are written before ingestion
  std::unordered_map<std::string, uint64_t> new_terms_;
  std::vector<NewTerm> terms_in_order_;
  uint64_t next_seq_[16] = {};  // per dictionary TermType; 0: not read yet
  // Per TermType: the first sequence this load hands out, and for each new
  // sequence from there its index in terms_in_order_.
  uint64_t first_seq_[16] = {};
  std::vector<uint32_t> new_by_seq_[16];
  std::vector<Instance> instances_;
  std::string annotations_;
};

}  // namespace quipu::storage
