// Throttled progress lines on stderr, so long groups show life without
// flooding the log.
#pragma once

#include <cstdio>
#include <string>

#include "common.hpp"

namespace calib {

class Progress {
 public:
  Progress(std::string group, int total, bool verbose)
      : group_(std::move(group)), total_(total), verbose_(verbose), t0_(now_s()), last_(t0_) {}
  void tick(const std::string& what) {
    ++done_;
    double t = now_s();
    if (verbose_ || t - last_ >= 5.0 || done_ == total_) {
      std::fprintf(stderr, "[%s] %d/%d  %.0f s  %s\n", group_.c_str(), done_, total_, t - t0_, what.c_str());
      last_ = t;
    }
  }

 private:
  std::string group_;
  int total_, done_ = 0;
  bool verbose_;
  double t0_, last_;
};

}  // namespace calib
