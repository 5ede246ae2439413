// Topologies: structural analysis against hand-computed values and generic
// graph algorithms; SimGrid flows against the alpha-beta expectation.
#include <doctest/doctest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <functional>
#include <simgrid/s4u.hpp>

#include "models/catalog/gpu.hpp"
#include "models/catalog/llm.hpp"
#include "models/scenario/parallelism.hpp"
#include "sim/engine.hpp"
#include "sim/error.hpp"
#include "sim/registry.hpp"
#include "tests/fork_helper.hpp"
#include "topologies/fabric.hpp"
#include "topologies/placement.hpp"
#include "topologies/topology.hpp"

using namespace rs;

namespace {

FabricSpec spec(int64_t domains, int64_t domain_size, int64_t rails, int64_t radix, double os, int64_t tiers = 0) {
  FabricSpec s;
  s.name = "ib";
  s.domains = domains;
  s.domain_size = domain_size;
  s.nvlink_bw = 100e9;
  s.nvlink_latency = 0.5e-6;
  s.nic_bw = 1e9;
  s.link_latency = 1e-6;
  s.rails = rails;
  s.radix = radix;
  s.oversubscription = os;
  s.tiers = tiers;
  return s;
}

}  // namespace

TEST_CASE("2-tier rail-optimized tree: counts, bisection, diameter, paths by hand") {
  // radix 4, os 1: leaf 2 down / 2 up. 4 domains of 2 GPUs, 2 rails: one NIC per
  // rail per domain, 2 domains per leaf -> 2 leaf groups x 2 rails = 4 leaves,
  // 4 x 2 up links / 4 ports = 2 spines.
  Fabric f(spec(4, 2, 2, 4, 1), "t");
  FabricAnalysis a = f.analyze();
  CHECK(a.leaves == 4);
  CHECK(a.spines == 2);
  CHECK(a.tiers == 2);
  CHECK(a.leaf_up_links == 8);
  // Balanced cut: half of the 8 NICs (4 GB/s) = half of the 8 leaf uplinks (4 GB/s).
  CHECK(a.bisection_Bps == doctest::Approx(4e9));
  CHECK(a.diameter_hops == 4);  // GPU - leaf - spine - leaf - GPU
  TopoGraph g = f.graph();
  CHECK(graph_connected(g));
  CHECK(graph_bisection(g, 4) == doctest::Approx(4e9));
  CHECK(graph_gpu_diameter(g) == 4);
  CHECK(graph_disjoint_paths(g, 0, 3) == 2);  // one NIC per rail per domain
}

TEST_CASE("oversubscribed 2-tier tree: the uplinks are the bisection") {
  // radix 4, os 3: leaf 3 down / 1 up; 6 single-rail domains of 1 GPU, 3 per leaf:
  // 2 leaves, 1 spine. The balanced cut separates the two leaves; the spine sits
  // on one side, so the cut is the other leaf's single 1 GB/s uplink.
  Fabric f(spec(6, 1, 1, 4, 3), "t");
  FabricAnalysis a = f.analyze();
  CHECK(a.leaves == 2);
  CHECK(a.spines == 1);
  CHECK(a.oversubscription == doctest::Approx(3));
  CHECK(a.bisection_Bps == doctest::Approx(1e9));
  TopoGraph g = f.graph();
  CHECK(graph_bisection(g, 6) == doctest::Approx(1e9));
  CHECK(graph_gpu_diameter(g) == 4);
}

TEST_CASE("3-tier tree: pods, diameter 6, bisection by hand") {
  // radix 4: leaf 2 down / 2 up, pods of radix/2 = 2 leaves, 2 aggregation
  // switches per pod (2 leaves x 2 up / 2 down ports), cores = 2 pods x 2 aggs x 2 up / 4 = 2.
  Fabric f(spec(4, 2, 1, 4, 1, 3), "t");
  FabricAnalysis a = f.analyze();
  CHECK(a.tiers == 3);
  CHECK(a.leaves == 4);
  CHECK(a.pods == 2);
  CHECK(a.aggs == 4);
  CHECK(a.cores == 2);
  CHECK(a.diameter_hops == 6);
  CHECK(a.bisection_Bps == doctest::Approx(4e9));  // 8 NICs / 2 = pod uplinks 2 x 4 GB/s / 2
  TopoGraph g = f.graph();
  CHECK(graph_gpu_diameter(g) == 6);
  CHECK(graph_bisection(g, 4) == doctest::Approx(4e9));
}

