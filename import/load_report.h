// LoadReport: the bad records of one load. Without `on error skip` the first
// error ends the load (and nothing of it is kept); with it, bad records are
// counted, the first few kept with their positions, and the load goes on.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "quipu/status.h"

namespace quipu::import {

struct LoadReport {
  static constexpr size_t kMaxReported = 5;

  bool skip_errors = false;
  uint64_t skipped = 0;
  std::vector<std::string> first_errors;  // "FILE:LINE:COLUMN: message"

  // Records an error at a position in the file. Returns it as a failure
  // unless errors are skipped.
  Status Fail(std::string positioned) {
    if (!skip_errors) return Status::InvalidArgument(std::move(positioned));
    ++skipped;
    if (first_errors.size() < kMaxReported) first_errors.push_back(std::move(positioned));
    return Status::Ok();
  }
};

inline std::string Position(const std::string& path, uint64_t line, uint64_t column) {
  return path + ":" + std::to_string(line) + ":" + std::to_string(column) + ": ";
}

}  // namespace quipu::import
