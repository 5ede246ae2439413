#pragma once
// Site model: how many racks of a scenario's kind fit a facility power budget,
// sized at full load (every GPU at its cap or tdp, non-GPU rack power, PUE,
// network), and what that site serves, scaled from the simulated replicas.
#include <cstdint>

#include "models/power/power_plan.hpp"

namespace rs {

struct SitePlan {
  double budget_w = 0;
  double rack_it_peak_w = 0, rack_facility_peak_w = 0;  // one full rack at full load
  int64_t racks = 0, gpus = 0;                         // that fit the budget
  int64_t simulated_gpus = 0;
  double scale = 0;  // site GPUs / simulated GPUs (throughputs scale by this)
};

SitePlan plan_site(const PowerPlan& p, double site_budget_w);

}  // namespace rs
