#include "tests/fault_fs.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

namespace quipu::testing {

namespace {

namespace fs = std::filesystem;

std::string Normal(const std::string& path) { return fs::path(path).lexically_normal().string(); }

std::string ParentOf(const std::string& path) {
  return fs::path(path).parent_path().lexically_normal().string();
}

// The first `limit` bytes of the file at `path` (all when nullopt).
std::string ReadPrefix(const std::string& path, std::optional<uint64_t> limit) {
  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (limit && bytes.size() > *limit) bytes.resize(*limit);
  return bytes;
}

void WriteFile(const fs::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

}  // namespace

// A file being written: appends and syncs recorded in the FaultFs.
class FaultWritableFile : public rocksdb::FSWritableFileOwnerWrapper {
 public:
  FaultWritableFile(FaultFs* fs, std::string path, std::unique_ptr<rocksdb::FSWritableFile> file)
      : rocksdb::FSWritableFileOwnerWrapper(std::move(file)), fs_(fs), path_(std::move(path)) {}

  rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& options,
                           rocksdb::IODebugContext* dbg) override {
    return Write(data.size(), [&] { return target()->Append(data, options, dbg); });
  }
  rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& options,
                           const rocksdb::DataVerificationInfo& info,
                           rocksdb::IODebugContext* dbg) override {
    return Write(data.size(), [&] { return target()->Append(data, options, info, dbg); });
  }
  rocksdb::IOStatus PositionedAppend(const rocksdb::Slice& data, uint64_t offset,
                                     const rocksdb::IOOptions& options,
                                     rocksdb::IODebugContext* dbg) override {
    return Write(
        data.size(), [&] { return target()->PositionedAppend(data, offset, options, dbg); },
        offset);
  }
  rocksdb::IOStatus PositionedAppend(const rocksdb::Slice& data, uint64_t offset,
                                     const rocksdb::IOOptions& options,
                                     const rocksdb::DataVerificationInfo& info,
                                     rocksdb::IODebugContext* dbg) override {
    return Write(
        data.size(), [&] { return target()->PositionedAppend(data, offset, options, info, dbg); },
        offset);
  }
  rocksdb::IOStatus Truncate(uint64_t size, const rocksdb::IOOptions& options,
                             rocksdb::IODebugContext* dbg) override {
    std::lock_guard<std::mutex> lock(fs_->mutex_);
    rocksdb::IOStatus s = target()->Truncate(size, options, dbg);
    if (s.ok()) {
      FaultFs::FileState& state = fs_->files_[path_];
      state.size = size;
      state.synced = std::min(state.synced, size);
    }
    return s;
  }
  rocksdb::IOStatus Sync(const rocksdb::IOOptions&, rocksdb::IODebugContext*) override {
    return RecordSync();
  }
  rocksdb::IOStatus Fsync(const rocksdb::IOOptions&, rocksdb::IODebugContext*) override {
    return RecordSync();
  }
  // sync_file_range promises nothing after a power cut: not a sync.
  rocksdb::IOStatus RangeSync(uint64_t, uint64_t, const rocksdb::IOOptions&,
                              rocksdb::IODebugContext*) override {
    return rocksdb::IOStatus::OK();
  }

 private:
  template <typename F>
  rocksdb::IOStatus Write(uint64_t bytes, F&& write, std::optional<uint64_t> offset = {}) {
    std::lock_guard<std::mutex> lock(fs_->mutex_);
    fs_->Cut();
    if (rocksdb::IOStatus s = fs_->Charge(path_, bytes); !s.ok()) return s;
    if (rocksdb::IOStatus s = fs_->Eio(IoFault::kWrite, path_, "While appending to file", true);
        !s.ok()) {
      return s;
    }
    rocksdb::IOStatus s = write();
    if (s.ok()) {
      FaultFs::FileState& state = fs_->files_[path_];
      state.size = std::max(state.size, (offset ? *offset : state.size) + bytes);
    }
    return s;
  }
  rocksdb::IOStatus RecordSync() {
    std::lock_guard<std::mutex> lock(fs_->mutex_);
    fs_->Cut();
    if (rocksdb::IOStatus s = fs_->Eio(IoFault::kWrite, path_, "While fsync", true); !s.ok()) {
      return s;
    }
    FaultFs::FileState& state = fs_->files_[path_];
    state.synced = state.size;
    return rocksdb::IOStatus::OK();
  }

