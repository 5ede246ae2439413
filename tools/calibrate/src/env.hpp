// Device discovery and the `environment` section of the profile.
#pragma once

#include <string>

#include "groups.hpp"

namespace calib {

// Reads CUDA device properties (throws Error).
void query_device(int index, DeviceInfo* d);

// Fills max clocks from NVML when available (CUDA 13 dropped them from
// cudaDeviceProp; the attributes are a fallback).
void refine_clocks(const Nvml& nvml, DeviceInfo* d);

Record environment_record(const Options& o, const DeviceInfo& d, const Nvml& nvml, const std::string& preset,
                          const std::string& preset_source);

std::string hostname();

}  // namespace calib
