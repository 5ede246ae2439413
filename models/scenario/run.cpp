#include "models/scenario/run.hpp"

#include <chrono>
#include <fmt/format.h>
#include <new>
#include <ostream>
#include <stdexcept>

#include "models/cost/cost_model.hpp"
#include "models/metrics/serving_metrics.hpp"
#include "models/power/governor.hpp"
#include "models/power/power_meter.hpp"
#include "models/scenario/power_setup.hpp"
#include "models/scenario/setup.hpp"
#include "models/serving/cluster.hpp"
#include "models/workload/synthetic.hpp"
#include "models/workload/trace_readers.hpp"
#include "sim/engine.hpp"
#include "sim/output.hpp"
#include "sim/registry.hpp"

namespace rs {
namespace {

std::unique_ptr<RequestSource> open_workload(const LoadedScenario& ls) {
  const Scenario& s = ls.s;
  std::unique_ptr<RequestSource> src;
  if (ls.s.use_synthetic) {
    const auto& y = s.workload.synthetic;
    src = make_synthetic({y.requests, y.rate, y.arrival, y.lengths, y.input_tokens, y.output_tokens, y.length_cv},
                         static_cast<uint64_t>(s.seed));
  } else {
    src = open_trace(s.workload.trace, s.workload.format, ls.where("workload.trace"));
  }
  return std::make_unique<ScaledSource>(std::move(src), s.workload.rate_scale, s.workload.max_requests);
}

// Requests the run will see, for the progress ETA (0 = unknown: a trace file given by path).
int64_t expected_requests(const Scenario& s) {
  int64_t n = 0;
  if (s.use_synthetic) {
    n = s.workload.synthetic.requests;
  } else {
    for (const auto& t : bundled_traces())
      if (t.name == s.workload.trace) n = t.requests;
  }
  if (s.workload.max_requests > 0) n = n > 0 ? std::min(n, s.workload.max_requests) : s.workload.max_requests;
  return n;
}

void print_summary(std::ostream& out, const CsvWriter& summary, const std::string& dir) {
  // Two-row CSV -> "column  value" lines.
  const auto rows = parse_csv(summary.text(), "summary.csv");  // RFC 4180: a cell may hold a comma
  for (std::size_t i = 0; rows.size() >= 2 && i < rows[0].size() && i < rows[1].size(); ++i)
    out << fmt::format("  {:<26} {}\n", rows[0][i], rows[1][i].empty() ? "(undefined)" : rows[1][i]);
  out << "results: " << dir << "/\n";
}

// The power meter's values by column name (ServingMetrics::energy_columns()).
EnergySummary energy_summary(const std::vector<double>& values) {
  const std::vector<std::string> cols = ServingMetrics::energy_columns();
  auto at = [&](const char* name) {
    for (std::size_t i = 0; i < cols.size() && i < values.size(); ++i)
      if (cols[i] == name) return values[i];
    throw std::logic_error(std::string("energy column missing: ") + name);
  };
  return {at("energy_j"),         at("avg_power_w"),        at("peak_power_w"),
          at("tokens_per_kwh"),   at("output_tok_per_s_per_mw"), at("usd_per_gpu_hour"),
          at("usd_per_mtok_input"), at("usd_per_mtok_output")};
}

}  // namespace

RunResult run_scenario(const RunOptions& opt, std::ostream& out, std::ostream& log, const ExtraOutputs& extra) {
  auto wall0 = std::chrono::steady_clock::now();
  ServingSetup st = resolve_serving(load_scenario(opt.scenario, opt.sets), opt.force_calibration);
  const Scenario& s = st.ls.s;
  const PowerPlan power_plan = make_power_plan(st);  // validates caps and budgets before any output
  auto source = open_workload(st.ls);  // opens the trace now: a missing file fails before any output
  if (st.replicas > kMaxReplicas)  // replica ids are 32-bit (requests.csv, routers)
    fail(st.ls.where("hardware.gpus"), fmt::format("{} replicas of tp={}: at most {} replicas are supported",
                                                   st.replicas, st.tp, kMaxReplicas));
  OutputDir dir(opt.out.empty() ? "results/" + s.name : opt.out, opt.force);

  std::string notes;
  auto note = [&](const std::string& line) { notes += line + "\n"; };
  note(fmt::format("rackscale run: {} x {} ({}), {} as {} replica(s) of tp={}, {} weights", s.hardware.gpus,
                   st.gpu.name, st.topology->describe(), st.llm.name, st.replicas, st.tp, to_string(st.precision)));
  note(fmt::format("  KV cache: {} tokens per replica ({} blocks of {}); workload: {}", st.memory.kv_tokens,
                   st.memory.kv_blocks, s.serving.block_size, source->describe()));
  for (const auto& l : layout_notes(st, power_plan)) note(l);
  if (!st.cal.carried_from.empty())
    note(fmt::format("  note: calibration '{}' was measured on {} and is carried to {} by datasheet ratios", st.cal.name,
                     st.cal.carried_from, st.gpu.name));
  if (st.cal.kind == "assumed")
    note(fmt::format("  note: calibration '{}' holds ASSUMED efficiencies (no measured profile for {} yet)", st.cal.name,
                     st.gpu.name));
  if (st.gpu.status == "preliminary")
    note(fmt::format("  note: GPU '{}' uses preliminary (announced, unmeasured) figures", st.gpu.name));
  for (const auto& c : source->unused_columns()) note("  note: trace column read but not used: " + c);
  note(fmt::format("  power: {} rack(s) of {} GPUs, {} idle / {} full load / {} tdp per GPU, {} non-GPU per {}-GPU "
                   "enclosure, PUE {}, {} network per GPU; cap {} per GPU{}{}",
                   power_plan.racks, power_plan.gpus_per_rack, format_quantity(power_plan.idle_w, Dim::Watts),
                   format_quantity(power_plan.full_w, Dim::Watts), format_quantity(power_plan.tdp_w, Dim::Watts),
                   format_quantity(power_plan.host_w, Dim::Watts),
                   power_plan.domain, power_plan.pue, format_quantity(power_plan.network_per_gpu_w, Dim::Watts),
                   format_quantity(power_plan.gpu_cap_w, Dim::Watts),
                   power_plan.rack_budget_w > 0 ? ", rack budget " + format_quantity(power_plan.rack_budget_w, Dim::Watts) : "",
                   power_plan.site_budget_w > 0 ? ", site budget " + format_quantity(power_plan.site_budget_w, Dim::Watts) : ""));
  for (const auto& l : power_plan.gpu.source_lines()) note("  power source: " + l);
  note("  note: non-GPU rack power (CPUs, NVSwitch trays, NICs, fans) is held at its nameplate value whatever the load "
       "(conservative: no sourced idle-vs-load model for it)");
  note("  note: power, energy and cost figures are APPROXIMATE: the DVFS relation, PUE, network power, most prices and, "
       "without a measured power group, idle power are labelled assumptions (rackscale explain scenario; "
       "models/hardware/*.yaml)");
  if (s.cost.gpu_hour > 0) note(fmt::format("  cost: rental price {} USD/GPU-hour replaces the capex model", s.cost.gpu_hour));

  Engine engine;
  ClusterConfig cc;
  // Serving sends no flows yet: its one actor only sleeps, so it needs no
  // per-GPU platform (st.topology->build(): ~5 KB per GPU host). KV-transfer
  // flows will build the topology and put the actor on one of its hosts.
  cc.host = engine.single_host("serving");
  cc.replicas = st.replicas;
  cc.coalesce = s.sim.coalesce;
  cc.max_window = s.sim.max_window;
  cc.max_request_tokens = st.max_model_len;
  cc.kv_capacity_tokens = st.memory.kv_tokens;
  const TimeNs stop_at = s.sim.duration > 0 ? s_to_ns(s.sim.duration) : kNever;
  cc.stop_at = stop_at;
  PowerModel power_model(*st.model, power_plan.gpu, s.power.min_clock, st.ls.where("power"));
  std::unique_ptr<PowerGovernor> governor;
  if (power_plan.needs_governor()) governor = std::make_unique<PowerGovernor>(power_model, power_plan);
  cc.governor = governor.get();

  ServingSignals signals;
  Progress progress(expected_requests(s));
  ServingMetrics metrics(signals, st.memory.kv_blocks * st.replicas, &progress);
  PowerMeter power(signals, power_model, power_plan, stop_at);
  const ImplChoice& sc = s.serving.scheduler;
  const auto& sched_entry = Registry<Scheduler>::get(sc.kind, "", "scheduler");
  const ImplChoice& rc = s.serving.router;
  auto router = Registry<Router>::get(rc.kind, "", "router").make(rc.params, rc.at, {static_cast<int32_t>(st.replicas)});
  ServingCluster cluster(
      cc, [&](const Scheduler::Deps& d) { return sched_entry.make(sc.params, sc.at, d); }, std::move(router),
      *st.model, st.memory.kv_blocks, s.serving.block_size, *source, signals);
  cluster.start();
  try {
    engine.run();
  } catch (const std::bad_alloc&) {  // a resource limit, not a bug: say which and what to lower
    fail("", fmt::format("out of memory after {} requests: lower workload.max_requests or run on a machine with more "
                         "memory", cluster.requests().size()));
  }
  progress.finish();
  if (cluster.replicas_used() < st.replicas)  // say so when some replicas never got a request
    note(fmt::format("  serving: {} of {} replicas received requests, at most {} had work at once (idle replicas "
                     "cost no simulation work)",
                     cluster.replicas_used(), st.replicas, cluster.peak_active()));

  SummaryContext ctx{s.hardware.gpus, st.replicas, st.tp, st.memory.kv_tokens, s.slo.ttft, s.slo.itl, st.cal.name,
                     st.cal.kind_label()};
  double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
  CostInputs cost_in{s.cost, st.gpu.price_per_gpu.value, 0, 0};
  const std::vector<double> energy = power.summary_values(cost_in);
  RunResult result{dir.final_dir().string(), s.hardware.gpus, st.replicas, st.tp,
                   metrics.summarize(cluster.requests(), ctx), energy_summary(energy)};
  CsvWriter summary = metrics.summary(result.serving, ctx, energy, wall);
  summary.save(dir.file("summary.csv"));
  metrics.requests_csv(cluster.requests()).save(dir.file("requests.csv"));
  metrics.timeline_csv().save(dir.file("timeline.csv"));
  power.power_csv().save(dir.file("power.csv"));
  st.ls.s.power.memory_power_share = power_plan.gpu.memory_share.value;  // the value used (a profile may set it)
  std::string power_sources = "# GPU power model parameters (power_plan.gpu):\n";
  for (const auto& l : power_plan.gpu.source_lines()) power_sources += "#   " + l + "\n";
  write_file_atomic(dir.file("scenario.resolved.yaml"), st.resolved_yaml() + power_sources);
  write_file_atomic(dir.file("run.log"), notes);
  if (extra) extra(result, dir);  // written before the one commit
  dir.commit();
  log << notes;  // after success, so that a failed run prints only its error
  print_summary(out, summary, dir.final_dir().string());
  return result;
}

}  // namespace rs
