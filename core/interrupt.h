// Interrupt: what stops a running statement before its end, other than its
// own errors: a cancel from another thread (Database::Cancel) or its time
// limit (QueryLimits::time_seconds). Made once when the statement starts and
// passed down whole, so every layer that loops (operators, path searches,
// procedures, loaders) checks the same two things.
//
// Thread-safety: Check may be called from any thread; the generation counter
// is the only shared state.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

#include "quipu/status.h"

namespace quipu {

class Interrupt {
 public:
  // Never interrupts.
  Interrupt() = default;
  // Interrupts once *generation moves past the value it has now (Cancel()
  // increments it), or `time_limit_seconds` after now (0: no time limit).
  // `generation` may be null: no cancel.
  Interrupt(const std::atomic<uint64_t>* generation, double time_limit_seconds);

  // "the statement was cancelled", the time limit's error, or Ok.
  Status Check() const;

  double time_limit_seconds() const { return time_limit_seconds_; }

 private:
  const std::atomic<uint64_t>* generation_ = nullptr;
  uint64_t start_generation_ = 0;
  std::chrono::steady_clock::time_point deadline_{};  // the epoch: none
  double time_limit_seconds_ = 0;
};

}  // namespace quipu
