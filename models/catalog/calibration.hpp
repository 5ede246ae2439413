#pragma once
// A calibration profile (models/calibration/<name>.yaml): the efficiencies and
// overheads the iteration model multiplies datasheet peaks by. Measured
// profiles come from `rackscale calibrate`; the default profile states each
// value as an assumption with its reasoning until measurements replace it.
#include <string>

#include "models/catalog/catalog.hpp"

namespace rs {

struct Calibration {
  std::string name, kind, gpu_preset, description;
  Sourced gemm_efficiency;       // achieved / peak dense FLOP/s, compute-bound GEMMs
  Sourced memory_efficiency;     // achieved / peak HBM bandwidth, streaming reads
  Sourced attention_efficiency;  // same for the attention kernels (both bounds)
  Sourced nvlink_efficiency;     // achieved / peak NVLink bandwidth in collectives
  Sourced nvlink_latency;        // per ring step latency of an NVLink collective
  Sourced iteration_overhead;    // fixed host+launch time per engine step
  Sourced runtime_reserve;       // per-GPU memory held by the runtime (CUDA context, graphs, workspace)

  static const Schema<Calibration>& schema();
};

Calibration load_calibration(const std::string& name, const std::string& where = "");

}  // namespace rs
