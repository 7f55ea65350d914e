// The numbered statement stream of the crash tests (crash_test.cc kills a
// process running it, power_loss_test.cc cuts the power under it): inserts,
// deletes of the previous insert's temporary fact, loads of 40 lines (the
// write batch) and of 2,600 lines (340 KB, the bulk path), fixed by a
// workload seed; and the check that a database holds a prefix of it, each
// statement whole.
#pragma once

#include <cstdint>
#include <string>

#include "quipu/database.h"

namespace quipu::testing {

enum class CrashKind { kInsert, kDelete, kSmallLoad, kBulkLoad };

// What statement k (k >= 1) of `workload` is.
CrashKind KindOf(uint64_t workload, uint64_t k);
// The text of statement k; a load's file is written into `dir`.
std::string CrashStatement(uint64_t workload, uint64_t k, const std::string& dir);

// What a check of a database found: it holds statements 1..n, whole, and
// `facts` facts in all.
struct CrashPrefix {
  uint64_t n = 0;
  int64_t facts = 0;
};

// Checks that `db`, known to hold statements 1..`known.n` (`known.facts`
// facts), holds 1..n for an n in [acked, acked + 1], each whole, and
// nothing after; that the facts are what 1..n make; and that
// Database::Check finds no problem. Throws std::runtime_error saying what
// is wrong. `where` starts each problem's line printed to stdout.
CrashPrefix VerifyCrashPrefix(Database* db, uint64_t workload, CrashPrefix known, uint64_t acked,
                              const std::string& where);

}  // namespace quipu::testing
