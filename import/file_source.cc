#include "import/file_source.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>

namespace quipu::import {
namespace {

Status CannotLoad(const std::string& path, const std::string& why, bool missing = false) {
  const std::string msg = "cannot load '" + path + "': " + why;
  return missing ? Status::NotFound(msg) : Status::IoError(msg);
}

}  // namespace

FileSource::FileSource(std::string path, gzFile file, uint64_t size)
    : path_(std::move(path)), file_(file), file_size_(size) {}

FileSource::~FileSource() {
  if (file_ != nullptr) gzclose(file_);
}

Result<std::unique_ptr<FileSource>> FileSource::Open(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT || errno == ENOTDIR) return CannotLoad(path, "no such file", true);
    return CannotLoad(path, std::strerror(errno));
  }
  if (S_ISDIR(st.st_mode)) return CannotLoad(path, "it is a directory, not a file");
  if (!S_ISREG(st.st_mode)) return CannotLoad(path, "it is not a regular file");
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == EACCES) return CannotLoad(path, "permission denied (the file is not readable)");
    return CannotLoad(path, std::strerror(errno));
  }
  gzFile file = gzdopen(fd, "rb");
  if (file == nullptr) {
    ::close(fd);
    return CannotLoad(path, "out of memory opening the file");
  }
  gzbuffer(file, 1 << 17);
  std::unique_ptr<FileSource> source(new FileSource(path, file, static_cast<uint64_t>(st.st_size)));
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

uint64_t FileSource::bytes_consumed() const { return consumed_.load(std::memory_order_relaxed); }

}  // namespace quipu::import
