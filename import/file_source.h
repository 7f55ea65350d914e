// FileSource: the bytes of a file to load, plain or gzip-compressed (zlib
// detects the compression, so a .gz file streams without a temporary copy).
// Open() checks the cases a user gets wrong, each with its own message: a
// missing file, a directory, a file that cannot be read, an empty file.
// Thread-safety: one thread at a time.
#pragma once

#include <zlib.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "quipu/status.h"

namespace quipu::import {

class FileSource {
 public:
  // Opens `path` for reading. `path` is also the name used in messages.
  static Result<std::unique_ptr<FileSource>> Open(const std::string& path);
  ~FileSource();
  FileSource(const FileSource&) = delete;
  FileSource& operator=(const FileSource&) = delete;

  // Reads up to `size` bytes into `buf`; returns how many, 0 at the end of
  // the data or on an error (then status() says which).
  size_t Read(char* buf, size_t size);
  const Status& status() const { return status_; }

  const std::string& path() const { return path_; }
  // The size of the file on disk and how many of its bytes were consumed so
  // far (compressed bytes for a .gz file): for progress reports. Safe to
  // call from another thread than the one reading.
  uint64_t file_size() const { return file_size_; }
  uint64_t bytes_consumed() const;

 private:
  FileSource(std::string path, gzFile file, uint64_t size);

  std::string path_;
  gzFile file_;
  uint64_t file_size_;
  // Open() reads ahead to tell an empty file; those bytes are served first.
  std::string pending_;
  size_t pending_pos_ = 0;
  Status status_;
  std::atomic<uint64_t> consumed_{0};
};

}  // namespace quipu::import
