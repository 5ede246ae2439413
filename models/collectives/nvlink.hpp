#pragma once
// Collectives inside one NVLink switch domain, alpha-beta model: every GPU
// reaches every other at `bw` per direction through the switches. A ring
// all-reduce on n GPUs costs a fixed alpha0 per call, 2(n-1) steps of
// alpha_step, and 2(n-1)/n of the message over bw (nccl-tests' bus factor).
// Pure functions: used by the iteration model (TP all-reduce) and by
// `rackscale collective` (models/collectives/collective.hpp).
#include <cstdint>

namespace rs {

enum class CollOp { all_reduce, all_gather, reduce_scatter, all_to_all, send_recv };

struct NvlinkAB {
  double alpha0_s = 0;      // per call (kernel start, synchronisation)
  double alpha_step_s = 0;  // per ring step
  double bw_Bps = 1;        // achieved per-GPU bandwidth per direction
};

// Time of `op` on n GPUs of one NVLink domain (ring algorithms; all_to_all and
// send_recv post all their sends at once).
double nvlink_time(CollOp op, double bytes, int64_t n, const NvlinkAB& ab);

}  // namespace rs
