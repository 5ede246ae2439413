// Speed of the fabric models (one measurement per process: one SimGrid engine per process).
//   fabric_bench flows RACKS TOTAL CONCURRENT [simgrid|fluid|fluid-rtt]
//                                              random cross-rack flows on RACKS x NVL72 on EFA, solved by
//                                              SimGrid's LMM, FluidService with SimGrid's RTT weights
//                                              (same answer) or with equal weights (rackscale's RDMA model)
//   fabric_bench a2a RACKS BYTES               one expert-parallel all-to-all step across RACKS
//   fabric_bench build GPUS                    build + analyse an NVL72-on-EFA topology of GPUS
// Prints one line: what, sizes, wall seconds (and simulated seconds).
#include <fmt/format.h>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <random>
#include <simgrid/s4u.hpp>
#include <string>

#include "models/catalog/gpu.hpp"
#include "models/collectives/collective.hpp"
#include "models/collectives/nvlink_fit.hpp"
#include "models/network/fluid_service.hpp"
#include "sim/engine.hpp"
#include "sim/registry.hpp"
#include "topologies/topology.hpp"

namespace sg4 = simgrid::s4u;
using namespace rs;

namespace {

double now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

std::unique_ptr<Topology> nvl72_efa(const GpuSpec& gpu, int64_t gpus) {
  YAML::Node none(YAML::NodeType::Map);
  return Registry<Topology>::get("nvl72-efa", "", "topology").make(none, {}, {&gpu, gpus, "bench"});
}

int flows(int64_t racks, int64_t total, int64_t conc, const std::string& solver) {
  GpuSpec gpu = load_gpu("gb200");
  auto topo = nvl72_efa(gpu, racks * 72);
  const Fabric& f = topo->fabric();
  double t0 = now();
  std::vector<std::string> cfg{"network/model:CM02", "network/TCP-gamma:0"};
  if (const char* extra = std::getenv("FABRIC_BENCH_CFG")) cfg.push_back(extra);
  Engine eng(cfg);
  Fabric::Platform pf = f.build(false, false);
  double t_build = now() - t0;
  const int64_t eps = static_cast<int64_t>(pf.nics.size());
  std::unique_ptr<FluidService> fluid;
  if (solver == "fluid") fluid = std::make_unique<FluidService>(pf.nics[0]);
  else if (solver == "fluid-rtt") fluid = std::make_unique<FluidService>(pf.nics[0], FluidService::Sharing::rtt);
  else if (solver != "simgrid") throw std::runtime_error("solver must be simgrid, fluid or fluid-rtt");
  double sum_done = 0;  // checksum: sum of completion times, equal for both solvers
  // `conc` actors each send total / conc flows one after another: about `conc`
  // flows in flight; each flow goes from a random (rack, rail) endpoint to the
  // same rail of another random rack (a KV-cache transfer of 16-256 MB).
  for (int64_t a = 0; a < conc; ++a) {
    const int64_t n = total / conc + (a < total % conc ? 1 : 0);
    sg4::Actor::create(fmt::format("w{}", a), pf.nics[static_cast<size_t>(a % eps)], [&pf, &f, &fluid, &sum_done, n, a, racks] {
      std::mt19937_64 rng(static_cast<uint64_t>(a) + 1);
      const int64_t rails = f.spec().rails;
      for (int64_t i = 0; i < n; ++i) {
        int64_t src = static_cast<int64_t>(rng() % static_cast<uint64_t>(racks));
        int64_t dst = (src + 1 + static_cast<int64_t>(rng() % static_cast<uint64_t>(racks - 1))) % racks;
        int64_t rail = static_cast<int64_t>(rng() % static_cast<uint64_t>(rails));
        uint64_t bytes = (16ull << 20) << (rng() % 5);
        if (fluid) fluid->transfer(pf.nic(src, rail), pf.nic(dst, rail), static_cast<double>(bytes));
        else sg4::Comm::sendto_async(pf.nic(src, rail), pf.nic(dst, rail), bytes)->wait();
        sum_done += sg4::Engine::get_clock();
      }
    });
  }
  double t1 = now();
  eng.run();
  double wall = now() - t1;
  std::cout << fmt::format("flows solver={} racks={} gpus={} flows={} concurrent={} build_s={:.3f} run_wall_s={:.3f} "
                           "sim_s={:.6f} mean_done_s={:.9f} flows_per_wall_s={:.0f}\n",
                           solver, racks, racks * 72, total, conc, t_build, wall, sg4::Engine::get_clock(),
                           sum_done / static_cast<double>(total), static_cast<double>(total) / wall);
  return 0;
}

int a2a(int64_t racks, double bytes) {
  GpuSpec gpu = load_gpu("gb200");
  auto topo = nvl72_efa(gpu, racks * 72);
  CollectiveRunner r(topo->fabric(), nvlink_ab_for(gpu.nvlink_bandwidth.value));
  double t0 = now();
  auto rows = r.run(CollOp::all_to_all, {bytes}, racks * 72, "bench");
  double wall = now() - t0;
  std::cout << fmt::format("a2a racks={} gpus={} bytes_per_gpu={:.0f} flows={} wall_s={:.3f} sim_time_us={:.1f} "
                           "busbw_GBps={:.1f}\n",
                           racks, racks * 72, bytes, r.flows(), wall, rows[0].time_s * 1e6, rows[0].busbw_Bps / 1e9);
  return 0;
}

int build(int64_t gpus) {
  GpuSpec gpu = load_gpu("gb200");
  double t0 = now();
  auto topo = nvl72_efa(gpu, gpus);
  const Fabric& f = topo->fabric();
  FabricAnalysis a = f.analyze();
  double t_struct = now() - t0;
  TopoGraph g = f.graph();
  double t_graph = now() - t0;
  bool conn = graph_connected(g);
  int64_t paths = graph_disjoint_paths(g, 0, a.domains - 1);
  double t_algo = now() - t0;
  Engine eng({"network/model:CM02", "network/TCP-gamma:0"});
  Fabric::Platform pf = f.build(false, false);
  double t_total = now() - t0;
  std::cout << fmt::format(
      "build gpus={} racks={} tiers={} switches={} graph_vertices={} graph_edges={} connected={} disjoint_paths={} "
      "bisection_TBps={:.1f} diameter={} nic_endpoints={} structural_s={:.3f} graph_s={:.3f} algorithms_s={:.3f} "
      "simgrid_s={:.3f} total_s={:.3f}\n",
      gpus, a.domains, a.tiers, a.leaves + a.spines + a.aggs + a.cores, boost::num_vertices(g), boost::num_edges(g), conn,
      paths, a.bisection_Bps / 1e12, a.diameter_hops, pf.nics.size(), t_struct, t_graph - t_struct, t_algo - t_graph,
      t_total - t_algo, t_total);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string what = argc > 1 ? argv[1] : "";
  auto arg = [&](int i, const char* def) { return std::atoll(argc > i ? argv[i] : def); };
  try {
    if (what == "flows") return flows(arg(2, "16"), arg(3, "100000"), arg(4, "2000"), argc > 5 ? argv[5] : "simgrid");
    if (what == "a2a") return a2a(arg(2, "16"), static_cast<double>(arg(3, "268435456")));
    if (what == "build") return build(arg(2, "100008"));
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 2;
  }
  std::cerr << "usage: fabric_bench flows RACKS TOTAL CONCURRENT [simgrid|fluid|fluid-rtt] | a2a RACKS BYTES | build GPUS\n";
  return 2;
}
