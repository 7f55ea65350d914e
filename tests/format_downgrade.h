// Rewrites a current database the way older formats laid it out, for the
// upgrade tests (tests/storage_format_test.cc, storage_name_index_test.cc).
#pragma once

#include <rocksdb/db.h>

#include <functional>
#include <map>
#include <string>

namespace quipu::testing {

struct DowngradeOptions {
  int version = 2;  // 1 to 4: the format_version written
  // Format 1 only: leave a `names` family holding a stray key, as an upgrade
  // to format 2 that crashed leaves it.
  bool leftover_names = false;
  // Formats 1 and 2: leave an `annotations` family holding a stray key, as
  // an upgrade to format 3 that crashed before its version was stored
  // leaves it.
  bool leftover_annotations = false;
  // Leave the format-4 families holding stray keys, as an upgrade to format
  // 4 that crashed before its version was stored leaves them.
  bool leftover_lists = false;
};

// The database's families by name, opened raw (default options).
using RawFamilies = std::map<std::string, rocksdb::ColumnFamilyHandle*>;

// Opens every family of the database at `path` with RocksDB alone, runs
// `edit` on them and closes it (handles `edit` creates it destroys itself).
void EditRaw(const std::string& path,
             const std::function<void(rocksdb::DB* raw, const RawFamilies& families)>& edit);

// Cuts every stats record to format 4's three counts (24 bytes); for format
// 4 that is all, and writes the version. Otherwise also rewrites the lists
// as the format-3 families `spo`, `pos`, `osp` (a key per
// fact) and `annotations` (a key per instance, pos order, bare ones too) and
// drops the format-4 families; for formats 1 and 2 moves the instances into
// a family `instances` keyed in spo order and drops `annotations`; drops
// `names` for format 1; writes the format version. Leftovers as the options
// say.
void DowngradeDatabase(const std::string& path, const DowngradeOptions& options);

}  // namespace quipu::testing