TEST_CASE("irregular trees: exact bisection by hand (odd domains, partial leaf groups and pods)") {
  // 3 domains of 2 GPUs, one rail, radix 4: leaf 2 down / 2 up, one domain per
  // leaf, 2 spines. A balanced cut puts one domain against two: the cheapest
  // isolates one domain, cutting its 2 NICs (= its leaf's 2 uplinks): 2 GB/s.
  // (Half of all NICs, the regular-tree formula, would say 3 GB/s.)
  Fabric odd(spec(3, 2, 1, 4, 1), "t");
  CHECK(odd.analyze().bisection_Bps == doctest::Approx(2e9));
  CHECK(graph_bisection(odd.graph(), 3) == doctest::Approx(2e9));
  // 5 single-GPU domains, radix 4, os 3: leaf 3 down / 1 up, leaf 0 full (3
  // domains), leaf 1 partial (2). Putting leaf 1's two domains on one side cuts
  // only leaf 1's 1 GB/s uplink.
  Fabric partial_leaf(spec(5, 1, 1, 4, 3), "t");
  CHECK(partial_leaf.groups() == 2);
  CHECK(partial_leaf.analyze().bisection_Bps == doctest::Approx(1e9));
  CHECK(graph_bisection(partial_leaf.graph(), 5) == doctest::Approx(1e9));
  // 3 tiers, 3 domains of 2 GPUs, radix 4: pods of 2 leaves (one domain each),
  // pod 1 partial. Isolating the lone domain of pod 1 cuts its 2 NICs: 2 GB/s.
  Fabric partial_pod(spec(3, 2, 1, 4, 1, 3), "t");
  CHECK(partial_pod.pods() == 2);
  CHECK(partial_pod.analyze().bisection_Bps == doctest::Approx(2e9));
  CHECK(graph_bisection(partial_pod.graph(), 3) == doctest::Approx(2e9));
}

TEST_CASE("exact structural bisection equals max-flow on small trees, regular and irregular") {
  int checked = 0, irregular = 0;
  for (int64_t tiers : {0, 3})  // 0: 2 tiers where the leaves fit one spine layer
    for (int64_t rails : {1, 2, 4})
      for (double os : {1.0, 3.0})
        for (int64_t domains = 2; domains <= 9; ++domains) {
          FabricSpec s = spec(domains, 4, rails, 8, os, tiers);
          Fabric f(s, "t");
          FabricAnalysis a = f.analyze();
          TopoGraph g = f.graph();
          CAPTURE(tiers);
          CAPTURE(rails);
          CAPTURE(os);
          CAPTURE(domains);
          CHECK(graph_bisection(g, domains) == doctest::Approx(a.bisection_Bps));
          CHECK(graph_gpu_diameter(g) == a.diameter_hops);
          irregular += domains % 2 == 1 || domains % f.domains_per_leaf() != 0;
          ++checked;
        }
  CHECK(checked == 96);
  CHECK(irregular >= 30);
}

TEST_CASE("a partial last domain: GPUs, NICs per rail, bisection by hand") {
  // Domains of 2, 2 and 1 GPU, one rail, radix 4: leaf 2 down / 2 up, one domain per leaf.
  // Balanced: one domain against two; the cheapest isolates the 1-GPU domain: its one 1 GB/s NIC.
  FabricSpec s = spec(3, 2, 1, 4, 1);
  s.last_domain_gpus = 1;
  Fabric f(s, "t");
  CHECK(f.gpus() == 5);
  CHECK(f.analyze().bisection_Bps == doctest::Approx(1e9));
  CHECK(graph_bisection(f.graph(), 3) == doctest::Approx(1e9));
  // 66 GPUs on 4 rails: GPU i on rail i % 4 -> 17, 17, 16, 16.
  FabricSpec r = spec(2, 72, 4, 64, 1);
  r.last_domain_gpus = 66;
  Fabric fr(r, "t");
  CHECK(fr.nics_on_rail(1, 0) == 17);
  CHECK(fr.nics_on_rail(1, 3) == 16);
  CHECK(fr.nics_on_rail(0, 3) == 18);
  CHECK_FALSE(fr.bisection_is_exact());
  r.last_domain_gpus = 64;
  CHECK(Fabric(r, "t").bisection_is_exact());
  r.last_domain_gpus = 73;
  CHECK_THROWS_WITH_AS(Fabric(r, "w"), doctest::Contains("the last NVLink domain has 73 GPUs, not 1 to 72"), InputError);
}

