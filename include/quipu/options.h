// Options of a database and the limits of its statements.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "quipu/export.h"
#include "quipu/status.h"

namespace quipu {

// The default statement memory budget: half of the physical memory or of the
// process's cgroup memory limit, whichever is smaller; 4 GiB when neither
// can be read. Half, so that RocksDB's caches, the rows a caller holds and
// a second statement still fit before the kernel's OOM killer acts.
QUIPU_EXPORT uint64_t DefaultMemoryBudget();

// Parses a size for QueryLimits::memory_bytes: a whole or decimal number
// with an optional unit, "512MB", "1.5 GiB", "4096" (bytes). kB, MB, GB, TB
// are powers of 1000 and KiB, MiB, GiB, TiB (or K, M, G, T) powers of 1024,
// as in DuckDB; case does not matter. "0" or "none": no budget.
QUIPU_EXPORT Result<uint64_t> ParseMemorySize(std::string_view text);
// For people: "256 MiB", "1.5 GiB", "800 bytes"; 0 is "none".
QUIPU_EXPORT std::string FormatMemorySize(uint64_t bytes);

// Bounds on one statement; past one it stops with an error naming the limit.
struct QueryLimits {
  // Seconds a reading statement (match, explain why, the match of set) may
  // run. 0, the default: no limit. Loads are not bounded by it.
  double time_seconds = 0;
  // Search states a variable-length pattern may visit in one statement
  // (docs/language.md, "Paths"). Default: 10,000,000. 0: no limit.
  uint64_t path_states = 10'000'000;
  // Bytes the state of one statement may take: hash join build sides,
  // groups, sorted and distinct rows, computed values, path searches, the
  // result rows (estimates; see docs/language.md, "Limits"). Past it the
  // statement stops with an error naming the operator; nothing spills to
  // disk. Default: DefaultMemoryBudget(). 0: no budget.
  uint64_t memory_bytes = DefaultMemoryBudget();
  // Rows a statement may return; one more fails the statement (it is not
  // cut short: add `limit N` to the query for the first N). Default: 0,
  // no limit.
  uint64_t max_result_rows = 0;

  // Parser limits: what the text of one statement may hold, so hostile text
  // gets an error instead of exhausting memory or the stack.
  //
  // Bytes of one statement: all the text given to Execute or Prepare; in a
  // script, a statement from its first word to its end. Default: 1 MiB
  // (1,048,576). 0: no limit.
  uint64_t statement_bytes = uint64_t{1} << 20;
  // How deep operands may nest: each bracket, list, map, function call, case,
  // exists and `not` opens a level, and so does each operator of a chain such
  // as a or b or c. Default: 256. 0: no limit (the stack of the thread that
  // runs the statement is the limit then, and past it the process crashes).
  uint32_t nesting_depth = 256;
};

// When a write statement's success is reported, relative to the disk.
enum class Durability {
  // Its write-ahead log is synced (fsync) before the statement returns: a
  // statement reported committed survives a power cut or a crash of the
  // machine. Writes run one at a time, so each pays one sync (about a
  // millisecond on an SSD; docs/benchmarks.md, "Durability").
  kSynced,
  // The log is written but not synced: a crash of the process loses
  // nothing, a crash of the machine may lose the last statements reported
  // committed (never part of one). Many times more small writes a second.
  kRelaxed,
};

// "synced" or "relaxed" (any case); the error names both.
QUIPU_EXPORT Result<Durability> ParseDurability(std::string_view text);
QUIPU_EXPORT const char* DurabilityName(Durability durability);

struct DatabaseOptions {
  // Bytes of the cache of decompressed storage blocks, shared by all of the
  // database's indexes: reads that find their blocks there skip the disk
  // and the decompression. Memory is taken as blocks are read, up to this.
  // Default: a quarter of DefaultMemoryBudget() (an eighth of the memory).
  uint64_t cache_bytes = DefaultMemoryBudget() / 4;
  // Open without taking the write lock; writes are refused. Default: false.
  bool read_only = false;
  // Create the directory and an empty database when absent. Default: true.
  bool create_if_missing = true;
  // Whether a write statement is synced to the disk before it reports
  // success (above); a load is one write, synced once at its end. Default:
  // kSynced.
  Durability durability = Durability::kSynced;
  QueryLimits limits;
  // When not empty, `load` reads only files inside these directories (and
  // their subdirectories), judged after resolving symbolic links and `..`;
  // any other path is refused. For embedding with untrusted statements.
  // Default: empty, any file the process can read.
  std::vector<std::string> load_directories;
  // Called while a database of an older on-disk format is upgraded by this
  // open (docs/format.md, "Versions"), with the facts done and the facts in
  // all, about every 100,000 facts. Default: empty, nothing reported.
  std::function<void(uint64_t facts_done, uint64_t facts_total)> upgrade_progress;
};

}  // namespace quipu
