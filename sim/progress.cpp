#include "sim/progress.hpp"

#include <cstdio>
#include <fmt/format.h>
#include <unistd.h>

namespace rs {

Progress::Progress(int64_t total_items)
    : total_(total_items), tty_(::isatty(STDERR_FILENO) != 0), start_(Clock::now()), last_(start_) {}

void Progress::update(double sim_time_s, int64_t done) {
  if (!tty_ || (++calls_ & 255u) != 0) return;
  auto now = Clock::now();
  double elapsed = std::chrono::duration<double>(now - start_).count();
  if (elapsed < 2.0 || std::chrono::duration<double>(now - last_).count() < 0.5) return;
  last_ = now;
  std::string eta = "?";
  if (total_ > 0 && done > 0) eta = fmt::format("{:.0f} s", elapsed * static_cast<double>(total_ - done) / done);
  std::fprintf(stderr, "\r  sim %.1f s | %lld/%lld requests done | %.0f s elapsed | ETA %s   ", sim_time_s,
               static_cast<long long>(done), static_cast<long long>(total_), elapsed, eta.c_str());
  shown_ = true;
}

void Progress::finish() {
  if (shown_) std::fprintf(stderr, "\r%80s\r", "");
}

}  // namespace rs