  FaultFs* fs_;
  std::string path_;
};

// A file being read at offsets (table files): reads fail while SetEio says.
class FaultRandomAccessFile : public rocksdb::FSRandomAccessFileOwnerWrapper {
 public:
  FaultRandomAccessFile(FaultFs* fs, std::string path,
                        std::unique_ptr<rocksdb::FSRandomAccessFile> file)
      : rocksdb::FSRandomAccessFileOwnerWrapper(std::move(file)), fs_(fs), path_(std::move(path)) {}

  rocksdb::IOStatus Read(uint64_t offset, size_t n, const rocksdb::IOOptions& options,
                         rocksdb::Slice* result, char* scratch,
                         rocksdb::IODebugContext* dbg) const override {
    if (rocksdb::IOStatus s = Failed(offset, n); !s.ok()) return s;
    return target()->Read(offset, n, options, result, scratch, dbg);
  }
  rocksdb::IOStatus MultiRead(rocksdb::FSReadRequest* reqs, size_t num_reqs,
                              const rocksdb::IOOptions& options,
                              rocksdb::IODebugContext* dbg) override {
    for (size_t i = 0; i < num_reqs; ++i) {
      reqs[i].status =
          Read(reqs[i].offset, reqs[i].len, options, &reqs[i].result, reqs[i].scratch, dbg);
    }
    return rocksdb::IOStatus::OK();
  }
  // Read synchronously, so that the fault applies.
  rocksdb::IOStatus ReadAsync(rocksdb::FSReadRequest& req, const rocksdb::IOOptions& options,
                              std::function<void(const rocksdb::FSReadRequest&, void*)> cb,
                              void* cb_arg, void** /*io_handle*/,
                              rocksdb::IOHandleDeleter* /*del_fn*/,
                              rocksdb::IODebugContext* dbg) override {
    req.status = Read(req.offset, req.len, options, &req.result, req.scratch, dbg);
    cb(req, cb_arg);
    return rocksdb::IOStatus::OK();
  }

 private:
  rocksdb::IOStatus Failed(uint64_t offset, size_t n) const {
    return fs_->Eio(IoFault::kRead, path_,
                    "While pread offset " + std::to_string(offset) + " len " + std::to_string(n));
  }

  FaultFs* fs_;
  std::string path_;
};

// A file read from start to end (logs, the manifest): reads fail while
// SetEio says.
class FaultSequentialFile : public rocksdb::FSSequentialFileOwnerWrapper {
 public:
  FaultSequentialFile(FaultFs* fs, std::string path,
                      std::unique_ptr<rocksdb::FSSequentialFile> file)
      : rocksdb::FSSequentialFileOwnerWrapper(std::move(file)), fs_(fs), path_(std::move(path)) {}

  rocksdb::IOStatus Read(size_t n, const rocksdb::IOOptions& options, rocksdb::Slice* result,
                         char* scratch, rocksdb::IODebugContext* dbg) override {
    if (rocksdb::IOStatus s = fs_->Eio(IoFault::kRead, path_, "While reading file"); !s.ok()) {
      return s;
    }
    return target()->Read(n, options, result, scratch, dbg);
  }
  rocksdb::IOStatus PositionedRead(uint64_t offset, size_t n, const rocksdb::IOOptions& options,
                                   rocksdb::Slice* result, char* scratch,
                                   rocksdb::IODebugContext* dbg) override {
    if (rocksdb::IOStatus s = fs_->Eio(
            IoFault::kRead, path_,
            "While pread " + std::to_string(n) + " bytes from offset " + std::to_string(offset));
        !s.ok()) {
      return s;
    }
    return target()->PositionedRead(offset, n, options, result, scratch, dbg);
  }

