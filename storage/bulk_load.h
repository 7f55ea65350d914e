// RocksBulkLoad: a load that bypasses the write batch. Terms are interned in
// memory (new ones get ids from the same sequences a WriteTxn uses), fact
// instances are buffered, and Commit() sorts them for each index
// permutation, builds the adjacency lists they change (merged with the
// stored ones), writes one SST file per column family with SstFileWriter and
// ingests them all with one DB::IngestExternalFiles call, which the MANIFEST
// records atomically: after it returns, or after a crash, either every file
// is in the database or none is. Statistics stay exact: only instances and
// triples not already stored count, and a subject (object) is new to a
// predicate when its list (s, p) ((p, o)) was empty.
//
// The load holds the store's write lock from start to end, like a WriteTxn.
#pragma once

#include <rocksdb/db.h>

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "storage/fact_list.h"
#include "storage/key_codec.h"
#include "storage/name_index.h"
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
    uint32_t offset, count;  // its annotations in annotations_
  };
  struct NewTerm {
    std::string key;  // term2id key: type byte + bytes
    uint64_t id;
  };
  // A fact whose list entries this load writes: new, or stored bare and now
  // annotated.
  struct ListChange {
    Triple triple;
    bool annotated;
  };
  // A family's entries for its SST file, sorted by key; an empty value with
  // `deleted` set is a deletion.
  struct FileEntry {
    std::string key, value;
    bool deleted = false;
  };

  Result<bool> Get(Family family, const std::string& key, std::string* value);
  // Whether the store held facts of predicate `p` when the load began (its
  // statistics). A predicate it did not hold needs no lookups: none of its
  // instances, subjects or objects is stored.
  bool PredicateStored(uint64_t p) const;
  // Drops duplicate instances and those already stored; fills changes_ and
  // the annotation sets to write; returns the new instances' count.
  Result<uint64_t> Resolve(std::vector<FileEntry>* sets);
  // The lists of `perm` that changes_ touch, merged with what is stored,
  // cut into chunks; with, for stats, the lists that were empty (spo: new
  // subjects of their predicate, pos: new objects).
  Status BuildLists(Permutation perm, std::vector<FileEntry>* out,
                    std::unordered_map<uint64_t, PredicateStats>* new_ends);
  // Reads the stored entries of list (a, b) through `it` (appended to
  // *list) and the keys of its chunks.
  Status ReadList(rocksdb::Iterator* it, uint64_t a, uint64_t b, ListEntries* list,
                  std::vector<std::string>* keys);
  Status AddNames(const std::vector<Triple>& triples, KeyValues* out);
  // The dictionary bytes of a term: this load's new one, or a stored one.
  Result<std::string> TermBytes(uint64_t id);
  Status WriteFile(Family family, const std::vector<FileEntry>& entries,
                   std::vector<rocksdb::IngestExternalFileArg>* args);

  RocksDbStore* store_;
  rocksdb::DB* db_;
  std::unique_lock<std::mutex> lock_;
  const rocksdb::Snapshot* snapshot_ = nullptr;
  std::shared_ptr<const StatsTable> stats_;
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
  Annotations annotations_;
  std::vector<ListChange> changes_;  // sorted by s, p, o
  std::vector<Triple> new_triples_;  // sorted by s, p, o
};

}  // namespace quipu::storage
