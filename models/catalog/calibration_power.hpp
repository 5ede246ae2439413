#pragma once
// Reads the `power` group of a raw measured profile (tools/calibrate, NVML):
//   idle       -> idle power
//   gemm_*     -> full-load (compute-bound) power: the highest sustained gemm draw
//   hbm_copy   -> memory_power_share = (P_hbm - P_idle) / (P_full - P_idle)
// which is exactly how the power model uses the share: a memory-bound second
// draws that share of the dynamic range above idle that a compute-bound second
// draws. Each load's watts come from the NVML energy counter over the load's
// second half (energy_w_mean) when present, else the mean of the power samples.
#include <optional>

#include "models/catalog/calibration.hpp"

namespace rs {

// Null when the profile has no power group or it was skipped (no NVML); an
// InputError at the offending line when a done group is inconsistent
// (no idle or gemm point, non-positive watts, loads not above idle).
std::optional<PowerCalibration> power_from_raw(const YamlSource& src, const YAML::Node& groups, const std::string& from);

}  // namespace rs
