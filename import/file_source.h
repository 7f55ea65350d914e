// FileSource: the bytes of a file to load, plain or gzip-compressed (zlib
// detects the compression, so a .gz file streams without a temporary copy).
// Open() checks the cases a user gets wrong, each with its own message: a
// missing file, a directory, a named pipe or another file that is not a
// regular file (refused without waiting on it), a symbolic link that loops,
// a file that cannot be read, an empty file. Read() bounds what a hostile
// file can make a load hold or run through: a line longer than
// kMaxLineBytes, and gzip data that expands past kMaxGzipRatio times the
// file's size (and past kGzipFloorBytes), stop the load with an error.
// Thread-safety: one thread at a time.
#pragma once

#include <zlib.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "core/interrupt.h"
#include "quipu/status.h"

namespace quipu::import {

class FileSource {
 public:
  // The longest line (bytes between two line feeds) any loader accepts.
  static constexpr uint64_t kMaxLineBytes = uint64_t{64} << 20;
  // Decompressed gzip data may reach kGzipFloorBytes, and beyond that
  // kMaxGzipRatio times the size of the file on disk.
  static constexpr uint64_t kMaxGzipRatio = 100;
  static constexpr uint64_t kGzipFloorBytes = uint64_t{64} << 20;

  // Opens `path` for reading. `path` is also the name used in messages.
  static Result<std::unique_ptr<FileSource>> Open(const std::string& path);
  ~FileSource();
  FileSource(const FileSource&) = delete;
  FileSource& operator=(const FileSource&) = delete;

  // Reads up to `size` bytes into `buf`; returns how many, 0 at the end of
  // the data or on an error (then status() says which).
  size_t Read(char* buf, size_t size);
  const Status& status() const { return status_; }
  // Checked by each Read: once it reports, reading fails with its error
  // ("the statement was cancelled"). A reader that keeps reading without
  // handing anything on (a filter, skipped records) still stops then, with
  // the thread that writes idle. May be null; must outlive the reads.
  void set_interrupt(const Interrupt* interrupt) { interrupt_ = interrupt; }

  const std::string& path() const { return path_; }
  // The size of the file on disk and how many of its bytes were consumed so
  // far (compressed bytes for a .gz file): for progress reports. Safe to
  // call from another thread than the one reading.
  uint64_t file_size() const { return file_size_; }
  uint64_t bytes_consumed() const;
  // The file opened, with every symbolic link resolved (from the open
  // descriptor, so a link changed after the open does not matter); empty
  // when the system cannot tell.
  std::string RealPath() const;

 private:
  FileSource(std::string path, int fd, gzFile file, uint64_t size);
  // Applies the line and decompression bounds to `n` bytes just read.
  bool WithinBounds(const char* buf, size_t n);

  std::string path_;
  int fd_;
  gzFile file_;
  uint64_t file_size_;
  // Open() reads ahead to tell an empty file; those bytes are served first.
  std::string pending_;
  size_t pending_pos_ = 0;
  Status status_;
  const Interrupt* interrupt_ = nullptr;
  std::atomic<uint64_t> consumed_{0};
  uint64_t produced_ = 0;    // bytes read out of the file, decompressed
  uint64_t lines_ = 0;       // line feeds read
  uint64_t line_bytes_ = 0;  // bytes since the last line feed
};

}  // namespace quipu::import
