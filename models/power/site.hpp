#pragma once
// Site model: how many racks of a scenario's kind fit a facility power budget,
// sized at full load (every GPU at its cap or tdp, non-GPU rack power, PUE,
// network), and what that site serves, scaled from the simulated replicas.
#include <cstdint>

#include "models/power/power_plan.hpp"
#include "sim/output.hpp"

namespace rs {

struct SitePlan {
  double budget_w = 0;
  double rack_it_peak_w = 0, rack_facility_peak_w = 0;  // one full rack at full load
  int64_t racks = 0, gpus = 0;                         // that fit the budget
  int64_t simulated_gpus = 0;
  double scale = 0;  // site GPUs / simulated GPUs (throughputs scale by this)
};

SitePlan plan_site(const PowerPlan& p, double site_budget_w);

// What the simulated run gave (its summary values, typed; NaN: undefined).
struct SiteRunValues {
  double avg_power_w = 0, peak_power_w = 0;  // facility, the simulated GPUs
  double output_tok_per_s = 0, input_tok_per_s = 0, goodput_rps = 0, slo_attainment = 0;
  double usd_per_mtok_input = 0, usd_per_mtok_output = 0, usd_per_gpu_hour = 0;
};

// The site's figures: rates and power scale with the GPU count (x plan.scale,
// demand assumed to grow with the site: no statistical multiplexing modelled);
// ratios (SLO attainment, $/Mtoken) carry over unchanged.
struct SiteFigures {
  double avg_power_w = 0, peak_power_w = 0, output_tok_per_s = 0, input_tok_per_s = 0, goodput_rps = 0;
  double slo_attainment = 0, usd_per_mtok_input = 0, usd_per_mtok_output = 0, usd_per_hour = 0;
};
SiteFigures scale_to_site(const SitePlan& plan, const SiteRunValues& run);

// site.csv: one row, the plan and its figures.
CsvWriter site_csv(const SitePlan& plan, const SiteFigures& f);

}  // namespace rs
