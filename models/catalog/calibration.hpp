#pragma once
// A calibration profile: the efficiencies the iteration model multiplies
// datasheet peaks by. Two kinds of files in models/calibration/:
//   - assumed profiles (`default.yaml`): each value a labelled assumption;
//   - measured profiles: raw output of `rackscale calibrate` (tools/calibrate,
//     format rackscale-calibration-raw/1), fitted here when loaded.
// Efficiencies are fractions of the datasheet peaks of the GPU they were
// measured on, so applying them to another GPU's peaks carries them over by
// datasheet ratios (said in the run's outputs).
#include <Eigen/Dense>
#include <optional>
#include <string>
#include <vector>

#include "models/catalog/catalog.hpp"

namespace rs {

struct GpuSpec;

// GEMM efficiency (ideal roofline time / measured time) as a function of the
// shape, fitted by least squares in log space:
//   ln e = c0 + c1 ln m + c2 (ln m)^2 + c3 ln n + c4 ln k
// Quadratic in ln m because efficiency rises with the batch then saturates;
// n and k (weight shape) enter linearly. Reported with its fit error.
struct GemmFit {
  std::string dtype;
  Eigen::Matrix<double, 5, 1> coef = Eigen::Matrix<double, 5, 1>::Zero();
  int points = 0;
  double rms_log_error = 0;  // RMS of ln(predicted/measured time)
  double max_rel_error = 0;  // max |predicted/measured - 1| over the points
  double efficiency(double m, double n, double k) const;
  static Eigen::Matrix<double, 5, 1> features(double m, double n, double k);
};

// GPU power measured by the calibrator's NVML `power` group (measured profiles
// only; see calibration_power.hpp). The power model's full dynamic range is
// idle_w .. full_load_w; memory-bound work draws memory_power_share of it.
struct PowerCalibration {
  Sourced idle_w;              // idle point (CUDA context held, no kernels)
  Sourced full_load_w;         // highest sustained compute-bound (gemm) draw
  Sourced memory_power_share;  // (P_hbm_copy - idle) / (full_load - idle); absent without an hbm_copy point
  std::string limit_note;      // whether the gemm load ran into the NVML power limit
};

struct Calibration {
  std::string name, kind, gpu_preset, description;
  Sourced gemm_efficiency;       // achieved / peak dense FLOP/s, compute-bound GEMMs
  Sourced memory_efficiency;     // achieved / peak HBM bandwidth, streaming reads
  Sourced attention_efficiency;  // same for the attention kernels (both bounds)
  Sourced nvlink_efficiency;     // achieved / peak NVLink bandwidth in collectives
  Sourced nvlink_latency;        // per ring step latency of an NVLink collective
  Sourced nvlink_call_latency;   // fixed cost per NVLink collective call
  Sourced iteration_overhead;    // fixed host+launch time per engine step
  Sourced runtime_reserve;       // per-GPU memory held by the runtime (CUDA context, graphs, workspace)

  std::vector<GemmFit> gemm_fits;  // measured profiles only, one per dtype measured
  std::string environment;         // measured profiles: GPU, driver, CUDA, date, command
  std::string carried_from;        // set when applied to a GPU other than gpu_preset
  std::optional<PowerCalibration> power;  // measured profiles with a done `power` group

  // The fit for a precision (fp4 falls back to fp8 if unmeasured), or null.
  const GemmFit* gemm_fit(Precision p) const;
  bool measured() const { return kind == "measured"; }
  // "assumed", "measured", or "carried" (measured on another GPU).
  std::string kind_label() const { return carried_from.empty() ? kind : "carried"; }

  static const Schema<Calibration>& schema();
};

// Loads models/calibration/<name>.yaml or a path; measured (raw) profiles are fitted.
Calibration load_calibration(const std::string& name, const std::string& where = "");

// Picks the profile for a GPU: `name` = "auto" chooses the newest measured
// profile of that GPU, else the measured profile of the nearest GPU in the
// catalog (carried), else "default" (assumed). A named profile from another
// GPU is an error unless `force` (then carried).
Calibration select_calibration(const std::string& name, const GpuSpec& gpu, bool force, const std::string& where);

// Fit report of a measured profile, one line per fitted quantity.
std::string describe_fits(const Calibration& c);

}  // namespace rs
