#pragma once
// Collectives inside one NVLink switch domain, alpha-beta model: every GPU
// reaches every other at `bw` per direction through the switches. A ring
// all-reduce on n GPUs costs a fixed alpha0 per call, 2(n-1) steps of
// alpha_step, and 2(n-1)/n of the message over bw (nccl-tests' bus factor).
// NVLS (NVLink SHARP, nvls_all_reduce_time) reduces in the switch instead.
// Pure functions: used by the iteration model (TP all-reduce) and by
// `rackscale collective` (models/collectives/collective.hpp).
#include <cstdint>

namespace rs {

enum class CollOp { all_reduce, all_gather, reduce_scatter, all_to_all, send_recv };

struct NvlinkAB {
  double alpha0_s = 0;      // per call (kernel start, synchronisation)
  double alpha_step_s = 0;  // per ring step
  double bw_Bps = 1;        // achieved per-GPU bandwidth per direction
  // Point-to-point (send_recv) inside the domain: its own fit (nvlink_fit.hpp);
  // p2p_bw_Bps = 0 falls back to the ring's alphas and bandwidth.
  double p2p_alpha_s = 0, p2p_bw_Bps = 0;
  // NVLS all-reduce (in-switch reduction); nvls_bw_Bps = 0: the switches cannot reduce.
  double nvls_alpha_s = 0, nvls_bw_Bps = 0;
  bool has_nvls() const { return nvls_bw_Bps > 0; }
};

// Time of `op` on n GPUs of one NVLink domain (ring algorithms; all_to_all and
// send_recv post all their sends at once).
double nvlink_time(CollOp op, double bytes, int64_t n, const NvlinkAB& ab);

// NVLS all-reduce on n GPUs of one domain (NCCL's NVLS algorithm, NCCL >= 2.17):
// each GPU's shard is reduced in the switch (multimem load-reduce) and the
// result multicast back, so a GPU sends S and receives S/n in the reduce half
// and sends S/n and receives S in the broadcast half; both halves are
// pipelined, so each direction carries (1 + 1/n) S:
//   t = nvls_alpha + (1 + 1/n) S / nvls_bw
// busbw = algbw x 2(n-1)/n = 2(n-1)/(n+1) nvls_bw: above ring's bw from n = 4
// on when nvls_bw is close to bw. Requires ab.has_nvls().
double nvls_all_reduce_time(double bytes, int64_t n, const NvlinkAB& ab);

}  // namespace rs
