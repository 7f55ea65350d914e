// Progress of a running load, for progress displays.
#pragma once

#include <cstdint>

namespace quipu {

// How far a running load is, for progress displays.
struct LoadProgress {
  uint64_t bytes_read = 0;   // of the file (compressed bytes for .gz)
  uint64_t total_bytes = 0;  // the file's size on disk
  uint64_t facts = 0;        // facts read so far
  double seconds = 0;        // since the load started
};

}  // namespace quipu