TEST_CASE("structural bisection with a partial last domain: equal to max-flow when it fills its rails evenly, else an "
          "upper bound") {
  int exact = 0, bound = 0;
  for (int64_t tiers : {0, 3})
    for (int64_t rails : {1, 2, 4})
      for (double os : {1.0, 3.0})
        for (int64_t domains = 2; domains <= 7; ++domains)
          for (int64_t last = 1; last < 4; ++last) {
            FabricSpec s = spec(domains, 4, rails, 8, os, tiers);
            s.last_domain_gpus = last;
            Fabric f(s, "t");
            FabricAnalysis a = f.analyze();
            TopoGraph g = f.graph();
            CAPTURE(tiers);
            CAPTURE(rails);
            CAPTURE(os);
            CAPTURE(domains);
            CAPTURE(last);
            CHECK(a.gpus == (domains - 1) * 4 + last);
            const double flow = graph_bisection(g, domains);
            if (a.bisection_exact) {
              CHECK(flow == doctest::Approx(a.bisection_Bps));
              ++exact;
            } else {
              CHECK(flow <= a.bisection_Bps * (1 + 1e-9));
              ++bound;
            }
            CHECK(graph_gpu_diameter(g) == a.diameter_hops);
          }
  CHECK(exact >= 40);
  CHECK(bound >= 40);
}

TEST_CASE("any hardware.gpus: NVLink-domain and scale-out kinds lay out a partial last domain") {
  GpuSpec gb200 = load_gpu("gb200"), h100 = load_gpu("h100");
  YAML::Node none(YAML::NodeType::Map);
  auto make = [&](const char* kind, const GpuSpec& g, int64_t gpus, YAML::Node p = YAML::Node(YAML::NodeType::Map)) {
    return Registry<Topology>::get(kind, "", "topology").make(p, {}, {&g, gpus, "w"});
  };
  CHECK(make("hgx", h100, 12)->describe() == "1 full HGX node + 1 node with 4 GPUs");
  CHECK(make("hgx", h100, 12)->fabric().gpus() == 12);
  CHECK(make("nvl72", gb200, 4)->describe() == "1 NVL72 rack with 4 of 72 GPUs");
  auto ib = make("nvl72-ib", gb200, 1000);
  CHECK(ib->fabric().spec().domains == 14);
  CHECK(ib->fabric().gpus() == 1000);
  CHECK(ib->describe().starts_with("13 full NVL72 racks + 1 rack with 64 GPUs on InfiniBand"));
  CHECK(ib->packaging() == Packaging::nvl_rack);
  CHECK(make("nvl72-ib", gb200, 1000, YAML::Load("{racks: 14}"))->fabric().gpus() == 1000);
  CHECK_THROWS_WITH_AS(make("nvl72-ib", gb200, 1000, YAML::Load("{racks: 13}")),
                       doctest::Contains("13 racks x 72 GPUs = 936 GPUs, but hardware.gpus=1000 fills 14 racks (13 full NVL72 racks + 1 "
                                         "rack with 64 GPUs)"), InputError);
  auto nodes = make("hgx-efa", h100, 20);  // 2 full nodes + 4 GPUs
  CHECK(nodes->fabric().spec().domains == 3);
  CHECK(nodes->packaging() == Packaging::hgx_node);
  CHECK_THROWS_WITH_AS(make("hgx", h100, 0), doctest::Contains("w: hardware.gpus=0: a topology needs at least one GPU"),
                       InputError);
  // The hosts of a partial layout: one per GPU (SimGrid, in a child process).
  std::vector<double> hosts = in_child([] {
    Engine eng;
    GpuSpec g = load_gpu("h100");
    auto t = Registry<Topology>::get("hgx", "", "topology").make(YAML::Node(YAML::NodeType::Map), {}, {&g, 12, "w"});
    return std::vector<double>{static_cast<double>(t->build().size())};
  });
  REQUIRE(hosts.size() == 1);
  CHECK(hosts[0] == 12);
}

