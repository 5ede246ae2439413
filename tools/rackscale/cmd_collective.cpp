// rackscale collective [SCENARIO] --op OP --sizes MIN[:MAX[:FACTOR]] [--algo A] [--gpus N] [--set k=v]... [--out DIR]
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <cmath>
#include <iostream>
#include <map>
#include <memory>

#include "models/collectives/collective.hpp"
#include "models/collectives/nvlink_fit.hpp"
#include "models/scenario/topology_setup.hpp"
#include "sim/error.hpp"
#include "sim/output.hpp"
#include "tools/rackscale/commands.hpp"

namespace rs::cli {
namespace {

struct CollOptions {
  std::string scenario, op = "all_reduce", sizes = "1M:1G", algo = "auto", out;
  std::vector<std::string> sets;
  int64_t gpus = 0;
  bool gpus_given = false;  // --gpus on the command line (else hardware.gpus)
  bool force = false, fit = false;
};

// The send_recv rows nearest powers of 4 from 2 KB, measured vs `f`.
void print_p2p(const std::string& title, const P2pFit& f, const std::vector<NcclSample>& samples) {
  std::cout << fmt::format(
      "\n{}: alpha = {:.2f} us, bw = {:.1f} GB/s ({} points; |error| median {:.1f} %, p90 {:.1f} %, max {:.1f} %)\n",
      title, f.alpha_s * 1e6, f.bw_Bps / 1e9, f.samples, 100 * f.median_abs_rel_err, 100 * f.p90_abs_rel_err,
      100 * f.max_abs_rel_err);
  std::cout << fmt::format("{:>10} {:>12} {:>12} {:>8}\n", "bytes", "measured_us", "model_us", "err_%");
  for (int64_t p = 2048; p <= 64 << 20; p *= 4) {
    const NcclSample* near = nullptr;
    for (const auto& s : samples)
      if (s.op == CollOp::send_recv &&
          (!near || std::abs(s.bytes - static_cast<double>(p)) < std::abs(near->bytes - static_cast<double>(p))))
        near = &s;
    if (!near) return;
    std::cout << fmt::format("{:>10} {:>12.1f} {:>12.1f} {:>+8.1f}\n", static_cast<int64_t>(near->bytes),
                             near->time_s * 1e6, f.time(near->bytes) * 1e6, 100 * (f.time(near->bytes) / near->time_s - 1));
  }
}

void print_fit() {
  const NvlinkFit& f = bundled_nvlink_fit();
  std::cout << fmt::format(
      "NVLink alpha-beta fitted to {} in-node NCCL all_reduce times (vidur H100 DGX, 2 KB-64 MiB, n = 2, 4, 8):\n"
      "  alpha0 = {:.2f} us, alpha_step = {:.3f} us, bw = {:.1f} GB/s per GPU per direction\n"
      "  |error|: median {:.1f} %, p90 {:.1f} %, max {:.1f} %\n",
      f.samples, f.ab.alpha0_s * 1e6, f.ab.alpha_step_s * 1e6, f.ab.bw_Bps / 1e9, 100 * f.median_abs_rel_err,
      100 * f.p90_abs_rel_err, 100 * f.max_abs_rel_err);
  // Table at the sizes closest to powers of two.
  std::map<std::pair<int, int64_t>, NcclSample> best;
  for (const auto& s : load_nccl_samples()) {
    if (s.op != CollOp::all_reduce) continue;
    for (int64_t p = 2048; p <= 64 << 20; p *= 4) {
      auto key = std::make_pair(static_cast<int>(s.gpus), p);
      auto it = best.find(key);
      if (it == best.end() || std::abs(s.bytes - static_cast<double>(p)) < std::abs(it->second.bytes - static_cast<double>(p)))
        best[key] = s;
    }
  }
  std::cout << fmt::format("{:>4} {:>10} {:>12} {:>12} {:>8}\n", "gpus", "bytes", "measured_us", "model_us", "err_%");
  for (const auto& [k, s] : best) {
    double m = nvlink_time(CollOp::all_reduce, s.bytes, s.gpus, f.ab);
    std::cout << fmt::format("{:>4} {:>10} {:>12.1f} {:>12.1f} {:>+8.1f}\n", s.gpus, static_cast<int64_t>(s.bytes),
                             s.time_s * 1e6, m * 1e6, 100 * (m / s.time_s - 1));
  }
  print_p2p("In-node send_recv (2 H100 of one DGX, NVSwitch)", bundled_p2p_fit(), load_nccl_samples());
  print_p2p("Inter-node send_recv (2 DGX H100 nodes, 1 GPU each; network not named by vidur)",
            bundled_internode_p2p_fit(),
            load_nccl_samples(internode_send_recv_path()));
  std::cout << fmt::format("Network message latency (inter-node alpha - in-node alpha): {:.2f} us\n",
                           network_message_latency() * 1e6);
}

void collective(const CollOptions& o) {
  if (o.fit) {
    print_fit();
    return;
  }
  if (o.gpus_given && o.gpus < 1) fail(fmt::format("--gpus {}", o.gpus), "expected a number of GPUs >= 1");
  CollOp op = parse_coll_op(o.op, "--op " + o.op);
  const std::string algo_where = "--algo " + o.algo;
  CollAlgo algo = parse_coll_algo(o.algo, algo_where);
  std::vector<double> sizes = parse_sizes(o.sizes, "--sizes " + o.sizes);
  TopologySetup t = resolve_topology(load_scenario(o.scenario, o.sets));
  if (algo == CollAlgo::nvls && !t.gpu.has_nvls())
    fail(algo_where, fmt::format("GPU '{}' has no NVLink SHARP (nvlink_sharp in its preset): NVLS needs NVSwitches that "
                                 "reduce in-switch (HGX H100/H200, HGX B200, GB200/GB300 NVL72); use ring or tree",
                                 t.gpu.name));
  const int64_t gpus = o.gpus_given ? o.gpus : t.ls.s.hardware.gpus;
  std::string where = o.gpus_given ? fmt::format("--gpus {}", o.gpus) : t.ls.where("hardware.gpus");
  std::unique_ptr<OutputDir> dir;
  if (!o.out.empty()) dir = std::make_unique<OutputDir>(o.out, o.force);  // refuse a non-empty --out before simulating
  CollectiveRunner runner(t.topology->fabric(), nvlink_ab_for(t.gpu.nvlink_bandwidth.value, t.gpu.has_nvls()));
  auto rows = runner.run(op, sizes, gpus, where, algo, algo_where);
  CsvWriter csv({"op", "gpus", "size_bytes", "time_us", "algbw_GBps", "busbw_GBps", "algo"});
  std::cout << fmt::format("# {} on {} GPUs, {}: {}\n", to_string(op), gpus, t.kind, t.topology->describe());
  bool nvls = false, tree = false, net = gpus > t.gpu.domain_size();
  for (const auto& r : rows) {
    nvls = nvls || r.algo == CollAlgo::nvls;
    tree = tree || r.algo == CollAlgo::tree;
  }
  if (tree && !net)
    std::cout << "# tree inside one NVLink domain: NCCL's tree is a chain through the GPUs there; modelled with "
                 "ring's time\n";
  if (nvls && net)
    std::cout << "# nvls across domains: NCCL's NVLSTree (NVLS inside each domain, double binary tree between "
                 "domains)\n";
  if (nvls)
    std::cout << fmt::format("# nvls: bandwidth {:.3f} x the fitted ring's and {:.0f} us per call, both derived from "
                             "NCCL's published H100 figures (assumption: models/collectives/README.md)\n",
                             nvls_ring_bw_ratio(), nvls_call_latency() * 1e6);
  if (net)
    std::cout << fmt::format("# + {:.1f} us per inter-domain message: NCCL network cost fitted to vidur's 2-node H100 "
                             "send_recv (network not named by vidur), applied to {} as an assumption\n",
                             network_message_latency() * 1e6, t.kind);
  std::cout << fmt::format("{:>14} {:>12} {:>10} {:>10} {:>6}\n", "size_bytes", "time_us", "algbw_GB/s", "busbw_GB/s",
                           "algo");
  for (const auto& r : rows) {
    csv.cell(std::string_view(to_string(r.op))).cell(r.gpus).cell(static_cast<int64_t>(r.bytes));
    csv.cell(r.time_s * 1e6).cell(r.algbw_Bps / 1e9).cell(r.busbw_Bps / 1e9).cell(std::string_view(to_string(r.algo)));
    csv.end_row();
    std::cout << fmt::format("{:>14} {:>12.2f} {:>10.2f} {:>10.2f} {:>6}\n", static_cast<int64_t>(r.bytes),
                             r.time_s * 1e6, r.algbw_Bps / 1e9, r.busbw_Bps / 1e9, to_string(r.algo));
  }
  if (dir) {
    csv.save(dir->file("collective.csv"));
    dir->commit();
    std::cout << "wrote " << (dir->final_dir() / "collective.csv").string() << "\n";
  }
}

}  // namespace

void add_collective(CLI::App& app) {
  auto o = std::make_shared<CollOptions>();
  CLI::App* cmd = app.add_subcommand("collective", "time a collective like nccl-tests (size, time, algbw, busbw)");
  add_scenario_args(cmd, o->scenario, o->sets, "topology.kind=nvl72-efa");
  cmd->add_option("--op", o->op, "all_reduce, all_gather, reduce_scatter, all_to_all or send_recv");
  cmd->add_option("--sizes", o->sizes, "MIN[:MAX[:FACTOR]] bytes, K/M/G = 2^10/2^20/2^30, FACTOR default 2 (default 1M:1G)");
  cmd->add_option("--algo", o->algo,
                  "all_reduce algorithm: auto (fastest modelled, as NCCL's tuner would pick), ring, tree or nvls "
                  "(NVLink SHARP; GPUs whose NVSwitches reduce); other ops take auto or the one they run (ring for "
                  "all_gather/reduce_scatter, direct for all_to_all/send_recv)");
  CLI::Option* gpus = cmd->add_option("--gpus", o->gpus,
                                      "GPUs taking part, >= 1 (default hardware.gpus): at most one domain or whole domains");
  add_output_args(cmd, o->out, o->force, "write DIR/collective.csv");
  cmd->add_flag("--fit", o->fit, "print the NVLink alpha-beta fit against the bundled NCCL measurements and exit");
  cmd->callback([o, gpus] {
    o->gpus_given = gpus->count() > 0;
    collective(*o);
  });
}

}  // namespace rs::cli
