#pragma once
// The power model's scenario parameters (`power:` in a scenario) and their
// schema: type, unit, default with its source or labelled assumption, help.
// The scenario composes this section; nothing here knows the scenario.
#include <cstdint>

#include "sim/params.hpp"

namespace rs {

struct PowerParams {
  double gpu_cap = 0, rack_budget = 0, site_budget = 0;  // W; 0 = none
  double pue = 0, network_per_gpu = 0, control_interval = 0;
  int64_t hgx_nodes_per_rack = 0;
  double memory_power_share = 0, dvfs_exponent = 0, min_clock = 0, idle_share = 0;

  static const Schema<PowerParams>& schema();
};

}  // namespace rs
