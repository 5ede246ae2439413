#include "models/power/power_plan.hpp"

#include <algorithm>
#include <fmt/format.h>

#include "sim/error.hpp"

namespace rs {
namespace {
std::string kw(double w) { return format_quantity(w, Dim::Watts); }
}  // namespace

int64_t PowerPlan::gpus_in_rack(int64_t r) const { return std::min(gpus_per_rack, gpus - r * gpus_per_rack); }

double PowerPlan::host_w_in_rack(int64_t r) const {
  const int64_t per_rack = gpus_per_rack / domain;
  double w = 0;
  for (int64_t d = r * per_rack; d < std::min(domains, (r + 1) * per_rack); ++d) w += host_w_in_domain(d);
  return w;
}

double PowerPlan::host_total_w() const {
  const DomainLayout l = layout();
  return host_w * static_cast<double>(l.full_domains()) + (l.partial_gpus() > 0 ? host_w_partial : 0.0);
}

double PowerPlan::rack_replica_budget_w(int64_t r) const {
  return rack_budget_w - host_w_in_rack(r) - static_cast<double>(idle_gpus_in_rack(r)) * idle_w;
}

double PowerPlan::site_replica_budget_w() const {
  return (site_budget_w - network_total_w()) / pue - host_total_w() - static_cast<double>(idle_gpus) * idle_w;
}

PowerPlan make_power_plan(const PowerPlanInputs& in) {
  PowerPlan pl;
  pl.gpus = in.layout.gpus;
  pl.tp = in.tp;
  pl.replicas = in.replicas;
  pl.idle_gpus = in.layout.gpus - in.replicas * in.tp;
  pl.domain = in.layout.domain_size;
  pl.domains = in.layout.domains();
  // HGX nodes share racks; an NVL rack is its own NVLink domain.
  pl.gpus_per_rack = in.packaging == Packaging::hgx_node ? pl.domain * in.hgx_nodes_per_rack : pl.domain;
  pl.racks = (pl.gpus + pl.gpus_per_rack - 1) / pl.gpus_per_rack;
  pl.gpu = in.power;
  pl.idle_w = pl.gpu.idle_w.value;
  pl.full_w = pl.gpu.full_w.value;
  pl.tdp_w = in.gpu.tdp.value;
  // The topology's domain may be smaller than the preset's (hgx gpus_per_node < 8): its enclosure
  // then holds fewer compute trays, as a partial domain does.
  pl.host_w = in.gpu.host_power_for(pl.domain);
  pl.host_w_partial = in.gpu.host_power_for(in.layout.partial_gpus() > 0 ? in.layout.partial_gpus() : pl.domain);
  pl.pue = in.pue;
  pl.network_per_gpu_w = in.network_per_gpu_w;
  pl.gpu_cap_w = in.gpu_cap_w > 0 ? std::min(in.gpu_cap_w, pl.tdp_w) : pl.tdp_w;
  pl.rack_budget_w = in.rack_budget_w;
  pl.site_budget_w = in.site_budget_w;
  pl.control_interval_s = in.control_interval_s;
  pl.idle_share = in.idle_share;

  if (in.gpu_cap_w > 0 && in.gpu_cap_w <= pl.idle_w)
    fail(in.where_gpu_cap, fmt::format("power.gpu_cap={} is not above the idle power of one {} GPU ({})",
                                       kw(in.gpu_cap_w), in.gpu.name, kw(pl.idle_w)));
  if (in.rack_budget_w > 0) {
    // The fullest rack sets the floor.
    int64_t g = pl.gpus_in_rack(0);
    double floor = static_cast<double>(g) * pl.idle_w + pl.host_w_in_rack(0);
    if (in.rack_budget_w <= floor)
      fail(in.where_rack_budget,
           fmt::format("power.rack_budget={} is not above the idle floor of one rack: {} GPUs x {} idle + {} non-GPU = {}",
                       kw(in.rack_budget_w), g, kw(pl.idle_w), kw(pl.host_w_in_rack(0)), kw(floor)));
  }
  if (in.site_budget_w > 0) {
    double it = static_cast<double>(pl.gpus) * pl.idle_w + pl.host_total_w();
    double floor = pl.site_w(it);
    if (in.site_budget_w <= floor)
      fail(in.where_site_budget,
           fmt::format("power.site_budget={} is not above the idle floor of the site: ({} GPUs x {} idle + {} non-GPU) "
                       "x PUE {} + {} network = {}",
                       kw(in.site_budget_w), pl.gpus, kw(pl.idle_w), kw(pl.host_total_w()), pl.pue,
                       kw(pl.network_total_w()), kw(floor)));
  }
  return pl;
}

}  // namespace rs
