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

SiteFigures scale_to_site(const SitePlan& p, const SiteRunValues& r) {
  const double k = p.scale;
  SiteFigures f;
  f.avg_power_w = r.avg_power_w * k;
  f.peak_power_w = r.peak_power_w * k;
  f.output_tok_per_s = r.output_tok_per_s * k;
  f.input_tok_per_s = r.input_tok_per_s * k;
  f.goodput_rps = r.goodput_rps * k;
  f.slo_attainment = r.slo_attainment;
  f.usd_per_mtok_input = r.usd_per_mtok_input;
  f.usd_per_mtok_output = r.usd_per_mtok_output;
  f.usd_per_hour = r.usd_per_gpu_hour * static_cast<double>(p.gpus);
  return f;
}

CsvWriter site_csv(const SitePlan& p, const SiteFigures& f) {
  CsvWriter w({"site_budget_w", "rack_facility_peak_w", "racks", "gpus", "simulated_gpus", "scale",
               "site_avg_power_w", "site_peak_power_w", "output_tok_per_s", "input_tok_per_s", "goodput_rps",
               "slo_attainment", "usd_per_mtok_input", "usd_per_mtok_output", "usd_per_hour"});
  w.cell(p.budget_w).cell(p.rack_facility_peak_w).cell(p.racks).cell(p.gpus).cell(p.simulated_gpus).cell(p.scale);
  w.cell(f.avg_power_w).cell(f.peak_power_w);
  w.cell(f.output_tok_per_s).cell(f.input_tok_per_s).cell(f.goodput_rps);
  w.cell(f.slo_attainment).cell(f.usd_per_mtok_input).cell(f.usd_per_mtok_output);
  w.cell(f.usd_per_hour);
  w.end_row();
  return w;
}

}  // namespace rs
