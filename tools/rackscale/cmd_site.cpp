// `rackscale site`: how many racks of the scenario's kind fit power.site_budget,
// and what that site serves at the scenario's SLO (scaled from the simulated replicas).
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>

#include "models/power/site.hpp"
#include "models/scenario/power_setup.hpp"
#include "models/scenario/run.hpp"
#include "models/scenario/setup.hpp"
#include "sim/error.hpp"
#include "sim/output.hpp"
#include "tools/rackscale/commands.hpp"

namespace rs::cli {
namespace {

std::map<std::string, std::string> read_summary(const std::string& path) {
  std::ifstream f(path);
  std::string head, row;
  std::getline(f, head);
  std::getline(f, row);
  auto split = [](const std::string& s) {
    std::vector<std::string> v;
    std::stringstream ss(s);
    for (std::string c; std::getline(ss, c, ',');) v.push_back(c);
    if (!s.empty() && s.back() == ',') v.emplace_back();
    return v;
  };
  auto k = split(head), v = split(row);
  std::map<std::string, std::string> m;
  for (std::size_t i = 0; i < k.size(); ++i) m[k[i]] = i < v.size() ? v[i] : "";
  return m;
}

double num(const std::map<std::string, std::string>& m, const std::string& k) {
  auto it = m.find(k);
  return it == m.end() || it->second.empty() ? std::nan("") : std::stod(it->second);
}

void site(const RunOptions& in) {
  ServingSetup st = resolve_serving(load_scenario(in.scenario, in.sets));
  const double budget = st.ls.s.power.site_budget;
  if (budget <= 0)
    throw InputError("rackscale site needs a site budget: --set power.site_budget=<power> (e.g. 100MW)");
  PowerPlan plan = make_power_plan(st);
  SitePlan sp = plan_site(plan, budget);
  if (sp.racks < 1)
    throw InputError(fmt::format("power.site_budget={} does not hold one rack at full load ({})",
                                 format_quantity(budget, Dim::Watts), format_quantity(sp.rack_facility_peak_w, Dim::Watts)));
  // Simulate the scenario's own racks without the site budget (it sizes the site instead).
  RunOptions opt = in;
  opt.sets.push_back("power.site_budget=0W");
  if (opt.out.empty()) opt.out = "results/" + st.ls.s.name + "-site";
  std::ostringstream quiet_out, quiet_log;
  run_scenario(opt, quiet_out, quiet_log);
  auto s = read_summary(opt.out + "/summary.csv");
  const double k = sp.scale;
  CsvWriter w({"site_budget_w", "rack_facility_peak_w", "racks", "gpus", "simulated_gpus", "scale",
               "site_avg_power_w", "site_peak_power_w", "output_tok_per_s", "input_tok_per_s", "goodput_rps",
               "slo_attainment", "usd_per_mtok_input", "usd_per_mtok_output", "usd_per_hour"});
  w.cell(budget).cell(sp.rack_facility_peak_w).cell(sp.racks).cell(sp.gpus).cell(sp.simulated_gpus).cell(k);
  w.cell(num(s, "avg_power_w") * k).cell(num(s, "peak_power_w") * k);
  w.cell(num(s, "output_tok_per_s") * k).cell(num(s, "input_tok_per_s") * k).cell(num(s, "goodput_rps") * k);
  w.cell(num(s, "slo_attainment")).cell(num(s, "usd_per_mtok_input")).cell(num(s, "usd_per_mtok_output"));
  w.cell(num(s, "usd_per_gpu_hour") * static_cast<double>(sp.gpus));
  w.end_row();
  w.save(opt.out + "/site.csv");
  mark_output(opt.out, OutputState::Complete);  // list site.csv in the marker, so that --force may replace the folder

  auto W = [](double x) { return format_quantity(x, Dim::Watts); };
  std::cout << fmt::format(
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
      W(budget), plan.gpus_per_rack, st.gpu.name, W(sp.rack_facility_peak_w), W(sp.rack_it_peak_w), plan.pue,
      sp.racks, sp.gpus, sp.simulated_gpus, plan.replicas, plan.tp, k, W(num(s, "avg_power_w") * k),
      W(num(s, "peak_power_w") * k), num(s, "output_tok_per_s") * k, num(s, "input_tok_per_s") * k,
      st.ls.s.slo.ttft, st.ls.s.slo.itl, num(s, "goodput_rps") * k, num(s, "slo_attainment"),
      num(s, "usd_per_mtok_input"), num(s, "usd_per_mtok_output"), num(s, "usd_per_gpu_hour") * static_cast<double>(sp.gpus),
      opt.out);
}

}  // namespace

void add_site(CLI::App& app) {
  auto opt = std::make_shared<RunOptions>();
  CLI::App* cmd = app.add_subcommand(
      "site", "how many racks of the scenario's kind fit power.site_budget and what that site serves at its SLO");
  add_scenario_args(cmd, opt->scenario, opt->sets, "power.site_budget=100MW");
  add_output_args(cmd, opt->out, opt->force, "output directory (default results/<scenario name>-site)");
  cmd->callback([opt] { site(*opt); });
}

}  // namespace rs::cli
