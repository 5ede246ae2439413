#pragma once
// Collectives inside one NVLink switch domain, alpha-beta model: every GPU
// reaches every other at `bw` per direction through the switches, so a ring
// of n GPUs takes 2(n-1) steps of alpha plus 2(n-1)/n of the message over bw
// (the bus-bandwidth factor of nccl-tests).
#include <cstdint>

namespace rs {

struct AlphaBeta {
  double alpha_s = 0;    // latency per step
  double bw_Bps = 1;     // achieved bandwidth per GPU per direction
};

inline double ring_allreduce_s(double bytes, int64_t n, const AlphaBeta& ab) {
  if (n <= 1) return 0;
  double steps = 2.0 * static_cast<double>(n - 1);
  return steps * ab.alpha_s + steps / static_cast<double>(n) * bytes / ab.bw_Bps;
}

}  // namespace rs
