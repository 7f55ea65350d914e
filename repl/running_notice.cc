#include "repl/running_notice.h"

#include <fmt/format.h>

namespace quipu::repl {

RunningNotice::RunningNotice(std::ostream& out, std::chrono::milliseconds after)
    : out_(out), after_(after), thread_([this] { Run(); }) {}

RunningNotice::~RunningNotice() {
  Stop();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    quit_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

std::string RunningNotice::Render(int64_t seconds) {
  return fmt::format("running for {} s; Ctrl-C cancels", seconds);
}

void RunningNotice::Start() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    running_ = true;
    ++generation_;
    started_ = std::chrono::steady_clock::now();
  }
  changed_.notify_all();
}

void RunningNotice::Stop() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!running_) return;
  running_ = false;
  ++generation_;
  if (shown_) out_ << "\r\033[K" << std::flush;
  shown_ = false;
}

bool RunningNotice::shown() {
  std::lock_guard<std::mutex> lock(mutex_);
  return shown_;
}

void RunningNotice::Run() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!quit_) {
    if (!running_) {
      changed_.wait(lock);
      continue;
    }
    // The next whole second past `after_`, for the statement running now.
    const uint64_t generation = generation_;
    const auto elapsed = std::chrono::steady_clock::now() - started_;
    auto due = started_ + after_;
    if (elapsed >= after_) {
      due = started_ + std::chrono::duration_cast<std::chrono::seconds>(elapsed) +
            std::chrono::seconds(1);
    }
    if (changed_.wait_until(lock, due, [&] { return quit_ || generation_ != generation; })) {
      continue;
    }
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(
                             std::chrono::steady_clock::now() - started_)
                             .count();
    out_ << "\r" << Render(seconds) << "\033[K" << std::flush;
    shown_ = true;
  }
}

}  // namespace quipu::repl