TEST_CASE("scale-out NIC and switch figures come from the GPU preset, with its source") {
  GpuSpec gb300 = load_gpu("gb300");
  auto t = Registry<Topology>::get("nvl72-ib", "", "topology").make(YAML::Node(YAML::NodeType::Map), {}, {&gb300, 144, "w"});
  CHECK(t->fabric().spec().nic_bw * 8 == doctest::Approx(800e9));  // XDR, ConnectX-8
  CHECK(t->fabric().spec().radix == 144);                          // Quantum-X800
  bool sourced = false;
  for (const auto& l : t->sources()) sourced = sourced || l.starts_with("nic_bandwidth: gb300 preset: InfiniBand XDR");
  CHECK(sourced);
  GpuSpec bare = gb300;
  bare.ib_nic_bandwidth = Sourced{};
  CHECK_THROWS_WITH_AS(
      Registry<Topology>::get("nvl72-ib", "", "topology").make(YAML::Node(YAML::NodeType::Map), {}, {&bare, 144, "w"}),
      doctest::Contains("w: GPU 'gb300' has no ib_nic_bandwidth in its preset (models/hardware/gb300.yaml): set "
                        "topology.nic_bandwidth"),
      InputError);
}

TEST_CASE("explicit pod size: whole leaf groups, fits the aggregation switches, bisection still exact") {
  // radix 8, os 1, one rail of single-GPU domains: leaf 4 down / 4 up, 4 domains
  // per leaf, at most 4 leaves per pod. Pods of 8 domains = 2 leaves.
  FabricSpec s = spec(20, 1, 1, 8, 1);
  s.domains_per_pod = 8;
  Fabric f(s, "t");
  CHECK(f.tiers() == 3);  // a pod size asks for the core tier
  CHECK(f.pods() == 3);   // 8 + 8 + 4
  CHECK(f.domains_per_pod() == 8);
  FabricAnalysis a = f.analyze();
  CHECK(a.pods == 3);
  // Too many domains for max-flow here; a smaller irregular one instead.
  FabricSpec small = spec(11, 1, 1, 8, 3);
  small.domains_per_pod = 6;  // os 3: leaf 6 down / 2 up, pods of one leaf
  Fabric fs(small, "t");
  CHECK(fs.pods() == 2);
  CHECK(graph_bisection(fs.graph(), 11) == doctest::Approx(fs.analyze().bisection_Bps));
  CHECK(graph_gpu_diameter(fs.graph()) == fs.analyze().diameter_hops);
  FabricSpec bad = spec(20, 1, 1, 8, 1);
  bad.domains_per_pod = 6;
  CHECK_THROWS_WITH_AS(Fabric(bad, "p.yaml:2:3"), doctest::Contains("p.yaml:2:3: a pod of 6 domains is not a whole number of leaf groups"),
                       InputError);
  bad.domains_per_pod = 20;
  CHECK_THROWS_WITH_AS(Fabric(bad, "w"), doctest::Contains("needs 5 leaves, more than the 4"), InputError);
  bad.domains_per_pod = 8;
  bad.tiers = 2;
  CHECK_THROWS_WITH_AS(Fabric(bad, "w"), doctest::Contains("needs tiers: 3"), InputError);
}

TEST_CASE("NVLink domains without a fabric are disconnected") {
  FabricSpec s = spec(2, 72, 1, 64, 1);
  s.name = "none";
  Fabric f(s, "t");
  CHECK_FALSE(f.analyze().connected);
  CHECK(f.analyze().diameter_hops == -1);
  CHECK_FALSE(graph_connected(f.graph()));
}

