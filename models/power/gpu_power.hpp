#pragma once
// The GPU power model's parameters for one run, each with where it came from:
//   idle_w, full_w   measured profile's power group (calibration_power.hpp)
//                    > carried from the measured GPU by the tdp ratio (when the
//                      selected profile was measured on another GPU)
//                    > preset (idle_power; full_w = tdp)
//   memory_share     power.memory_power_share set in the scenario or --set
//                    > measured profile (a ratio: carried as is)
//                    > the scenario default (sourced, see rackscale explain scenario)
//   dvfs_exponent    power.dvfs_exponent: a labelled assumption; tools/calibrate
//                    does not sweep clocks (locking them needs root)
// full_w is the draw of sustained compute-bound work at full clock: the top of
// the dynamic range. tdp_w stays the nameplate (default cap, site provisioning).
#include <string>
#include <vector>

#include "models/catalog/calibration.hpp"
#include "models/catalog/gpu.hpp"
#include "models/power/power_params.hpp"

namespace rs {

struct PowerParam {
  double value = 0;
  std::string source;
};

struct GpuPower {
  double tdp_w = 0;
  PowerParam idle_w, full_w, memory_share, dvfs_exponent;
  std::string limit_note;  // measured profiles: did the gemm load hit the NVML power limit
  // One line per parameter: "idle_power 72.5 W  <source>" (run.log, scenario.resolved.yaml).
  std::vector<std::string> source_lines() const;
};

// Which power keys the scenario (file or --set) gives explicitly: those win over a profile.
// (dvfs_exponent always comes from the scenario; the flag is kept for symmetry.)
// Filled by the scenario layer (power_keys_set in models/scenario/scenario.hpp).
struct PowerKeysSet {
  bool memory_share = false, dvfs_exponent = false;
};

// InputError (at `where`) if the result is inconsistent (full-load power not above idle).
GpuPower resolve_gpu_power(const GpuSpec& gpu, const Calibration& cal, const PowerParams& p, PowerKeysSet set,
                           const std::string& where);

}  // namespace rs
