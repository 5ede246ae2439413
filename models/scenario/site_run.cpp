#include "models/scenario/site_run.hpp"

#include <fmt/format.h>
#include <ostream>
#include <sstream>

#include "models/power/site.hpp"
#include "models/scenario/power_setup.hpp"
#include "models/scenario/setup.hpp"
#include "sim/error.hpp"

namespace rs {
namespace {

SiteRunValues site_inputs(const RunResult& r) {
  SiteRunValues v;
  v.avg_power_w = r.energy.avg_power_w;
  v.peak_power_w = r.energy.peak_power_w;
  v.output_tok_per_s = r.serving.output_tok_per_s;
  v.input_tok_per_s = r.serving.input_tok_per_s;
  v.goodput_rps = r.serving.goodput_rps;
  v.slo_attainment = r.serving.slo_attainment;
  v.usd_per_mtok_input = r.energy.usd_per_mtok_input;
  v.usd_per_mtok_output = r.energy.usd_per_mtok_output;
  v.usd_per_gpu_hour = r.energy.usd_per_gpu_hour;
  return v;
}

}  // namespace

void run_site(const RunOptions& in, std::ostream& out) {
  ServingSetup st = resolve_serving(load_scenario(in.scenario, in.sets), in.force_calibration);
  const double budget = st.ls.s.power.site_budget;
  if (budget <= 0) throw InputError("rackscale site needs a site budget: --set power.site_budget=<power> (e.g. 100MW)");
  const PowerPlan plan = make_power_plan(st);
  const SitePlan sp = plan_site(plan, budget);
  if (sp.racks < 1)
    fail(st.ls.where("power.site_budget"),
         fmt::format("power.site_budget={} does not hold one rack at full load ({})", format_quantity(budget, Dim::Watts),
                     format_quantity(sp.rack_facility_peak_w, Dim::Watts)));
  // Simulate the scenario's own racks without the site budget (it sizes the site instead).
  RunOptions opt = in;
  opt.sets.push_back("power.site_budget=0W");
  if (opt.out.empty()) opt.out = "results/" + st.ls.s.name + "-site";
  SiteFigures f;
  std::ostringstream quiet_out, quiet_log;  // the run's own report: its files (run.log) keep it
  RunResult run = run_scenario(opt, quiet_out, quiet_log, [&](const RunResult& r, const OutputDir& dir) {
    f = scale_to_site(sp, site_inputs(r));
    site_csv(sp, f).save(dir.file("site.csv"));
  });

  auto W = [](double x) { return format_quantity(x, Dim::Watts); };
  out << fmt::format(
      "site budget {}: one {}-GPU rack of {} draws at most {} at the facility (IT {} x PUE {} + network)\n"
      "  racks that fit: {} ({} GPUs)\n"
      "  simulated: {} GPUs ({} replicas of tp={}); the site figures below scale them x{:.6g}, assuming demand\n"
      "  grows with the site (scaled linearly: no statistical multiplexing across more replicas is modelled)\n"
      "  site average / peak facility power: {} / {}\n"
      "  output tokens/s: {:.6g}, input tokens/s: {:.6g}\n"
      "  requests/s within SLO (ttft {} s, itl {} s): {:.6g} (attainment {:.4g})\n"
      "  $/Mtoken input {:.4g}, output {:.4g}; site cost {:.6g} USD/hour\n"
      "  note: power and cost figures are APPROXIMATE (labelled assumptions; see run.log)\n"
      "results: {}/ (site.csv and the simulated run)\n",
      W(budget), plan.gpus_per_rack, st.gpu.name, W(sp.rack_facility_peak_w), W(sp.rack_it_peak_w), plan.pue, sp.racks,
      sp.gpus, sp.simulated_gpus, run.replicas, run.tp, sp.scale, W(f.avg_power_w), W(f.peak_power_w),
      f.output_tok_per_s, f.input_tok_per_s, st.ls.s.slo.ttft, st.ls.s.slo.itl, f.goodput_rps, f.slo_attainment,
      f.usd_per_mtok_input, f.usd_per_mtok_output, f.usd_per_hour, run.dir);
}

}  // namespace rs
