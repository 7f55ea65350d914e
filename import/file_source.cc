#include "import/file_source.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <filesystem>

namespace quipu::import {
namespace {

Status CannotLoad(const std::string& path, const std::string& why, bool missing = false) {
  const std::string msg = "cannot load '" + path + "': " + why;
  return missing ? Status::NotFound(msg) : Status::IoError(msg);
}

// Only regular files are loaded: a directory, a named pipe (which could
// block the load forever), a socket or a device is refused.
Status RegularFile(const std::string& path, const struct stat& st) {
  if (S_ISREG(st.st_mode)) return Status::Ok();
  if (S_ISDIR(st.st_mode)) return CannotLoad(path, "it is a directory, not a file");
  if (S_ISFIFO(st.st_mode))
    return CannotLoad(path, "it is a named pipe (FIFO), not a regular file");
  if (S_ISSOCK(st.st_mode)) return CannotLoad(path, "it is a socket, not a regular file");
  if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) {
    return CannotLoad(path, "it is a device, not a regular file");
  }
  return CannotLoad(path, "it is not a regular file");
}

std::string Mebibytes(uint64_t bytes) { return std::to_string(bytes >> 20) + " MiB"; }

}  // namespace

FileSource::FileSource(std::string path, int fd, gzFile file, uint64_t size)
    : path_(std::move(path)), fd_(fd), file_(file), file_size_(size) {}

FileSource::~FileSource() {
  if (file_ != nullptr) gzclose(file_);
}

Result<std::unique_ptr<FileSource>> FileSource::Open(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT || errno == ENOTDIR) return CannotLoad(path, "no such file", true);
    if (errno == ELOOP) {
      return CannotLoad(path, "its symbolic links loop (too many levels of symbolic links)");
    }
    return CannotLoad(path, std::strerror(errno));
  }
  if (Status s = RegularFile(path, st); !s.ok()) return s;
  // Non-blocking, so that a path turned into a named pipe since the stat
  // cannot hang the open; the descriptor is checked again below.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    if (errno == EACCES) return CannotLoad(path, "permission denied (the file is not readable)");
    if (errno == ELOOP) {
      return CannotLoad(path, "its symbolic links loop (too many levels of symbolic links)");
    }
    return CannotLoad(path, std::strerror(errno));
  }
  if (::fstat(fd, &st) != 0 || !RegularFile(path, st).ok() ||
      ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK) != 0) {
    const Status s = RegularFile(path, st);
    ::close(fd);
    return s.ok() ? CannotLoad(path, std::strerror(errno)) : s;
  }
  gzFile file = gzdopen(fd, "rb");
  if (file == nullptr) {
    ::close(fd);
    return CannotLoad(path, "out of memory opening the file");
  }
  gzbuffer(file, 1 << 17);
  std::unique_ptr<FileSource> source(
      new FileSource(path, fd, file, static_cast<uint64_t>(st.st_size)));
  if (st.st_size == 0) return CannotLoad(path, "the file is empty");
  // Read ahead once: a compressed file may hold no data at all, and a file
  // that is not valid gzip past its magic bytes fails here already.
  std::string first(1 << 16, '\0');
  const size_t got = source->Read(first.data(), first.size());
  if (!source->status_.ok()) return source->status_;
  if (got == 0) return CannotLoad(path, "the file is empty (it holds no data once decompressed)");
  first.resize(got);
  source->pending_ = std::move(first);
  return source;
}

size_t FileSource::Read(char* buf, size_t size) {
  if (!status_.ok()) return 0;
  if (interrupt_ != nullptr) {
    if (Status s = interrupt_->Check(); !s.ok()) {
      status_ = std::move(s);
      return 0;
    }
  }
  if (pending_pos_ < pending_.size()) {
    const size_t n = std::min(size, pending_.size() - pending_pos_);
    std::memcpy(buf, pending_.data() + pending_pos_, n);
    pending_pos_ += n;
    if (pending_pos_ == pending_.size()) pending_.clear(), pending_pos_ = 0;
    return n;
  }
  const unsigned want = static_cast<unsigned>(std::min<size_t>(size, INT_MAX));
  const int got = gzread(file_, buf, want);
  if (const z_off_t offset = gzoffset(file_); offset >= 0) {
    consumed_.store(static_cast<uint64_t>(offset), std::memory_order_relaxed);
  }
  if (got > 0 && !WithinBounds(buf, static_cast<size_t>(got))) return 0;
  if (got < 0) {
    int code = 0;
    std::string why = gzerror(file_, &code);
    if (code == Z_ERRNO) why = std::strerror(errno);
    // zlib names the stream "<fd:N>: " for a file opened by descriptor.
    if (why.rfind("<fd:", 0) == 0 && why.find(": ") != std::string::npos) {
      why = why.substr(why.find(": ") + 2);
    }
    status_ = Status::IoError(
        "cannot load '" + path_ + "': " +
        (code == Z_ERRNO ? std::string("read error: ") : std::string("corrupt gzip data: ")) + why);
    return 0;
  }
  if (got == 0) {
    // zlib reports a gzip stream cut short only through gzerror.
    int code = 0;
    std::string why = gzerror(file_, &code);
    if (why.rfind("<fd:", 0) == 0 && why.find(": ") != std::string::npos) {
      why = why.substr(why.find(": ") + 2);
    }
    if (code != Z_OK && code != Z_STREAM_END) {
      status_ = Status::IoError("cannot load '" + path_ + "': corrupt gzip data: " + why);
    }
  }
  return static_cast<size_t>(got);
}

bool FileSource::WithinBounds(const char* buf, size_t n) {
  produced_ += n;
  if (gzdirect(file_) == 0 && produced_ > kGzipFloorBytes &&
      produced_ / kMaxGzipRatio > file_size_) {
    status_ = Status::InvalidArgument(
        "cannot load '" + path_ + "': its gzip data expands to more than " +
        std::to_string(kMaxGzipRatio) + " times the file's " + std::to_string(file_size_) +
        " bytes (over " + Mebibytes(kGzipFloorBytes) +
        "), which is refused as a likely gzip bomb; decompress the file first to load it");
    return false;
  }
  const char* first = static_cast<const char*>(std::memchr(buf, '\n', n));
  if (first == nullptr) {
    line_bytes_ += n;
  } else {
    // The bytes before the first line feed end the current line; the lines
    // after it are shorter than the buffer, but for the last, which goes on.
    line_bytes_ += static_cast<uint64_t>(first - buf);
    if (line_bytes_ <= kMaxLineBytes) {
      const char* last = static_cast<const char*>(memrchr(buf, '\n', n));
      lines_ += static_cast<uint64_t>(std::count(first, buf + n, '\n'));
      line_bytes_ = static_cast<uint64_t>(buf + n - last - 1);
    }
  }
  if (line_bytes_ > kMaxLineBytes) {
    status_ = Status::InvalidArgument("cannot load '" + path_ + "': line " +
                                      std::to_string(lines_ + 1) + " is longer than " +
                                      Mebibytes(kMaxLineBytes) + ", the limit for one line");
    return false;
  }
  return true;
}

std::string FileSource::RealPath() const {
  std::error_code ec;
  const std::filesystem::path real =
      std::filesystem::read_symlink("/proc/self/fd/" + std::to_string(fd_), ec);
  return ec ? std::string() : real.string();
}

uint64_t FileSource::bytes_consumed() const { return consumed_.load(std::memory_order_relaxed); }

}  // namespace quipu::import
