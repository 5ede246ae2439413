#include "models/power/site.hpp"

#include <cmath>

namespace rs {

SitePlan plan_site(const PowerPlan& p, double site_budget_w) {
  SitePlan s;
  s.budget_w = site_budget_w;
  const double gpr = static_cast<double>(p.gpus_per_rack);
  s.rack_it_peak_w = gpr * p.gpu_cap_w + p.host_w * gpr / static_cast<double>(p.domain);
  s.rack_facility_peak_w = s.rack_it_peak_w * p.pue + gpr * p.network_per_gpu_w;
  s.racks = static_cast<int64_t>(std::floor(site_budget_w / s.rack_facility_peak_w));
  s.gpus = s.racks * p.gpus_per_rack;
  s.simulated_gpus = p.gpus;
  s.scale = static_cast<double>(s.gpus) / static_cast<double>(p.gpus);
  return s;
}

}  // namespace rs
