// The per-predicate statistics (the `stats` family) held in memory: every
// statement plans with them, so reading them must not cost a RocksDB scan.
// The store loads the table when it opens and publishes a new one with each
// committed write (copy on write; predicates number in the hundreds, not the
// millions), together with the snapshot it goes with
// (RocksDbStore::Publish), so a reader's statistics are those of its
// snapshot.
#pragma once

#include <boost/container/flat_map.hpp>
#include <cstdint>

#include "storage/store.h"

namespace quipu::storage {

using StatsTable = boost::container::flat_map<uint64_t, PredicateStats>;

}  // namespace quipu::storage
