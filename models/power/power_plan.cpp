#include "models/power/power_plan.hpp"

#include <algorithm>
#include <fmt/format.h>

#include "sim/error.hpp"

namespace rs {
namespace {
std::string kw(double w) { return format_quantity(w, Dim::Watts); }
}  // namespace

int64_t PowerPlan::gpus_in_rack(int64_t r) const { return std::min(gpus_per_rack, gpus - r * gpus_per_rack); }

PowerPlan make_power_plan(const ServingSetup& st) {
  const Scenario& s = st.ls.s;
  const Scenario::Power& p = s.power;
  PowerPlan pl;
  pl.gpus = s.hardware.gpus;
  pl.tp = st.tp;
  pl.replicas = st.replicas;
  pl.domain = st.topology->domain_size();
  pl.domains = pl.gpus / pl.domain;
  pl.gpus_per_rack = st.topology_kind == "hgx" ? pl.domain * p.hgx_nodes_per_rack : pl.domain;
  pl.racks = (pl.gpus + pl.gpus_per_rack - 1) / pl.gpus_per_rack;
  pl.gpu = resolve_gpu_power(st.gpu, st.cal, p, power_keys_set(st.ls), st.ls.where("calibration"));
  pl.idle_w = pl.gpu.idle_w.value;
  pl.full_w = pl.gpu.full_w.value;
  pl.tdp_w = st.gpu.tdp.value;
  pl.host_w = st.gpu.host_power.value;
  pl.pue = p.pue;
  pl.network_per_gpu_w = p.network_per_gpu;
  pl.gpu_cap_w = p.gpu_cap > 0 ? std::min(p.gpu_cap, pl.tdp_w) : pl.tdp_w;
  pl.rack_budget_w = p.rack_budget;
  pl.site_budget_w = p.site_budget;
  pl.control_interval_s = p.control_interval;
  pl.idle_share = p.idle_share;

  if (p.gpu_cap > 0 && p.gpu_cap <= pl.idle_w)
    fail(st.ls.where("power.gpu_cap"),
         fmt::format("power.gpu_cap={} is not above the idle power of one {} GPU ({})", kw(p.gpu_cap), st.gpu.name,
                     kw(pl.idle_w)));
  if (p.rack_budget > 0) {
    // The fullest rack sets the floor.
    int64_t g = pl.gpus_in_rack(0);
    double floor = static_cast<double>(g) * pl.idle_w + pl.host_w_in_rack(0);
    if (p.rack_budget <= floor)
      fail(st.ls.where("power.rack_budget"),
           fmt::format("power.rack_budget={} is not above the idle floor of one rack: {} GPUs x {} idle + {} non-GPU = {}",
                       kw(p.rack_budget), g, kw(pl.idle_w), kw(pl.host_w_in_rack(0)), kw(floor)));
  }
  if (p.site_budget > 0) {
    double it = static_cast<double>(pl.gpus) * pl.idle_w + pl.host_total_w();
    double floor = pl.site_w(it);
    if (p.site_budget <= floor)
      fail(st.ls.where("power.site_budget"),
           fmt::format("power.site_budget={} is not above the idle floor of the site: ({} GPUs x {} idle + {} non-GPU) "
                       "x PUE {} + {} network = {}",
                       kw(p.site_budget), pl.gpus, kw(pl.idle_w), kw(pl.host_total_w()), pl.pue,
                       kw(pl.network_total_w()), kw(floor)));
  }
  return pl;
}

}  // namespace rs