 private:
  FaultFs* fs_;
  std::string path_;
};

// A directory: its syncs keep the names of the files in it.
class FaultDirectory : public rocksdb::FSDirectoryWrapper {
 public:
  FaultDirectory(FaultFs* fs, std::string path, std::unique_ptr<rocksdb::FSDirectory> dir)
      : rocksdb::FSDirectoryWrapper(std::move(dir)), fs_(fs), path_(std::move(path)) {}

  rocksdb::IOStatus Fsync(const rocksdb::IOOptions&, rocksdb::IODebugContext*) override {
    return RecordSync();
  }
  rocksdb::IOStatus FsyncWithDirOptions(const rocksdb::IOOptions&, rocksdb::IODebugContext*,
                                        const rocksdb::DirFsyncOptions&) override {
    return RecordSync();
  }

 private:
  rocksdb::IOStatus RecordSync() {
    std::lock_guard<std::mutex> lock(fs_->mutex_);
    fs_->Cut();
    fs_->SyncDirectory(path_);
    return rocksdb::IOStatus::OK();
  }

  FaultFs* fs_;
  std::string path_;
};

FaultFs::FaultFs() : rocksdb::FileSystemWrapper(rocksdb::FileSystem::Default()) {}

void FaultFs::SetCutHook(std::function<void()> hook) {
  std::lock_guard<std::mutex> lock(mutex_);
  cut_hook_ = std::move(hook);
}

void FaultFs::SetSpaceLeft(std::optional<uint64_t> bytes, bool reported) {
  std::lock_guard<std::mutex> lock(mutex_);
  space_left_ = bytes;
  space_reported_ = reported;
}

uint64_t FaultFs::refused_appends() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return refused_appends_;
}

void FaultFs::SetEio(IoFault op, std::function<bool(const std::string& path)> fails) {
  std::lock_guard<std::mutex> lock(mutex_);
  (op == IoFault::kRead ? read_eio_ : write_eio_) = std::move(fails);
}

uint64_t FaultFs::eio_failures() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return eio_failures_;
}

rocksdb::IOStatus FaultFs::Eio(IoFault op, const std::string& path, const std::string& what,
                               bool locked) {
  std::unique_lock<std::mutex> lock(mutex_, std::defer_lock);
  if (!locked) lock.lock();
  const auto& fails = op == IoFault::kRead ? read_eio_ : write_eio_;
  if (!fails || !fails(path)) return rocksdb::IOStatus::OK();
  ++eio_failures_;
  return rocksdb::IOStatus::IOError(what + ": " + path, "Input/output error");
}

void FaultFs::Cut() {
  if (cut_hook_) cut_hook_();
}

rocksdb::IOStatus FaultFs::Charge(const std::string& path, uint64_t bytes) {
  if (!space_left_) return rocksdb::IOStatus::OK();
  if (bytes > *space_left_) {
    ++refused_appends_;
    return rocksdb::IOStatus::NoSpace("While appending to file: " + path,
                                      "No space left on device");
  }
  *space_left_ -= bytes;
  return rocksdb::IOStatus::OK();
}

FaultFs::FileState FaultFs::StateOf(const std::string& path, const std::string& on_disk) const {
  if (auto it = files_.find(path); it != files_.end()) return it->second;
  // Written before this file system saw it, or by other means: all of it kept.
  std::error_code ec;
  const uint64_t size = fs::file_size(on_disk, ec);
  return FileState{ec ? 0 : size, ec ? 0 : size, !ec, std::nullopt};
}

void FaultFs::SyncDirectory(const std::string& dir) {
  const std::string normal = Normal(dir);
  for (auto& [path, state] : files_) {
    if (ParentOf(path) != normal) continue;
    state.name_synced = true;
    state.previous.reset();
  }
}

