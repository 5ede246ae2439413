#pragma once
// Progress line on stderr for long runs: only when stderr is a terminal and
// the run has taken more than a couple of seconds; silent otherwise.
#include <chrono>
#include <cstdint>
#include <string>

namespace rs {

class Progress {
 public:
  explicit Progress(int64_t total_items);
  // Cheap to call often: it looks at the wall clock every 256 calls.
  void update(double sim_time_s, int64_t done);
  void finish();

 private:
  using Clock = std::chrono::steady_clock;
  int64_t total_;
  uint32_t calls_ = 0;
  bool tty_, shown_ = false;
  Clock::time_point start_, last_;
};

}  // namespace rs
