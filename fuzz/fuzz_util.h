// What the fuzz targets share: a scratch directory for the process, the seed
// database built once, and the rule that an "unexpected failure" (an
// exception the engine did not expect, turned into a Status at the API) is a
// bug the fuzzer must report, not an answer.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "quipu/database.h"

namespace quipu::fuzz {

// A directory private to this process, removed at exit; on /dev/shm when
// it is writable, so RocksDB's files cost no disk.
const std::string& ScratchDir();

// Removes `path` and everything under it; creates nothing.
void RemoveTree(const std::string& path);

// A database directory holding the seed dataset (datasets/peru_china),
// built on first use and never written afterwards; copy it before writing.
const std::string& SeedDatabase();

// Copies the seed database to `path` (replacing what is there).
void CopySeedTo(const std::string& path);

// A writable database that starts fresh (empty, or a copy of the seed
// database) every `inputs_per_copy` inputs: opening one per input costs more
// than most inputs (2 inputs a second instead of hundreds), and a batch this
// small keeps what earlier inputs wrote from changing much. A finding that
// depends on earlier inputs of its batch may not replay alone; the targets
// that use it check after every input what must hold whatever came before.
// QUIPU_FUZZ_INPUTS_PER_COPY overrides the count (1: a fresh one per input).
// Allocate it with new and never destroy it: at exit RocksDB's own static
// objects may be destroyed before a static database, and closing it then
// aborts.
class FreshDatabase {
 public:
  FreshDatabase(std::string name, bool from_seed, uint64_t inputs_per_copy);
  // The database for the next input.
  Database* Next();

 private:
  const std::string path_;
  const bool from_seed_;
  uint64_t inputs_per_copy_;
  uint64_t used_ = 0;
  std::unique_ptr<Database> db_;
};

// The limits every fuzzed statement runs under: a fuzz input must finish in
// well under libFuzzer's -timeout.
QueryLimits FuzzLimits();

// Aborts (so libFuzzer records the input) when `status` reports an
// exception that escaped the engine; any other error is a fine answer.
void CheckNotUnexpected(const Status& status, std::string_view input);

// Parses `text` as a script with fresh prefixes: whether it holds a load or
// a backup statement (which would read or write files named by the fuzzer)
// and whether it declares a prefix (which outlives the statement on its
// connection).
struct ScriptShape {
  bool names_files = false;
  bool has_prefix = false;
};
ScriptShape ShapeOf(std::string_view text);

}  // namespace quipu::fuzz