TEST_CASE("bad fabrics fail with the location") {
  CHECK_THROWS_WITH_AS(Fabric(spec(4, 2, 2, 4, 0.5), "x.yaml:3:5"), doctest::Contains("x.yaml:3:5: oversubscription"),
                       InputError);
  CHECK_THROWS_WITH_AS(Fabric(spec(4, 8, 3, 4, 1), "x.yaml:3:5"), doctest::Contains("rails=3 must divide"), InputError);
  CHECK_THROWS_WITH_AS(Fabric(spec(4, 72, 1, 64, 1), "w"), doctest::Contains("down ports"), InputError);
  CHECK_THROWS_WITH_AS(Fabric(spec(4096, 8, 8, 8, 1, 2), "w"), doctest::Contains("use tiers: 3"), InputError);
}

TEST_CASE("registered scale-out kinds check their GPU count and params") {
  GpuSpec gb200 = load_gpu("gb200"), h100 = load_gpu("h100");
  YAML::Node none(YAML::NodeType::Map);
  const auto& e = Registry<Topology>::get("nvl72-efa", "", "topology");
  auto t = e.make(none, {}, {&gb200, 1152, "w"});
  CHECK(t->fabric().spec().domains == 16);
  CHECK(t->fabric().spec().nic_bw == doctest::Approx(400e9 / 8));  // p6e-gb200: 28.8 Tbit/s / 72
  YAML::Node racks = YAML::Load("{racks: 8}");
  CHECK_THROWS_WITH_AS(e.make(racks, {}, {&gb200, 1152, "w", "s.yaml:4:3"}),
                       doctest::Contains("s.yaml:4:3: 8 racks x 72 GPUs = 576 GPUs, but hardware.gpus=1152 fills 16 racks"),
                       InputError);
  auto pods = e.make(YAML::Load("{racks_per_pod: 6}"), {}, {&gb200, 1152, "w"});
  CHECK(pods->fabric().pods() == 3);  // 6 + 6 + 4 racks
  CHECK(pods->fabric().tiers() == 3);
  CHECK(e.make(YAML::Load("{pods: 2}"), {}, {&gb200, 864, "w"})->fabric().domains_per_pod() == 6);
  CHECK_THROWS_WITH_AS(e.make(YAML::Load("{pods: 3}"), {}, {&gb200, 1152, "w"}),
                       doctest::Contains("16 racks do not split into pods=3 equal pods"), InputError);
  CHECK_THROWS_WITH_AS(e.make(YAML::Load("{pods: 3, racks_per_pod: 6}"), {}, {&gb200, 1152, "w"}),
                       doctest::Contains("pods=3 x racks_per_pod=6 = 18 racks"), InputError);
  auto p5 = Registry<Topology>::get("hgx-efa", "", "topology").make(none, {}, {&h100, 32, "w"});
  CHECK(p5->fabric().spec().nic_bw * 8 == doctest::Approx(3200e9 / 8));  // p5: 3200 Gbit/s per 8 GPUs
  CHECK(p5->fabric().spec().rails == 8);
}

