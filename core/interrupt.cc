#include "core/interrupt.h"

#include <fmt/format.h>

namespace quipu {

Interrupt::Interrupt(const std::atomic<uint64_t>* generation, double time_limit_seconds)
    : generation_(generation),
      start_generation_(generation != nullptr ? generation->load() : 0),
      time_limit_seconds_(time_limit_seconds > 0 ? time_limit_seconds : 0) {
  if (time_limit_seconds_ > 0) {
    deadline_ = std::chrono::steady_clock::now() +
                std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                    std::chrono::duration<double>(time_limit_seconds_));
  }
}

Status Interrupt::Check() const {
  if (generation_ != nullptr && generation_->load(std::memory_order_relaxed) != start_generation_) {
    return Status::InvalidArgument("the statement was cancelled");
  }
  if (time_limit_seconds_ > 0 && std::chrono::steady_clock::now() > deadline_) {
    return Status::InvalidArgument(fmt::format(
        "the statement ran past its time limit of {} s (the limit 'time': :limit time SECONDS "
        "in the shell, QueryLimits::time_seconds in the API)",
        time_limit_seconds_));
  }
  return Status::Ok();
}

}  // namespace quipu
