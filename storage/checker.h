// The consistency checker behind Database::Check, `quipu --check` and the
// shell's :check. It reads one snapshot of every column family and verifies
// the invariants docs/format.md states:
//   - spo, pos and osp hold the same triples, every key well formed;
//   - every triple has at least one instance and every instance a triple;
//     an instance's key hash is the hash of its annotations;
//   - term2id and id2term are inverse maps, every id decodes, the next_id
//     sequences are past every id handed out, and every id a fact or an
//     annotation uses has its dictionary entry;
//   - every stats record equals the recount of its predicate's facts,
//     subjects, objects and squared-degree sums, and exactly the predicates
//     with facts have one;
//   - names holds exactly the entries of the stored name facts.
// Disagreements go into the report as problems; a failure to read is the
// returned Status.
#pragma once

#include <rocksdb/db.h>

#include <vector>

#include "quipu/check.h"
#include "quipu/status.h"

namespace quipu::storage {

// REQUIRES: `families` are the handles in Family order (a null kNames handle
// means the family is absent), `snapshot` belongs to `db`. `legacy_stats`:
// the records are format 4's (24 bytes, no squared degrees; a format-4
// database opened read-only).
Status CheckRocksDb(rocksdb::DB* db, const std::vector<rocksdb::ColumnFamilyHandle*>& families,
                    const rocksdb::Snapshot* snapshot, CheckReport* report,
                    bool legacy_stats = false);

}  // namespace quipu::storage