TEST_CASE("a lone flow takes size/bandwidth + latency; two flows on one link get half each") {
  // 6 domains of 2 GPUs (one rail), radix 8, os 3: leaf 6 down / 2 up, 3 domains per
  // leaf, uplink 2 GB/s; per-GPU NIC endpoints of 1 GB/s. nics[0] (domain 0) ->
  // nics[6] (domain 3, other leaf): NIC, leaf up, leaf up, NIC = 4 cables of 1 us.
  std::vector<double> r = in_child([] {
    Engine eng({"network/model:CM02", "network/TCP-gamma:0"});
    FabricSpec s = spec(6, 2, 1, 8, 3);  // radix 8, os 3: 6 down / 2 up; npr = 2 -> 3 domains per leaf
    s.nvlink_bw = 900e9;
    Fabric f(s, "t");
    Fabric::Platform pf = f.build(true, true);
    std::vector<double> out;
    simgrid::s4u::Actor::create("c", pf.nics[0], [&] {
      auto timed = [&](std::vector<std::pair<simgrid::s4u::Host*, simgrid::s4u::Host*>> pairs, double bytes) {
        double t0 = simgrid::s4u::Engine::get_clock();
        std::vector<simgrid::s4u::CommPtr> c;
        for (auto [a, b] : pairs) c.push_back(simgrid::s4u::Comm::sendto_async(a, b, static_cast<uint64_t>(bytes)));
        simgrid::s4u::Comm::wait_all(c);
        return simgrid::s4u::Engine::get_clock() - t0;
      };
      out.push_back(timed({{pf.nics[0], pf.nics[6]}}, 1e9));                       // one NIC -> other leaf
      out.push_back(timed({{pf.nics[0], pf.nics[6]}, {pf.nics[1], pf.nics[7]}}, 1e9));  // 2 flows, 2 GB/s uplink: no sharing
      out.push_back(timed({{pf.nics[0], pf.nics[6]}, {pf.nics[1], pf.nics[7]}, {pf.nics[2], pf.nics[8]}, {pf.nics[3], pf.nics[9]}},
                          1e9));                                                   // 4 flows on the 2 GB/s uplink
      out.push_back(timed({{pf.gpus[0], pf.gpus[1]}}, 900e6));                     // NVLink, same rack
      out.push_back(timed({{pf.nics[0], pf.nics[6]}, {pf.nics[0], pf.nics[8]}}, 1e9));  // 2 flows on one NIC link
    });
    eng.run();
    return out;
  });
  REQUIRE(r.size() == 5);
  CHECK(r[0] == doctest::Approx(1.0 + 4e-6).epsilon(1e-9));
  CHECK(r[1] == doctest::Approx(1.0 + 4e-6).epsilon(1e-9));
  CHECK(r[2] == doctest::Approx(2.0 + 4e-6).epsilon(1e-9));  // each gets half of the uplink
  CHECK(r[3] == doctest::Approx(1e-3 + 1e-6).epsilon(1e-9));  // 900 MB at 900 GB/s + 2 x 0.5 us
  CHECK(r[4] == doctest::Approx(2.0 + 4e-6).epsilon(1e-9));  // two flows on one 1 GB/s NIC: half each
}

TEST_CASE("placement: TP inside domains, EP cross-domain traffic and PP stage links by hand") {
  // 3 domains of 8 GPUs, one rail, radix 16: one domain per leaf, 2 tiers.
  Fabric f(spec(3, 8, 1, 16, 1), "t");
  ParallelWhere w{"s:tp", "s:ep", "s:pp"};
  // ep=12 (3 TP groups of 4): group 0 = 8 GPUs of domain 0 + 4 of domain 1. Same-domain
  // ordered pairs 8x7 + 4x3 = 68 of 12x11 = 132: 64/132 of the all-to-all crosses.
  PlacementReport ep = check_placement(f, {4, 12, 1}, w);
  CHECK(ep.instances == 2);
  CHECK(ep.ep_groups == 2);
  CHECK(ep.ep_groups_spanning == 2);
  CHECK(ep.ep_cross_max == doctest::Approx(64.0 / 132));
  CHECK(ep.ep_cross_mean == doctest::Approx(64.0 / 132));
  CHECK(ep.ep_tier == "the spine switches");
  REQUIRE(ep.warnings.size() == 1);
  // ep=8 fits a domain: no warning.
  CHECK(check_placement(f, {4, 8, 1}, w).warnings.empty());
  // tp=4, pp=3: instances of 12 GPUs. Instance 0: stages 0-3 | 4-7 (NVLink) | 8-11 (NIC);
  // instance 1: 12-15 | 16-19 (NIC) | 20-23 (NVLink).
  PlacementReport pp = check_placement(f, {4, 1, 3}, w);
  CHECK(pp.pp_boundaries == 4);
  CHECK(pp.pp_nvlink == 2);
  CHECK(pp.pp_nic == 2);
  // ep=6 (tp=2), pp=2: stage 0-5 -> 6-11: ranks 0,1 -> 6,7 stay in domain 0, the others cross: mixed.
  PlacementReport mixed = check_placement(f, {2, 6, 2}, w);
  CHECK(mixed.pp_mixed == 2);
  CHECK_THROWS_WITH_AS(check_placement(f, {16, 1, 1}, w), doctest::Contains("s:tp: tp=16 is larger"), InputError);
  CHECK_THROWS_WITH_AS(check_placement(f, {3, 1, 1}, w), doctest::Contains("s:tp: tp=3 does not divide"), InputError);
  CHECK_THROWS_WITH_AS(check_placement(f, {4, 6, 1}, w), doctest::Contains("s:ep: ep=6 is not a multiple of tp=4"),
                       InputError);
  CHECK_THROWS_WITH_AS(check_placement(f, {8, 1, 4}, w),
                       doctest::Contains("s:pp: a model instance of pp=4 x tp=8 = 32 GPUs needs more than the 24 GPUs"),
                       InputError);
  // pp=2 x tp=8 = 16 GPUs: one instance, the last 8 GPUs idle (a warning, not an error).
  PlacementReport idle = check_placement(f, {8, 1, 2}, w);
  CHECK(idle.instances == 1);
  CHECK(idle.idle_gpus == 8);
  REQUIRE(idle.warnings.size() == 1);
  CHECK(idle.warnings[0].find("8 of the 24 GPUs stay idle") != std::string::npos);
}

