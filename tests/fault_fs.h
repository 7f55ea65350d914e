// A RocksDB file system for tests that simulates what the disk keeps
// (after the idea of RocksDB's FaultInjectionTestFS, which Debian's library
// does not ship): it passes every operation to the real file system and
// records, per file written through it, how many bytes were synced and
// whether its directory entry was synced; CopyDurable then writes what a
// power cut at that moment would leave. It can also fail appends with
// ENOSPC past a byte budget (a full disk), and reads or writes of chosen
// files with EIO (a failing disk).
//
// What a power cut keeps, as modelled here (the usual assumptions of the
// ALICE and CrashMonkey studies for ext4 in ordered mode, simplified):
//   - of a file written through this file system, its bytes up to its last
//     Sync or Fsync (later appends are lost whole); a file never synced is
//     empty;
//   - a file created or linked keeps its name only once its directory was
//     synced after that; before, it is gone;
//   - a rename is kept once the directory is synced; before, the target
//     holds what it held (a file that did not exist is gone);
//   - deletions, directories created and files written by other means
//     (std::ofstream, std::filesystem) are kept at once.
// Syncs are recorded, not performed: the real disk's durability does not
// matter to the model, and the tests run faster.
//
// Thread-safety: every operation that changes a file takes one mutex, so
// the model and the files agree at each cut; RocksDB's threads call it
// concurrently.
#pragma once

#include <rocksdb/env.h>
#include <rocksdb/file_system.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace quipu::testing {

// What an EIO fault fails: reads (of open files, random or sequential), or
// writes (appends and syncs).
enum class IoFault : uint8_t { kRead, kWrite };

class FaultFs : public rocksdb::FileSystemWrapper {
 public:
  FaultFs();
  const char* Name() const override { return "QuipuFaultFs"; }

  // Called before each operation that changes a file (an append, a sync, a
  // creation, a rename, a link, a deletion, a directory sync), with the
  // mutex held: the place to call CopyDurable. Empty: none.
  void SetCutHook(std::function<void()> hook);
  // Writes into the new directory `image` what the directory `dir` (and its
  // subdirectories) would hold after a power cut now.
  // REQUIRES: called from the cut hook.
  void CopyDurable(const std::string& dir, const std::string& image) const;
  // Appends that would take more than `bytes` more in all fail with
  // ENOSPC (rocksdb::IOStatus::NoSpace, as the POSIX file system reports
  // it), and GetFreeSpace reports what is left of them; nullopt: no budget.
  // With `reported` false, GetFreeSpace reports the real disk's instead:
  // a disk that fills between a check of the free space and the write.
  void SetSpaceLeft(std::optional<uint64_t> bytes, bool reported = true);
  // Appends refused for want of space so far.
  uint64_t refused_appends() const;
  // From now on, `op` on every file whose (normalised) path `fails` holds
  // fails with EIO, in the words of RocksDB's POSIX file system ("While
  // appending to file: PATH: Input/output error"); null lifts the fault.
  // Files opened before are affected too.
  void SetEio(IoFault op, std::function<bool(const std::string& path)> fails);
  // Operations failed with EIO so far.
  uint64_t eio_failures() const;

  rocksdb::IOStatus NewWritableFile(const std::string& path, const rocksdb::FileOptions& options,
                                    std::unique_ptr<rocksdb::FSWritableFile>* file,
                                    rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus ReopenWritableFile(const std::string& path, const rocksdb::FileOptions& options,
                                       std::unique_ptr<rocksdb::FSWritableFile>* file,
                                       rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus ReuseWritableFile(const std::string& path, const std::string& old_path,
                                      const rocksdb::FileOptions& options,
                                      std::unique_ptr<rocksdb::FSWritableFile>* file,
                                      rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus NewRandomAccessFile(const std::string& path,
                                        const rocksdb::FileOptions& options,
                                        std::unique_ptr<rocksdb::FSRandomAccessFile>* file,
                                        rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus NewSequentialFile(const std::string& path, const rocksdb::FileOptions& options,
                                      std::unique_ptr<rocksdb::FSSequentialFile>* file,
                                      rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus NewDirectory(const std::string& path, const rocksdb::IOOptions& options,
                                 std::unique_ptr<rocksdb::FSDirectory>* dir,
                                 rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus DeleteFile(const std::string& path, const rocksdb::IOOptions& options,
                               rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus RenameFile(const std::string& from, const std::string& to,
                               const rocksdb::IOOptions& options,
                               rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus LinkFile(const std::string& from, const std::string& to,
                             const rocksdb::IOOptions& options,
                             rocksdb::IODebugContext* dbg) override;
  // The budget of SetSpaceLeft when there is one; the real disk's otherwise.
  rocksdb::IOStatus GetFreeSpace(const std::string& path, const rocksdb::IOOptions& options,
                                 uint64_t* free, rocksdb::IODebugContext* dbg) override;

 private:
  friend class FaultWritableFile;
  friend class FaultDirectory;
  friend class FaultRandomAccessFile;
  friend class FaultSequentialFile;

  struct FileState {
    uint64_t size = 0;                    // bytes written through this file system
    uint64_t synced = 0;                  // of them, up to the last sync
    bool name_synced = false;             // its directory was synced since it got its name
    std::optional<std::string> previous;  // a rename's target as it was, until then
  };

  // The state of the file `path`, or, when none is recorded, of one kept
  // whole: the file now at `on_disk` (the same path, or where a rename or
  // link put it). REQUIRES: mutex_ held.
  FileState StateOf(const std::string& path, const std::string& on_disk) const;
  // Calls the cut hook. REQUIRES: mutex_ held.
  void Cut();
  // The states of the files named in directory `dir`: their names are kept.
  void SyncDirectory(const std::string& dir);
  void Appended(const std::string& path, uint64_t end);
  void Synced(const std::string& path);
  // ENOSPC for an append of `bytes` past the budget; OK (and the budget
  // charged) otherwise. REQUIRES: mutex_ held.
  rocksdb::IOStatus Charge(const std::string& path, uint64_t bytes);
  // EIO for `op` on `path` when SetEio says so; OK otherwise. `what` begins
  // the message, as RocksDB's: "While appending to file", "While pread
  // offset 0 len 4096". Takes the mutex unless `locked`.
  rocksdb::IOStatus Eio(IoFault op, const std::string& path, const std::string& what,
                        bool locked = false);

  mutable std::mutex mutex_;
  std::function<void()> cut_hook_;
  std::map<std::string, FileState> files_;  // by normalised path
  std::optional<uint64_t> space_left_;
  bool space_reported_ = true;
  uint64_t refused_appends_ = 0;
  std::function<bool(const std::string&)> read_eio_, write_eio_;  // SetEio's
  uint64_t eio_failures_ = 0;
};

// An Env that reaches files through `fs` (and is otherwise the default).
std::unique_ptr<rocksdb::Env> NewFaultEnv(const std::shared_ptr<FaultFs>& fs);

}  // namespace quipu::testing
