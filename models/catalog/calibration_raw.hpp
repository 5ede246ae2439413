#pragma once
// Fits a raw measured profile (tools/calibrate output) into a Calibration.
#include "models/catalog/calibration.hpp"

namespace rs {

// `defaults` supplies, labelled as such, what the profile does not measure
// (e.g. NVLink without an nccl group, the host overhead of a step).
Calibration calibration_from_raw(const YamlSource& src, const Calibration& defaults);

}  // namespace rs
