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
  text += fmt::format(" {:3.0f}%  {:.1f}/{:.1f} MiB  {} facts  {:.0f}k facts/s", fraction * 100,
                      p.bytes_read / 1048576.0, p.total_bytes / 1048576.0, p.facts, rate / 1000.0);
  if (fraction > 0.01) {
    const double left = p.seconds * (1 - fraction) / fraction;
    text += fmt::format("  ETA {:.0f} s", std::ceil(left));
  }
  return text;
}

void ProgressBar::Update(const LoadProgress& p) {
  if (p.seconds < 1.0 || p.seconds - last_drawn_ < 0.1) return;
  last_drawn_ = p.seconds;
  if (notice_ != nullptr) notice_->Stop();
  out_ << "\r" << Render(p) << "\033[K" << std::flush;
  shown_ = true;
}

void ProgressBar::Clear() {
  if (!shown_) return;
  out_ << "\r\033[K" << std::flush;
  shown_ = false;
  last_drawn_ = 0;
}

}  // namespace quipu::repl