void FaultFs::CopyDurable(const std::string& dir, const std::string& image) const {
  std::error_code ec;
  fs::create_directories(image, ec);
  // Listed first: files written by other means (a bulk load's folder) may
  // go while this runs, which would end a directory iteration early.
  std::vector<fs::path> entries;
  for (auto it = fs::directory_iterator(dir, ec); !ec && it != fs::directory_iterator();
       it.increment(ec)) {
    entries.push_back(it->path());
  }
  for (const fs::path& entry : entries) {
    const fs::path target = fs::path(image) / entry.filename();
    if (fs::is_directory(entry, ec)) {
      CopyDurable(entry.string(), target.string());
      continue;
    }
    if (!fs::is_regular_file(entry, ec)) continue;
    auto found = files_.find(entry.lexically_normal().string());
    if (found == files_.end()) {
      WriteFile(target, ReadPrefix(entry.string(), std::nullopt));  // kept at once
    } else if (found->second.name_synced) {
      WriteFile(target, ReadPrefix(entry.string(), found->second.synced));
    } else if (found->second.previous) {
      WriteFile(target, *found->second.previous);
    }
  }
}

rocksdb::IOStatus FaultFs::NewWritableFile(const std::string& path,
                                           const rocksdb::FileOptions& options,
                                           std::unique_ptr<rocksdb::FSWritableFile>* file,
                                           rocksdb::IODebugContext* dbg) {
  std::lock_guard<std::mutex> lock(mutex_);
  Cut();
  const std::string normal = Normal(path);
  auto found = files_.find(normal);
  // A file truncated by the open keeps its name if the name was kept.
  const bool name_kept = found != files_.end() ? found->second.name_synced : fs::exists(normal);
  std::unique_ptr<rocksdb::FSWritableFile> real;
  rocksdb::IOStatus s = target()->NewWritableFile(path, options, &real, dbg);
  if (!s.ok()) return s;
  files_[normal] = FileState{0, 0, name_kept, std::nullopt};
  *file = std::make_unique<FaultWritableFile>(this, normal, std::move(real));
  return s;
}

rocksdb::IOStatus FaultFs::ReopenWritableFile(const std::string& path,
                                              const rocksdb::FileOptions& options,
                                              std::unique_ptr<rocksdb::FSWritableFile>* file,
                                              rocksdb::IODebugContext* dbg) {
  std::lock_guard<std::mutex> lock(mutex_);
  Cut();
  const std::string normal = Normal(path);
  files_[normal] = StateOf(normal, normal);
  std::unique_ptr<rocksdb::FSWritableFile> real;
  rocksdb::IOStatus s = target()->ReopenWritableFile(path, options, &real, dbg);
  if (!s.ok()) return s;
  *file = std::make_unique<FaultWritableFile>(this, normal, std::move(real));
  return s;
}

rocksdb::IOStatus FaultFs::ReuseWritableFile(const std::string& path, const std::string& old_path,
                                             const rocksdb::FileOptions& options,
                                             std::unique_ptr<rocksdb::FSWritableFile>* file,
                                             rocksdb::IODebugContext* dbg) {
  std::lock_guard<std::mutex> lock(mutex_);
  Cut();
  std::unique_ptr<rocksdb::FSWritableFile> real;
  rocksdb::IOStatus s = target()->ReuseWritableFile(path, old_path, options, &real, dbg);
  if (!s.ok()) return s;
  files_.erase(Normal(old_path));
  files_[Normal(path)] = FileState{};
  *file = std::make_unique<FaultWritableFile>(this, Normal(path), std::move(real));
  return s;
}

rocksdb::IOStatus FaultFs::NewRandomAccessFile(const std::string& path,
                                               const rocksdb::FileOptions& options,
                                               std::unique_ptr<rocksdb::FSRandomAccessFile>* file,
                                               rocksdb::IODebugContext* dbg) {
  std::unique_ptr<rocksdb::FSRandomAccessFile> real;
  rocksdb::IOStatus s = target()->NewRandomAccessFile(path, options, &real, dbg);
  if (!s.ok()) return s;
  *file = std::make_unique<FaultRandomAccessFile>(this, Normal(path), std::move(real));
  return s;
}

