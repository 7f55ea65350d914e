#include "storage/compactor.h"

namespace quipu::storage {

Compactor::~Compactor() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) {
    db_->DisableManualCompaction();  // a running CompactRange returns early
    thread_.join();
  }
}

void Compactor::Request() {
  std::lock_guard<std::mutex> lock(mutex_);
  pending_ = true;
  due_ = std::chrono::steady_clock::now() + kQuiet;
  if (!thread_.joinable()) {
    thread_ = std::thread([this] { Run(); });
  } else {
    wake_.notify_one();
  }
}

void Compactor::Hold() {
  std::lock_guard<std::mutex> lock(mutex_);
  ++holds_;
  if (running_ && !cancelled_) {
    cancelled_ = true;
    // Returns once the running CompactRange has given up; the thread
    // enables manual compactions again and asks for the pass once more.
    db_->DisableManualCompaction();
  }
}

void Compactor::Release() {
  std::lock_guard<std::mutex> lock(mutex_);
  --holds_;
  wake_.notify_one();
}

int Compactor::LevelsInUse(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* family) {
  rocksdb::ColumnFamilyMetaData meta;
  db->GetColumnFamilyMetaData(family, &meta);
  int levels = 0;
  for (const rocksdb::LevelMetaData& level : meta.levels) {
    if (level.files.empty()) continue;
    levels += level.level == 0 ? static_cast<int>(level.files.size()) : 1;
  }
  return levels;
}

void Compactor::Run() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopping_) {
    if (!pending_ || holds_ > 0) {
      wake_.wait(lock);
      continue;
    }
    if (std::chrono::steady_clock::now() < due_) {
      wake_.wait_until(lock, due_);
      continue;
    }
    pending_ = false;
    running_ = true;
    lock.unlock();
    for (rocksdb::ColumnFamilyHandle* family : families_) {
      if (LevelsInUse(db_, family) <= 2) continue;
      rocksdb::CompactRangeOptions options;
      options.exclusive_manual_compaction = false;  // RocksDB's own ones go on
      // An error (the store closing, a full disk, a Hold) leaves the levels
      // as they are: still a correct database, only slower to read.
      if (!db_->CompactRange(options, family, nullptr, nullptr).ok()) break;
    }
    lock.lock();
    running_ = false;
    if (cancelled_) {
      cancelled_ = false;
      if (!stopping_) {
        db_->EnableManualCompaction();
        pending_ = true;  // the load that held it asks again; until then, held
      }
    }
  }
}

}  // namespace quipu::storage
