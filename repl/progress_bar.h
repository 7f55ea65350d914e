// ProgressBar: a one-line load progress display for a terminal (bytes,
// facts per second, time left). Silent for loads under a second, redrawn at
// most ten times a second; the shell erases it when the statement ends.
#pragma once

#include <ostream>

#include "quipu/database.h"
#include "repl/running_notice.h"

namespace quipu::repl {

class ProgressBar {
 public:
  explicit ProgressBar(std::ostream& out) : out_(out) {}

  void Update(const LoadProgress& progress);
  // A bar drawn stops `notice`: a load shows its progress instead.
  void set_running_notice(RunningNotice* notice) { notice_ = notice; }
  // Erases the bar if one is shown.
  void Clear();

  // The bar's text for `progress` (no carriage return), e.g.
  // "[#####               ]  25%  20.0/80.0 MiB  250,000 facts  120k facts/s  ETA 3 s".
  static std::string Render(const LoadProgress& progress);

 private:
  std::ostream& out_;
  RunningNotice* notice_ = nullptr;
  bool shown_ = false;
  double last_drawn_ = 0;
};

}  // namespace quipu::repl
