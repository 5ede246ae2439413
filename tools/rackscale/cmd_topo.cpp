// rackscale topo show|dot|check [SCENARIO] [--set k=v]...
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <iostream>
#include <memory>

#include "models/catalog/llm.hpp"
#include "models/scenario/parallelism.hpp"
#include "models/scenario/setup.hpp"
#include "models/scenario/topology_setup.hpp"
#include "sim/error.hpp"
#include "tools/rackscale/commands.hpp"
#include "topologies/placement.hpp"

namespace rs::cli {
namespace {

struct TopoOptions {
  std::string scenario;
  std::vector<std::string> sets;
};

std::string gbit(double Bps) { return fmt::format("{:g} Gbit/s", Bps * 8 / 1e9); }
std::string tbps(double Bps) { return fmt::format("{:.2f} TB/s", Bps / 1e12); }

// Generic graph checks are exponential (bisection) or quadratic (diameter): small instances only.
bool small(const Fabric& f) { return f.spec().domains <= 12 && f.gpus() <= 2048; }

void show(const TopoOptions& o) {
  TopologySetup t = resolve_topology(load_scenario(o.scenario, o.sets));
  const Fabric& f = t.topology->fabric();
  const FabricSpec& s = f.spec();
  FabricAnalysis a = f.analyze();
  TopoGraph g = f.graph();
  auto row = [](const std::string& k, const std::string& v) { std::cout << fmt::format("{:<18} {}\n", k, v); };
  row("topology", t.kind + ": " + t.topology->describe());
  row("GPUs", fmt::format("{} x {} in {} NVLink domain(s) of {} ({} per GPU per direction)", a.gpus, t.gpu.name,
                          a.domains, s.domain_size, tbps(s.nvlink_bw)));
  row("layout", t.topology->layout().describe(t.topology->packaging()));
  if (f.scale_out()) {
    row("NICs", fmt::format("{} x {} ({} per direction per domain), {} rails", a.nics, gbit(s.nic_bw),
                            gbit(s.nic_bw * static_cast<double>(s.domain_size)), s.rails));
    std::string sw = a.tiers == 2 ? fmt::format("{} leaves + {} spines", a.leaves, a.spines)
                                  : a.pods == 1
                                        ? fmt::format("{} leaves + {} aggregation + {} core in 1 pod of {} domains",
                                                      a.leaves, a.aggs, a.cores, a.domains)
                                        : fmt::format("{} leaves + {} aggregation + {} core in {} pods of {} domains{}",
                                                      a.leaves, a.aggs, a.cores, a.pods, f.domains_per_pod(),
                                                      a.domains % f.domains_per_pod() ? " (last one partial)" : "");
    row("switches", fmt::format("{} = {} ({}-tier fat tree, radix {}, leaf {} down / {} up)",
                                a.leaves + a.spines + a.aggs + a.cores, sw, a.tiers, s.radix, a.down_ports, a.up_ports));
    row("links", fmt::format("{} NVLink (GPU-NVSwitch), {} NIC, {} leaf up, {} aggregation up", a.nvlink_links,
                             a.nic_links, a.leaf_up_links, a.agg_up_links));
    row("oversubscription", fmt::format("{:.2f} (leaf down:up ports, asked {:g})", a.oversubscription, s.oversubscription));
    row("link latency", fmt::format("{:g} us per cable hop", s.link_latency * 1e6));
  } else {
    row("scale-out", "none (NVLink domains only)");
  }
  // Per GPU of the smaller side: floor(D/2) whole domains, or half the GPUs of a lone domain.
  const int64_t side = a.domains > 1 ? a.domains / 2 * s.domain_size : a.gpus / 2;  // whole domains (a partial one is last)
  row("bisection", fmt::format("{} per direction, {:.1f} GB/s per GPU of the smaller half ({})", tbps(a.bisection_Bps),
                               a.bisection_Bps / static_cast<double>(side > 0 ? side : 1) / 1e9,
                               a.domains == 1        ? "one NVLink domain: half its GPUs' NVLink bandwidth"
                               : a.bisection_exact ? "exact: min cut over balanced partitions of whole domains, structural"
                                                   : "upper bound: the partial last domain fills its rails unevenly"));
  row("diameter", a.diameter_hops < 0 ? "infinite (disconnected)" : fmt::format("{} hops GPU to GPU", a.diameter_hops));
  bool connected = graph_connected(g);
  row("connected", connected ? "yes" : fmt::format("no: {} NVLink domains without a scale-out fabric", a.domains));
  if (a.domains > 1)
    row("disjoint paths", fmt::format("{} edge-disjoint paths between domain 0 and domain {} (max-flow)",
                                      graph_disjoint_paths(g, 0, a.domains - 1), a.domains - 1));
  if (small(f) && a.domains > 1 && connected)
    row("generic check", fmt::format("bisection {} (max-flow over balanced domain partitions), diameter {} hops (BFS)",
                                     tbps(graph_bisection(g, a.domains)), graph_gpu_diameter(g)));
  auto src = t.topology->sources();
  if (!src.empty()) {
    std::cout << "sources:\n";
    for (const auto& l : src) std::cout << "  " << l << "\n";
  }
}

void dot(const TopoOptions& o) {
  TopologySetup t = resolve_topology(load_scenario(o.scenario, o.sets));
  std::cout << graph_dot(t.topology->fabric().graph());
}

void check(const TopoOptions& o) {
  LoadedScenario ls = load_scenario(o.scenario, o.sets);
  TopologySetup t = resolve_topology(ls);
  const Fabric& f = t.topology->fabric();
  if (!graph_connected(f.graph()))
    fail(t.ls.where("topology.kind"),
         fmt::format("topology {} does not connect its {} NVLink domains (no scale-out fabric): GPUs in different "
                     "domains cannot communicate; use {}-efa or {}-ib",
                     t.kind, f.spec().domains, t.kind, t.kind));
  const Scenario::Parallelism p = ls.s.parallelism;  // ls moves into resolve_serving below
  LlmSpec llm = load_llm(ls.s.model.name, ls.where("model.name"));
  check_parallelism_for_model(ls, llm);
  ParallelWhere w{ls.where("parallelism.tp"), ls.where("parallelism.ep"), ls.where("parallelism.pp")};
  int64_t tp = p.tp;
  std::string fit;
  if (p.ep == 1 && p.pp == 1) {
    // tp as `run` resolves it (auto: the smallest that fits the model's memory).
    ServingSetup st = resolve_serving(std::move(ls));
    tp = st.tp;
    if (p.tp == 0) fit = fmt::format("; tp={}: auto, the smallest whose replica fits in memory (as `run`)", tp);
  } else if (tp == 0) {
    fail(p.pp > 1 ? w.pp : w.ep,
         "parallelism.tp=0 (auto) is chosen by the serving memory plan, which does not model ep or pp yet: set "
         "parallelism.tp to check an ep/pp placement");
  }
  // Everything is checked before anything is printed (an error leaves no partial report).
  PlacementReport r = check_placement(f, {tp, p.ep, p.pp}, w);
  std::cout << fmt::format("ok: {} GPUs connected ({}); {}{}\n", f.gpus(), t.kind,
                           llm.is_moe() ? fmt::format("{} (MoE, {} routed experts{})", llm.name, llm.moe.experts,
                                                      p.ep > 1 ? fmt::format(", {} per GPU", llm.moe.experts / p.ep) : "")
                                        : llm.name + " (dense)",
                           fit);
  for (const auto& l : r.lines) std::cout << l << "\n";
  for (const auto& l : r.warnings) std::cout << "warning: " << l << "\n";
}

}  // namespace

void add_topo(CLI::App& app) {
  CLI::App* topo = app.add_subcommand("topo", "analyse a scenario's topology (show, dot, check)");
  topo->require_subcommand(1);
  auto add = [&](const char* name, const char* help, void (*fn)(const TopoOptions&)) {
    auto opt = std::make_shared<TopoOptions>();
    CLI::App* cmd = topo->add_subcommand(name, help);
    add_scenario_args(cmd, opt->scenario, opt->sets, "topology.kind=nvl72-efa");
    cmd->callback([opt, fn] { fn(*opt); });
  };
  add("show", "counts, bisection bandwidth, diameter, disjoint paths, sources", show);
  add("dot", "GraphViz DOT of the wiring on stdout", dot);
  add("check",
      "placement: errors for disconnected domains, TP groups outside an NVLink domain, an instance larger than the GPUs; "
      "warns about GPUs left idle; "
      "reports EP traffic across domains and the link between PP stages",
      check);
}

}  // namespace rs::cli
