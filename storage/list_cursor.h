// ListCursor: the triples of a pattern, read from one permutation's
// adjacency lists (fact_list.h) in key order: a chunk is one RocksDB step
// and gives up to kMaxChunkEntries triples. With all three positions bound
// it finds the one chunk that may hold the fact.
#pragma once

#include <rocksdb/db.h>

#include <memory>
#include <string>

#include "storage/fact_list.h"
#include "storage/key_codec.h"
#include "storage/rocksdb_txn.h"

namespace quipu::storage {

class ListCursor final : public TripleCursor {
 public:
  ListCursor(RocksTxn* txn, const TriplePattern& pattern);

  size_t Next(std::vector<Triple>* out, size_t max, std::vector<uint8_t>* annotated) override;
  Status status() const override { return status_; }
  bool Reseek(const TriplePattern& pattern) override;

 private:
  // Aims the cursor at `pattern` (same permutation and depth) and seeks.
  void Aim(const TriplePattern& pattern);
  // Decodes the chunk at the iterator into entries_ and steps past it;
  // false at the end of the range (or on an error, in status_).
  bool LoadChunk();

  RocksTxn* txn_;
  ScanPlan plan_;
  PermutedIds want_;  // the bound ids, in the permutation's order
  std::string prefix_;
  RangeBound bound_;
  rocksdb::ReadOptions options_;
  std::unique_ptr<rocksdb::Iterator> iter_;
  uint64_t a_ = 0, b_ = 0;  // the list of the loaded chunk
  ListEntries entries_;
  size_t pos_ = 0;
  bool done_ = false;  // bound 3: the one chunk was read
  Status status_;
};

}  // namespace quipu::storage
