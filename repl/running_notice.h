// RunningNotice: tells a person at a terminal that a statement has been
// running for a while and that Ctrl-C cancels it. Silent for the first
// `after` seconds, then one line on `out` ("running for 3 s; Ctrl-C
// cancels"), redrawn each second; Stop() erases it. The statement blocks the
// shell's thread, so a thread of the notice's own draws it.
//
// Thread-safety: Start() and Stop() may be called from any thread; the
// notice writes to `out` only under its mutex, between them.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <ostream>
#include <string>
#include <thread>

namespace quipu::repl {

class RunningNotice {
 public:
  explicit RunningNotice(std::ostream& out, std::chrono::milliseconds after = kDefaultAfter);
  ~RunningNotice();  // erases the notice and joins its thread
  RunningNotice(const RunningNotice&) = delete;
  RunningNotice& operator=(const RunningNotice&) = delete;

  static constexpr std::chrono::milliseconds kDefaultAfter{2000};

  // A statement starts now.
  void Start();
  // It ended: erases the notice if it is shown. Does nothing when stopped.
  void Stop();

  // Whether the notice is on the screen now.
  bool shown();

  // The notice's text after `seconds` (no carriage return).
  static std::string Render(int64_t seconds);

 private:
  void Run();

  std::ostream& out_;
  const std::chrono::milliseconds after_;
  std::mutex mutex_;
  std::condition_variable changed_;
  bool running_ = false;  // between Start and Stop
  bool shown_ = false;
  bool quit_ = false;
  uint64_t generation_ = 0;  // of the latest Start
  std::chrono::steady_clock::time_point started_;
  std::thread thread_;
};

}  // namespace quipu::repl
