// ProgressBar: a one-line load progress display for a terminal (the phase,
// bytes, facts per second and the parse's time left; after parsing, the
// phase and the time so far). Silent for loads under a second, redrawn at
// most ten times a second and as each phase begins; the shell erases it when
// the statement ends.
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
  // "[#####               ]  25%  parse  20.0/80.0 MiB  250000 facts  120k facts/s  parse ETA 3 s",
  // "[####################] 100%  sort  80.0/80.0 MiB  1000000 facts  9 s".
  static std::string Render(const LoadProgress& progress);

 private:
  std::ostream& out_;
  RunningNotice* notice_ = nullptr;
  bool shown_ = false;
  double last_drawn_ = 0;
  LoadPhase last_phase_ = LoadPhase::kParse;
};

}  // namespace quipu::repl
