#pragma once
// Power facts of a deployment: GPUs, racks, non-GPU power, PUE, network, and
// the budgets to hold (validated against the idle floor). Built from plain
// values (PowerPlanInputs) that the scenario layer fills: power does not see
// the scenario (models/scenario/power_setup.hpp).
#include <cstdint>
#include <string>

#include "models/catalog/gpu.hpp"
#include "models/power/gpu_power.hpp"
#include "topologies/layout.hpp"

namespace rs {

struct PowerPlanInputs {
  DomainLayout layout;  // GPUs in NVLink domains of the topology (the last may be partial)
  Packaging packaging = Packaging::hgx_node;
  int64_t tp = 1, replicas = 0;
  GpuSpec gpu;       // tdp, host_power and its tray split (gpus_per_tray, tray_host_power)
  GpuPower power;    // the power model's parameters and their sources
  double gpu_cap_w = 0, rack_budget_w = 0, site_budget_w = 0;  // 0 = none (cap: tdp)
  double pue = 1, network_per_gpu_w = 0, control_interval_s = 1, idle_share = 0.1;
  int64_t hgx_nodes_per_rack = 4;  // racks of HGX nodes (an NVL rack is one domain)
  // file:line:col (or --set) of each budget, for errors.
  std::string where_gpu_cap, where_rack_budget, where_site_budget;
};

struct PowerPlan {
  int64_t gpus = 0, tp = 1, replicas = 0, domain = 1, domains = 0, gpus_per_rack = 0, racks = 0;
  int64_t idle_gpus = 0;  // after the last whole replica, all in the last domain (topologies/layout.hpp)
  GpuPower gpu;  // the power model's parameters and their sources
  // Per GPU: idle and full-load power (gpu.idle_w, gpu.full_w), nameplate tdp; per NVLink-domain
  // enclosure: non-GPU power (CPUs, NVSwitch, NICs, fans), held at its nameplate value; a partial
  // last domain draws host_w_partial (its compute trays + the shared part, GpuSpec::host_power_for).
  double idle_w = 0, full_w = 0, tdp_w = 0, host_w = 0, host_w_partial = 0;
  double pue = 1, network_per_gpu_w = 0;
  double gpu_cap_w = 0, rack_budget_w = 0, site_budget_w = 0;  // 0 = none (cap: tdp)
  double control_interval_s = 1, idle_share = 0.1;

  DomainLayout layout() const { return {gpus, domain}; }
  int64_t rack_of_gpu(int64_t g) const { return g / gpus_per_rack; }
  int64_t gpus_in_rack(int64_t r) const;
  double host_w_in_domain(int64_t d) const { return layout().gpus_in(d) == domain ? host_w : host_w_partial; }
  double host_w_in_rack(int64_t r) const;
  double host_total_w() const;
  int64_t idle_gpus_in_rack(int64_t r) const { return r == racks - 1 ? idle_gpus : 0; }
  // Power left for the replicas' GPUs under the rack (site) budget: the budget less non-GPU
  // power and the idle GPUs' idle draw (site: less network, divided by PUE).
  double rack_replica_budget_w(int64_t r) const;
  double site_replica_budget_w() const;
  double network_total_w() const { return network_per_gpu_w * static_cast<double>(gpus); }
  double site_w(double rack_w) const { return rack_w * pue + network_total_w(); }
  // IT power per GPU at full load (tdp + its share of the enclosure + network): what a facility provisions.
  double it_peak_w_per_gpu() const { return tdp_w + host_w / static_cast<double>(domain) + network_per_gpu_w; }
  bool needs_governor() const { return gpu_cap_w < full_w || rack_budget_w > 0 || site_budget_w > 0; }
};

// Fails (at the key's location) on a budget at or below the idle floor or a GPU cap below idle power.
PowerPlan make_power_plan(const PowerPlanInputs& in);

}  // namespace rs
