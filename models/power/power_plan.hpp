#pragma once
// Power facts of a deployment: GPUs, racks, non-GPU power, PUE, network, and
// the budgets to hold (validated against the idle floor).
#include <cstdint>
#include <string>

#include "models/power/gpu_power.hpp"
#include "models/scenario/setup.hpp"

namespace rs {

struct PowerPlan {
  int64_t gpus = 0, tp = 1, replicas = 0, domain = 1, domains = 0, gpus_per_rack = 0, racks = 0;
  GpuPower gpu;  // the power model's parameters and their sources
  // Per GPU: idle and full-load power (gpu.idle_w, gpu.full_w), nameplate tdp; per NVLink-domain
  // enclosure: non-GPU power (CPUs, NVSwitch, NICs, fans), held at its nameplate value.
  double idle_w = 0, full_w = 0, tdp_w = 0, host_w = 0;
  double pue = 1, network_per_gpu_w = 0;
  double gpu_cap_w = 0, rack_budget_w = 0, site_budget_w = 0;  // 0 = none (cap: tdp)
  double control_interval_s = 1, idle_share = 0.1;

  int64_t rack_of_gpu(int64_t g) const { return g / gpus_per_rack; }
  int64_t gpus_in_rack(int64_t r) const;
  double host_w_in_rack(int64_t r) const { return host_w * static_cast<double>(gpus_in_rack(r) / domain); }
  double host_total_w() const { return host_w * static_cast<double>(domains); }
  double network_total_w() const { return network_per_gpu_w * static_cast<double>(gpus); }
  double site_w(double rack_w) const { return rack_w * pue + network_total_w(); }
  // IT power per GPU at full load (tdp + its share of the enclosure + network): what a facility provisions.
  double it_peak_w_per_gpu() const { return tdp_w + host_w / static_cast<double>(domain) + network_per_gpu_w; }
  bool needs_governor() const { return gpu_cap_w < full_w || rack_budget_w > 0 || site_budget_w > 0; }
};

// Builds the plan from a resolved serving setup; fails (file:line:col of the
// key) on a budget at or below the idle floor or a GPU cap below idle power.
PowerPlan make_power_plan(const ServingSetup& st);

}  // namespace rs
