// Compactor: merges the levels a bulk load stacks, in the background.
//
// A bulk load ingests its files at the lowest level their keys fit; a
// family whose files overlap the new ones (every list family, when a second
// relationship is loaded) takes them one level higher each time, so a
// database loaded from a dozen files holds each family on five or six
// levels, and every point read and every seek visits all of them (at 1M
// facts, a 2-hop query with a property filter ran 32 % fewer instructions
// once its families were compacted to one level). RocksDB compacts by level
// sizes, which a small database never reaches. So after each bulk load the
// store asks for a full compaction of the families that span more than two
// levels, run by one thread of its own while statements (and the next load)
// go on; a newer request while one runs is served once it ends. Closing
// the store stops a compaction part way (RocksDB keeps what it finished),
// and the next open asks again.
//
// A pass rewrites the bottom level only when the levels above hold a
// quarter of its bytes or more; otherwise it merges them into one level
// just above the bottom (CompactFiles), so a load into a large database
// rewrites about what it added, not the whole family. Not deferred to the
// end of a series of loads: merging the 13 levels of the compare harness's
// loads at once took 6 s at 1M facts, merging after each load 1.8 s at the
// end, the rest on the core the loads leave free (docs/benchmarks.md).
#pragma once

#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <rocksdb/db.h>

#include "quipu/status.h"

namespace quipu::storage {

class Compactor {
 public:
  // `db` and `families` must outlive the compactor.
  Compactor(rocksdb::DB* db, std::vector<rocksdb::ColumnFamilyHandle*> families)
      : db_(db), families_(std::move(families)) {}
  // Stops a running compaction and waits for the thread.
  ~Compactor();

  // Asks for a pass over the families; returns at once.
  void Request();
  // The pass, now, in the caller's thread (a pending one is then not
  // needed); returns when it is done.
  Status CompactNow();

  // The levels a family's files are on, each file of level 0 counted (they
  // overlap one another).
  static int LevelsInUse(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* family);

 private:
  void Run();
  // The upper levels are merged into one above the bottom when the bottom
  // holds this many times their bytes; else everything into the bottom.
  static constexpr uint64_t kTierRatio = 4;
  // Compacts each family that spans more than two levels into two.
  rocksdb::Status Pass();

  rocksdb::DB* const db_;
  const std::vector<rocksdb::ColumnFamilyHandle*> families_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool pending_ = false;   // guarded by mutex_
  bool stopping_ = false;  // guarded by mutex_
  std::thread thread_;     // started by the first Request
};

}  // namespace quipu::storage
