#include "repl/progress_bar.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace quipu::repl {

std::string ProgressBar::Render(const LoadProgress& p) {
  constexpr int kWidth = 20;
  const double fraction =
      p.total_bytes == 0 ? 0 : std::min(1.0, static_cast<double>(p.bytes_read) / p.total_bytes);
  const int filled = static_cast<int>(std::lround(fraction * kWidth));
  const double rate = p.seconds > 0 ? p.facts / p.seconds : 0;
  std::string text = "[" + std::string(filled, '#') + std::string(kWidth - filled, ' ') + "]";
  text += fmt::format(" {:3.0f}%  {}  {:.1f}/{:.1f} MiB  {} facts", fraction * 100,
                      LoadPhaseName(p.phase), p.bytes_read / 1048576.0, p.total_bytes / 1048576.0,
                      p.facts);
  if (p.phase != LoadPhase::kParse) {
    // No rate or time left: the phases after parsing report only as they
    // begin, and their length is not known in advance.
    return text + fmt::format("  {:.0f} s", std::floor(p.seconds));
  }
  text += fmt::format("  {:.0f}k facts/s", rate / 1000.0);
  if (fraction > 0.01) {
    // Of parsing only: sorting, writing and ingesting come after it.
    const double left = p.seconds * (1 - fraction) / fraction;
    text += fmt::format("  parse ETA {:.0f} s", std::ceil(left));
  }
  return text;
}

void ProgressBar::Update(const LoadProgress& p) {
  const bool new_phase = p.phase != last_phase_;
  last_phase_ = p.phase;
  if (p.seconds < 1.0 || (!new_phase && p.seconds - last_drawn_ < 0.1)) return;
  last_drawn_ = p.seconds;
  if (notice_ != nullptr) notice_->Stop();
  out_ << "\r" << Render(p) << "\033[K" << std::flush;
  shown_ = true;
}

void ProgressBar::Clear() {
  last_drawn_ = 0;
  last_phase_ = LoadPhase::kParse;
  if (!shown_) return;
  out_ << "\r\033[K" << std::flush;
  shown_ = false;
}

}  // namespace quipu::repl
