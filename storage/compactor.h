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
// levels, run by one thread of its own while statements go on.
//
// The compaction waits until no bulk load has run for kQuiet, and a bulk
// load that begins while one runs stops it (to start again after): a script
// of a dozen loads compacts once at its end instead of rewriting the growing
// database after every file on the core the next load needs. Closing the
// store stops a compaction part way (RocksDB keeps what it finished).
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include <rocksdb/db.h>

namespace quipu::storage {

class Compactor {
 public:
  // `db` and `families` must outlive the compactor.
  Compactor(rocksdb::DB* db, std::vector<rocksdb::ColumnFamilyHandle*> families)
      : db_(db), families_(std::move(families)) {}
  // Stops a running compaction and waits for the thread.
  ~Compactor();

  // How long after the last bulk load a compaction starts.
  static constexpr std::chrono::milliseconds kQuiet{500};

  // Asks for a pass over the families, kQuiet from now; returns at once.
  void Request();
  // A bulk load begins: stops a running compaction (it is asked for again
  // when the load ends) and starts none until Release().
  void Hold();
  void Release();

  // The levels a family's files are on, each file of level 0 counted (they
  // overlap one another).
  static int LevelsInUse(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* family);

 private:
  void Run();

  rocksdb::DB* const db_;
  const std::vector<rocksdb::ColumnFamilyHandle*> families_;
  std::mutex mutex_;
  std::condition_variable wake_;
  // Guarded by mutex_:
  bool pending_ = false;
  std::chrono::steady_clock::time_point due_;  // when a pending pass may start
  int holds_ = 0;                              // bulk loads running
  bool running_ = false;                       // a pass is compacting
  bool cancelled_ = false;                     // Hold() stopped the running pass's CompactRange
  bool stopping_ = false;
  std::thread thread_;  // started by the first Request
};

}  // namespace quipu::storage
