#include "engine/restore.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <vector>

#include "engine/engine.h"
#include "storage/rocksdb_store.h"

namespace quipu::engine {
namespace {

namespace fs = std::filesystem;

// What a database directory holds that is not its data: the lock and the
// info log (RocksDB writes LOG, and LOG.old.* when it rotates).
bool NotData(const std::string& name) { return name == "LOCK" || name.rfind("LOG", 0) == 0; }

// fsync of a file or a directory; errno's text on failure, else empty.
std::string SyncPath(const fs::path& path, bool directory) {
  const int fd = ::open(path.c_str(), (directory ? O_RDONLY | O_DIRECTORY : O_RDONLY) | O_CLOEXEC);
  if (fd < 0) return std::strerror(errno);
  const int synced = ::fsync(fd);
  const int saved = errno;
  ::close(fd);
  return synced == 0 ? std::string() : std::strerror(saved);
}

// Undoes a restore that failed: removes what it put in `target`, and
// `target` itself when the restore created it.
void RemoveCopy(const fs::path& target, bool created) {
  std::error_code ec;
  if (created) {
    fs::remove_all(target, ec);
    return;
  }
  for (const auto& entry : fs::directory_iterator(target, ec)) fs::remove_all(entry.path(), ec);
}

// The backup's data files, after checking that it is a database directory
// that no process has open.
Result<std::vector<fs::path>> BackupFiles(const std::string& backup) {
  const std::string context = "cannot restore from '" + backup + "'";
  std::error_code ec;
  const fs::file_status st = fs::status(backup, ec);
  if (!fs::exists(st)) return Status::NotFound(context + ": no such directory");
  if (!fs::is_directory(st)) {
    return Status::InvalidArgument(context + ": it is a file, not a directory");
  }
  if (!fs::exists(fs::path(backup) / "CURRENT", ec)) {
    return Status::InvalidArgument(context + ": it holds no database (no CURRENT file)");
  }
  // A backup opened as a database may be changing under the copy.
  if (const std::string holder = storage::LockHolder(backup); !holder.empty()) {
    return Status::IoError(context + ": it is open in another process (" + holder +
                           "); close it first");
  }
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(backup, ec)) {
    // Only regular files: a database keeps no subdirectory but those of a
    // bulk load that never ended, which its next open removes anyway.
    if (entry.is_regular_file(ec) && !NotData(entry.path().filename().string())) {
      files.push_back(entry.path());
    }
  }
  if (ec) return Status::IoError(context + ": cannot list it: " + ec.message());
  return files;
}

}  // namespace

Result<CheckReport> RestoreBackup(const std::string& backup, const std::string& target) {
  if (backup.empty()) return Status::InvalidArgument("cannot restore: the backup's name is empty");
  if (target.empty()) {
    return Status::InvalidArgument("cannot restore: the database directory's name is empty");
  }
  Result<std::vector<fs::path>> files = BackupFiles(backup);
  if (!files.ok()) return files.status();
  const std::string context = "cannot restore '" + backup + "' into '" + target + "'";
  std::error_code ec;
  const fs::file_status st = fs::status(target, ec);
  const bool created = !fs::exists(st);
  if (!created) {
    if (!fs::is_directory(st)) {
      return Status::InvalidArgument(context + ": it is a file, not a directory");
    }
    if (!fs::is_empty(target, ec)) {
      return Status::InvalidArgument(context +
                                     ": the directory is not empty (restore into a new or "
                                     "empty directory; an existing database is never "
                                     "overwritten)");
    }
  } else if (fs::create_directories(target, ec); ec) {
    return Status::IoError(context + ": cannot create it: " + ec.message());
  }
  auto fail = [&](Status status) {
    RemoveCopy(target, created);
    return status;
  };
  // Copies, not hard links: the backup must outlive whatever happens to
  // the restored database, and a link would share the disk's blocks.
  for (const fs::path& file : *files) {
    const fs::path to = fs::path(target) / file.filename();
    if (fs::copy_file(file, to, ec); ec) {
      return fail(Status::IoError(
          fmt::format("{}: cannot copy '{}': {}", context, file.string(), ec.message())));
    }
    if (std::string error = SyncPath(to, /*directory=*/false); !error.empty()) {
      return fail(
          Status::IoError(fmt::format("{}: cannot sync '{}': {}", context, to.string(), error)));
    }
  }
  if (std::string error = SyncPath(target, /*directory=*/true); !error.empty()) {
    return fail(Status::IoError(fmt::format("{}: cannot sync it: {}", context, error)));
  }
  CheckReport report;
  {
    DatabaseOptions options;
    options.create_if_missing = false;
    Result<std::unique_ptr<Engine>> copy = Engine::Open(target, options);
    if (!copy.ok()) {
      return fail(Status::InvalidArgument(context +
                                          ": the copy does not open: " + copy.status().message()));
    }
    Result<CheckReport> checked = (*copy)->Check();
    if (!checked.ok()) {
      return fail(
          Status::IoError(context + ": the copy cannot be checked: " + checked.status().message()));
    }
    report = std::move(*checked);
  }  // closed before it is removed
  if (!report.ok()) {
    return fail(Status::Corruption(
        fmt::format("{}: the backup does not check clean: {} problem{}, the first: {}", context,
                    report.problem_count, report.problem_count == 1 ? "" : "s",
                    report.problems.empty() ? std::string() : report.problems.front())));
  }
  return report;
}

}  // namespace quipu::engine