rocksdb::IOStatus FaultFs::NewSequentialFile(const std::string& path,
                                             const rocksdb::FileOptions& options,
                                             std::unique_ptr<rocksdb::FSSequentialFile>* file,
                                             rocksdb::IODebugContext* dbg) {
  std::unique_ptr<rocksdb::FSSequentialFile> real;
  rocksdb::IOStatus s = target()->NewSequentialFile(path, options, &real, dbg);
  if (!s.ok()) return s;
  *file = std::make_unique<FaultSequentialFile>(this, Normal(path), std::move(real));
  return s;
}

rocksdb::IOStatus FaultFs::NewDirectory(const std::string& path, const rocksdb::IOOptions& options,
                                        std::unique_ptr<rocksdb::FSDirectory>* dir,
                                        rocksdb::IODebugContext* dbg) {
  std::unique_ptr<rocksdb::FSDirectory> real;
  rocksdb::IOStatus s = target()->NewDirectory(path, options, &real, dbg);
  if (!s.ok()) return s;
  *dir = std::make_unique<FaultDirectory>(this, Normal(path), std::move(real));
  return s;
}

rocksdb::IOStatus FaultFs::DeleteFile(const std::string& path, const rocksdb::IOOptions& options,
                                      rocksdb::IODebugContext* dbg) {
  std::lock_guard<std::mutex> lock(mutex_);
  Cut();
  rocksdb::IOStatus s = target()->DeleteFile(path, options, dbg);
  if (s.ok()) files_.erase(Normal(path));
  return s;
}

rocksdb::IOStatus FaultFs::RenameFile(const std::string& from, const std::string& to,
                                      const rocksdb::IOOptions& options,
                                      rocksdb::IODebugContext* dbg) {
  std::lock_guard<std::mutex> lock(mutex_);
  Cut();
  const std::string source = Normal(from), target_path = Normal(to);
  // What `to` holds after a cut before its directory is synced.
  std::optional<std::string> previous;
  if (auto old = files_.find(target_path); old != files_.end()) {
    if (old->second.name_synced) {
      previous = ReadPrefix(target_path, old->second.synced);
    } else {
      previous = old->second.previous;
    }
  } else if (fs::exists(target_path)) {
    previous = ReadPrefix(target_path, std::nullopt);
  }
  rocksdb::IOStatus s = target()->RenameFile(from, to, options, dbg);
  if (!s.ok()) return s;
  FileState moved = StateOf(source, target_path);
  files_.erase(source);
  moved.name_synced = false;
  moved.previous = std::move(previous);
  files_[target_path] = std::move(moved);
  return s;
}

rocksdb::IOStatus FaultFs::LinkFile(const std::string& from, const std::string& to,
                                    const rocksdb::IOOptions& options,
                                    rocksdb::IODebugContext* dbg) {
  std::lock_guard<std::mutex> lock(mutex_);
  Cut();
  rocksdb::IOStatus s = target()->LinkFile(from, to, options, dbg);
  if (!s.ok()) return s;
  FileState linked = StateOf(Normal(from), Normal(to));
  linked.name_synced = false;
  linked.previous.reset();
  files_[Normal(to)] = std::move(linked);
  return s;
}

rocksdb::IOStatus FaultFs::GetFreeSpace(const std::string& path, const rocksdb::IOOptions& options,
                                        uint64_t* free, rocksdb::IODebugContext* dbg) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (space_left_ && space_reported_) {
      *free = *space_left_;
      return rocksdb::IOStatus::OK();
    }
  }
  return target()->GetFreeSpace(path, options, free, dbg);
}

std::unique_ptr<rocksdb::Env> NewFaultEnv(const std::shared_ptr<FaultFs>& fs) {
  return rocksdb::NewCompositeEnv(fs);
}

}  // namespace quipu::testing
