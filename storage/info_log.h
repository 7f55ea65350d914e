// RocksDB's info log (the LOG file in the database directory), written with
// stdio. RocksDB's own file logger goes through a WritableFileWriter, which
// after one failed append (ENOSPC on a full disk) aborts the process on the
// next line it is given: an assertion left on in Debian's librocksdb 7.8.3
// (WritableFileWriter::AssertFalseAndGetStatusForPrevError). This one drops
// what it cannot write.
#pragma once

#include <rocksdb/env.h>

#include <cstdio>
#include <mutex>
#include <string>

namespace quipu::storage {

class InfoLog final : public rocksdb::Logger {
 public:
  // Appends to the file at `path`; logs nothing when it cannot be opened.
  // Lines below `level` are dropped.
  InfoLog(const std::string& path, rocksdb::InfoLogLevel level);
  ~InfoLog() override;
  InfoLog(const InfoLog&) = delete;
  InfoLog& operator=(const InfoLog&) = delete;

  void Logv(const char* format, va_list ap) override;

 private:
  std::mutex mutex_;
  FILE* file_;  // null: nothing is logged
};

}  // namespace quipu::storage
