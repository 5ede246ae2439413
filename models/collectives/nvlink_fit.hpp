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
// The alpha-beta for a GPU: fitted alphas; the fitted bandwidth scaled by the
// ratio of the GPU's datasheet NVLink bandwidth to H100's (same efficiency).
NvlinkAB nvlink_ab_for(double gpu_nvlink_Bps);

}  // namespace rs
