// Progress of a running load, for progress displays.
#pragma once

#include <cstdint>

namespace quipu {

// What a load is doing. Reading the file is most of a small load; a large
// one (the bulk path) then sorts its facts for each index, writes them as
// SST files and has RocksDB ingest them, which can take as long again
// without reading a byte.
enum class LoadPhase : uint8_t {
  kParse,   // reading and parsing the file
  kSort,    // sorting the facts for each index (large files)
  kWrite,   // writing the sorted facts (SST files, or the write batch)
  kIngest,  // RocksDB taking the SST files in (large files)
};

// The phase's name as progress displays show it: parse, sort, write, ingest.
inline const char* LoadPhaseName(LoadPhase phase) {
  switch (phase) {
    case LoadPhase::kParse:
      return "parse";
    case LoadPhase::kSort:
      return "sort";
    case LoadPhase::kWrite:
      return "write";
    case LoadPhase::kIngest:
      return "ingest";
  }
  return "";
}

// How far a running load is, for progress displays. A handler is called
// about every thousand facts while the file is parsed, and once as each
// later phase begins.
struct LoadProgress {
  uint64_t bytes_read = 0;   // of the file (compressed bytes for .gz)
  uint64_t total_bytes = 0;  // the file's size on disk
  uint64_t facts = 0;        // facts read so far
  double seconds = 0;        // since the load started
  LoadPhase phase = LoadPhase::kParse;
};

}  // namespace quipu
