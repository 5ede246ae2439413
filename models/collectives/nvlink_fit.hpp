#pragma once
// Fit of the NVLink alpha-beta (collective.hpp) to measured NCCL kernel times:
// models/calibration/nccl/vidur_h100_dgx.csv, the in-node rows of Microsoft
// vidur's H100 DGX profiles (MIT; see models/calibration/nccl/README.md).
// Model for a ring all-reduce on n GPUs of S bytes:
//   t = alpha0 + 2(n-1) alpha_step + 2(n-1)/n S / bw
// fitted by linear least squares (Eigen) on relative errors (each row divided
// by its measured time), jointly over n = 2, 4, 8 and 2 KB to 64 MiB.
#include <cstdint>
#include <string>
#include <vector>

#include "models/collectives/collective.hpp"

namespace rs {

struct NcclSample {
  CollOp op = CollOp::all_reduce;
  int64_t gpus = 0;
  double bytes = 0, time_s = 0;
};

// Reads the bundled CSV (op,gpus,size_bytes,median_us); `path` empty = the bundled file.
std::vector<NcclSample> load_nccl_samples(const std::string& path = "");

struct NvlinkFit {
  NvlinkAB ab;
  int64_t samples = 0;
  double median_abs_rel_err = 0, p90_abs_rel_err = 0, max_abs_rel_err = 0;
  double measured_nvlink_Bps = 450e9;  // datasheet per-direction NVLink of the measured GPU (H100)
};

NvlinkFit fit_nvlink(const std::vector<NcclSample>& samples);
// The fit of the bundled data (computed once per process).
const NvlinkFit& bundled_nvlink_fit();

// Point-to-point (send_recv, one rank to one other): t = alpha + S / bw, fitted
// the same way (relative least squares) to the send_recv rows of `samples`.
struct P2pFit {
  double alpha_s = 0, bw_Bps = 1;
  int64_t samples = 0;
  double median_abs_rel_err = 0, p90_abs_rel_err = 0, max_abs_rel_err = 0;
  double time(double bytes) const { return alpha_s + bytes / bw_Bps; }
};
P2pFit fit_p2p(const std::vector<NcclSample>& samples);
// In-node send_recv between two H100s of one DGX (NVSwitch): the bundled CSV's send_recv rows.
const P2pFit& bundled_p2p_fit();
// Between two DGX H100 nodes, one GPU each (vidur devices_per_node = 1):
// models/calibration/nccl/vidur_h100_internode_send_recv.csv. Vidur does not
// name the network; see the README there.
const P2pFit& bundled_internode_p2p_fit();
std::string internode_send_recv_path();
// What one NCCL message across the scale-out network costs beyond one inside
// the node: internode alpha - in-node alpha (NIC, proxy thread, GPUDirect
// flush, their wire). Added to every inter-domain step (collective.hpp).
double network_message_latency();

// NVLS bandwidth relative to the fitted ring bandwidth, per direction (see
// nvlink_fit.cpp for the derivation from NCCL's published H100 numbers).
double nvls_ring_bw_ratio();
// NVLS latency per call: NCCL's own tuning constant (labelled in nvlink_fit.cpp).
double nvls_call_latency();

// The alpha-beta for a GPU: fitted alphas; the fitted bandwidths scaled by the
// ratio of the GPU's datasheet NVLink bandwidth to H100's (same efficiency);
// NVLS terms only if its switches reduce in-switch (`nvls`).
NvlinkAB nvlink_ab_for(double gpu_nvlink_Bps, bool nvls = false);

}  // namespace rs
