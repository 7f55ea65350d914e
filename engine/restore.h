// RestoreBackup: a backup (Database::Backup, `backup to`) copied into a new
// database directory, opened and checked before it counts as restored.
#pragma once

#include <string>

#include "quipu/check.h"
#include "quipu/status.h"

namespace quipu::engine {

// Copies the database files of `backup` into `target`, which must not exist
// or be an empty directory (an existing database is never overwritten),
// syncs them, then opens the copy and checks it (Engine::Check). The backup
// is only read. On any failure nothing of the copy is left: `target` is as
// it was. Returns the check's report of the copy, which is clean.
Result<CheckReport> RestoreBackup(const std::string& backup, const std::string& target);

}  // namespace quipu::engine
