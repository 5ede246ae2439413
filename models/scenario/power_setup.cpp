#include "models/scenario/power_setup.hpp"

#include <fmt/format.h>

namespace rs {

PowerPlanInputs power_plan_inputs(const ServingSetup& st) {
  const Scenario::Power& p = st.ls.s.power;
  PowerPlanInputs in;
  in.layout = st.topology->layout();
  in.packaging = st.topology->packaging();
  in.tp = st.tp;
  in.replicas = st.replicas;
  in.gpu = st.gpu;
  in.power = resolve_gpu_power(st.gpu, st.cal, p, power_keys_set(st.ls), st.ls.where("calibration"));
  in.gpu_cap_w = p.gpu_cap;
  in.rack_budget_w = p.rack_budget;
  in.site_budget_w = p.site_budget;
  in.pue = p.pue;
  in.network_per_gpu_w = p.network_per_gpu;
  in.control_interval_s = p.control_interval;
  in.idle_share = p.idle_share;
  in.hgx_nodes_per_rack = p.hgx_nodes_per_rack;
  in.where_gpu_cap = st.ls.where("power.gpu_cap");
  in.where_rack_budget = st.ls.where("power.rack_budget");
  in.where_site_budget = st.ls.where("power.site_budget");
  return in;
}

PowerPlan make_power_plan(const ServingSetup& st) { return make_power_plan(power_plan_inputs(st)); }

std::vector<std::string> layout_notes(const ServingSetup& st, const PowerPlan& plan) {
  auto W = [](double w) { return format_quantity(w, Dim::Watts); };
  const DomainLayout l = st.topology->layout();
  std::vector<std::string> out;
  const GpuSpec& g = st.gpu;
  // Whole domains of the preset's size and no idle GPU: the first run.log line says it all.
  if (l.partial_gpus() == 0 && l.domain_size == g.domain_size() && st.idle_gpus == 0) return out;
  out.push_back(fmt::format("  layout: {} GPUs as {} (NVLink domains of {}); {} replica(s) of tp={}, each inside one "
                            "domain",
                            l.gpus, l.describe(st.topology->packaging()), l.domain_size, st.replicas, st.tp));
  if (l.partial_gpus() > 0 || l.domain_size < g.domain_size()) {
    const int64_t part = l.partial_gpus() > 0 ? l.partial_gpus() : l.domain_size;
    const std::string rule =
        g.tray_host_power.present()
            ? fmt::format("{} shared + {} per compute tray of {} GPU(s) in use ({} preset: host_power {} for {} "
                          "GPUs, gpus_per_tray, tray_host_power)",
                          W(g.host_power_shared()), W(g.tray_host_power.value), g.tray_gpus(), g.name,
                          W(g.host_power.value), g.domain_size())
            : fmt::format("the whole {} host_power ({} preset has no gpus_per_tray)", W(g.host_power.value), g.name);
    out.push_back(fmt::format("  power: a domain of {} of the preset's {} GPUs counts {} non-GPU power: {}", part,
                              g.domain_size(), W(l.partial_gpus() > 0 ? plan.host_w_partial : plan.host_w), rule));
  }
  if (st.idle_gpus > 0)
    out.push_back(fmt::format("  warning: {} of {} GPUs stay idle (left after the last whole replica of tp={}); they "
                              "draw idle power and count in power and cost",
                              st.idle_gpus, l.gpus, st.tp));
  return out;
}

}  // namespace rs