TEST_CASE("placement on a partial last domain: TP groups per domain, tp larger than the only domain refused") {
  // 2 domains: 8 GPUs + 4 GPUs. tp=8: one group in domain 0, domain 1's 4 GPUs idle.
  FabricSpec s = spec(2, 8, 1, 16, 1);
  s.last_domain_gpus = 4;
  Fabric f(s, "t");
  ParallelWhere w{"s:tp", "s:ep", "s:pp"};
  PlacementReport r = check_placement(f, {8, 1, 1}, w);
  CHECK(r.instances == 1);
  CHECK(r.idle_gpus == 4);
  CHECK(check_placement(f, {4, 1, 1}, w).instances == 3);
  FabricSpec lone = spec(1, 8, 1, 16, 1);
  lone.name = "none";
  lone.last_domain_gpus = 4;  // 4 H100 of one HGX node
  CHECK_THROWS_WITH_AS(check_placement(Fabric(lone, "t"), {8, 1, 1}, w),
                       doctest::Contains("s:tp: tp=8 is larger than the NVLink domain: hardware.gpus=4 makes one domain "
                                         "of 4 GPUs"),
                       InputError);
}

TEST_CASE("parallelism.ep and .pp: checked against the model, rejected by run, bad values refused") {
  const LlmSpec dense = load_llm("llama-3.1-70b"), moe = load_llm("deepseek-r1");
  LoadedScenario ep8 = load_scenario("", {"parallelism.ep=8"});
  CHECK(ep8.s.parallelism.pp == 1);
  CHECK_THROWS_WITH_AS(check_parallelism_for_model(ep8, dense),
                       doctest::Contains("--set parallelism.ep=8: ep=8 needs a mixture-of-experts model"), InputError);
  check_parallelism_for_model(ep8, moe);  // 256 experts / 8
  CHECK_THROWS_WITH_AS(reject_unsimulated_parallelism(ep8), doctest::Contains("expert parallelism (ep=8) is not simulated yet"),
                       InputError);
  CHECK_THROWS_WITH_AS(check_parallelism_for_model(load_scenario("", {"parallelism.ep=48"}), moe),
                       doctest::Contains("ep=48 does not divide the 256 routed experts"), InputError);
  CHECK_THROWS_WITH_AS(check_parallelism_for_model(load_scenario("", {"parallelism.pp=81"}), dense),
                       doctest::Contains("pp=81 is more pipeline stages than the 80 layers"), InputError);
  CHECK_THROWS_WITH_AS(load_scenario("", {"parallelism.pp=0"}), doctest::Contains("parallelism.pp: must be >= 1, got 0"),
                       InputError);
  CHECK_THROWS_WITH_AS(load_scenario("", {"parallelism.ep=two"}), doctest::Contains("parallelism.ep"), InputError);
}
