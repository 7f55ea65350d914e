// RocksBulkLoad: a load that bypasses the write batch. Terms are interned in
// a table of the load's own (term_table.h; new ones get ids from the same
// sequences a WriteTxn uses, terms of types the store holds are looked up
// all at once at Commit), fact instances are buffered, and Commit() sorts
// them for each index permutation, builds the adjacency lists they change
// (merged with the stored ones, read in key order), streams one SST file
// per column family into SstFileWriter (two threads) and ingests them all
// with one DB::IngestExternalFiles call, which the MANIFEST
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
#include "storage/term_table.h"

namespace quipu::storage {

class RocksBulkLoad final : public BulkLoad {
 public:
  RocksBulkLoad(RocksDbStore* store, std::unique_lock<std::mutex> lock);
  ~RocksBulkLoad() override;

  Result<uint64_t> InternTerm(const Value& value) override;
  Status Add(const Triple& triple, const Annotations& annotations) override;
  Result<uint64_t> Commit() override;
  uint64_t FinalId(uint64_t id) const override;

 private:
  struct Instance {
    Triple triple;
    uint64_t hash;
    uint32_t offset, count;  // its annotations in annotations_
  };
  // A fact whose list entries this load writes: new, or stored bare and now
  // annotated.
  struct ListChange {
    Triple triple;
    bool annotated;
  };
  // A family's entry for its SST file (the small families: statistics,
  // sequences, names), sorted by key before writing.
  struct FileEntry {
    std::string key, value;
  };

  // An annotation set to write: its bytes are set_bytes_[offset, offset + size).
  struct SetEntry {
    Triple triple;
    uint64_t offset;
    uint64_t size;
  };
  class SstFile;

  Result<bool> Get(Family family, const std::string& key, std::string* value);
  // Reads the next sequence number of `type` (once per load).
  Status ReadSequence(TermType type);
  // Gives every provisional id its final one (a stored term's id, or the
  // next of its type's sequence) and rewrites the buffered instances.
  Status ResolveTerms();
  // Whether the store held facts of predicate `p` when the load began (its
  // statistics). A predicate it did not hold needs no lookups: none of its
  // instances, subjects or objects is stored.
  bool PredicateStored(uint64_t p) const;
  // Drops duplicate instances and those already stored; fills changes_ and
  // the annotation sets to write; returns the new instances' count.
  Result<uint64_t> Resolve(std::vector<SetEntry>* sets);
  void AddSet(const Triple& t, const std::vector<FactInstance>& set, std::vector<SetEntry>* sets);
  // The lists of `perm` that changes_ touch, merged with what is stored,
  // cut into chunks; with, for stats, the lists that were empty (spo: new
  // subjects of their predicate, pos: new objects).
  // Writes the file of `family` (perm's) and adds it to `args`.
  Status BuildLists(Permutation perm, Family family,
                    std::unordered_map<uint64_t, PredicateStats>* new_ends,
                    std::vector<rocksdb::IngestExternalFileArg>* args);
  // The annotation sets' file, and the dictionary entries of the new terms
  // into theirs, each added to `args`.
  Status WriteSets(const std::vector<SetEntry>& sets,
                   std::vector<rocksdb::IngestExternalFileArg>* args);
  Status WriteTerms(std::vector<rocksdb::IngestExternalFileArg>* args);
  // The SST file of `family` in dir_.
  std::unique_ptr<SstFile> NewFile(Family family);
  // An iterator over a list family that reads lists in key order.
  struct ForwardReader {
    std::unique_ptr<rocksdb::Iterator> it;
    bool started = false;
  };
  // Reads the stored entries of list (a, b) (appended to *list) and the keys
  // of its chunks. REQUIRES: (a, b) after the lists `reader` read before.
  Status ReadList(ForwardReader* reader, uint64_t a, uint64_t b, ListEntries* list,
                  std::vector<std::string>* keys);
  Status AddNames(const std::vector<Triple>& triples, KeyValues* out);
  // The dictionary bytes of a term: this load's new one, or a stored one.
  Result<std::string> TermBytes(uint64_t id);
  Status WriteFile(Family family, const std::vector<FileEntry>& entries);

  RocksDbStore* store_;
  rocksdb::DB* db_;
  std::unique_lock<std::mutex> lock_;
  const rocksdb::Snapshot* snapshot_ = nullptr;
  std::shared_ptr<const StatsTable> stats_;
  bool committed_ = false;
  std::string dir_;  // where the SST files are written before ingestion
  // Every dictionary term the load met, new or stored, by term2id key.
  TermTable terms_;
  std::string key_;             // InternTerm's buffer
  uint64_t next_seq_[16] = {};  // per dictionary TermType; 0: not read yet
  // Per TermType: whether the store holds any term of the type (if not, a
  // term met for the first time is new without a lookup); the first
  // sequence this load hands out, and for each new sequence from there its
  // index in terms_.
  bool type_stored_[16] = {};
  uint64_t first_seq_[16] = {};
  std::vector<TermTable::Ref> new_by_seq_[16];
  // A term of a type the store holds, met for the first time, may be stored
  // or new: it gets the provisional id type·(kProvisional | i) with
  // provisional_[i] its entry, and ResolveTerms looks them all up at once
  // (final_[i] its id from then on). Sequences never reach kProvisional.
  static constexpr uint64_t kProvisional = uint64_t{1} << 59;
  std::vector<TermTable::Ref> provisional_;
  std::vector<uint64_t> final_;
  std::vector<Instance> instances_;
  Annotations annotations_;
  std::vector<ListChange> changes_;                   // sorted by s, p, o
  std::string set_bytes_;                             // the encoded annotation sets to write
  std::vector<rocksdb::IngestExternalFileArg> args_;  // the files to ingest
  std::vector<Triple> new_triples_;                   // sorted by s, p, o
};

}  // namespace quipu::storage
