// The fluid max-min network: hand-computed cases, and agreement with SimGrid's
// own LMM solver on the same platform and traffic.
#include <doctest/doctest.h>

#include <random>
#include <simgrid/s4u.hpp>

#include "models/catalog/gpu.hpp"
#include "models/network/fluid_network.hpp"
#include "models/network/fluid_service.hpp"
#include "sim/engine.hpp"
#include "sim/registry.hpp"
#include "tests/fork_helper.hpp"
#include "topologies/topology.hpp"

using namespace rs;

namespace {

// Runs the network until idle; returns each flow's completion time by id.
std::vector<double> drain(FluidNetwork& n) {
  std::vector<double> done;
  for (double t = n.next_event(); t != FluidNetwork::never; t = n.next_event())
    for (auto id : n.advance(t)) {
      if (done.size() <= static_cast<size_t>(id)) done.resize(static_cast<size_t>(id) + 1, -1);
      done[static_cast<size_t>(id)] = t;
    }
  return done;
}

}  // namespace

TEST_CASE("fluid: a lone flow takes latency + size / bandwidth; two flows on one link get half each") {
  FluidNetwork n;
  int l = n.add_link(100);
  n.start(0, {l}, 0.5, 1000);
  CHECK(drain(n)[0] == doctest::Approx(10.5).epsilon(1e-12));

  FluidNetwork m;
  int k = m.add_link(100);
  m.start(0, {k}, 0, 1000);
  m.start(0, {k}, 0, 1000);
  m.next_event();
  CHECK(m.rate(0) == doctest::Approx(50));
  auto t = drain(m);
  CHECK(t[0] == doctest::Approx(20));
  CHECK(t[1] == doctest::Approx(20));
}

TEST_CASE("fluid: max-min fair rates (bottleneck first, leftover to the others; bounds hold)") {
  // Links A = 1, B = 2; f0 on A, f1 on A and B, f2 on B: A saturates first at
  // 0.5 each, f2 takes what B has left: 1.5.
  FluidNetwork n;
  int a = n.add_link(1), b = n.add_link(2);
  n.start(0, {a}, 0, 1e9);
  n.start(0, {a, b}, 0, 1e9);
  n.start(0, {b}, 0, 1e9);
  n.next_event();
  CHECK(n.rate(0) == doctest::Approx(0.5));
  CHECK(n.rate(1) == doctest::Approx(0.5));
  CHECK(n.rate(2) == doctest::Approx(1.5));

  FluidNetwork m;
  int c = m.add_link(100);
  m.start(0, {c}, 0, 1e9, 30);  // bounded below its fair share
  m.start(0, {c}, 0, 1e9);
  m.next_event();
  CHECK(m.rate(0) == doctest::Approx(30));
  CHECK(m.rate(1) == doctest::Approx(70));
}

TEST_CASE("fluid: a flow that ends frees its share; latency delays sharing") {
  // f0 100 B and f1 300 B on 100 B/s: 50 each until f0 ends at 2 s, then f1
  // alone at 100 B/s sends its last 200 B by 4 s.
  FluidNetwork n;
  int l = n.add_link(100);
  n.start(0, {l}, 0, 100);
  n.start(0, {l}, 0, 300);
  auto t = drain(n);
  CHECK(t[0] == doctest::Approx(2));
  CHECK(t[1] == doctest::Approx(4));

  // f1 starts at 1 s with 1 s of latency: f0 is alone until 2 s (200 B sent).
  FluidNetwork m;
  int k = m.add_link(100);
  m.start(0, {k}, 0, 400);
  CHECK(m.next_event() == doctest::Approx(4));
  m.start(1, {k}, 1, 100);
  auto u = drain(m);
  CHECK(u[1] == doctest::Approx(4));  // 100 B at 50 B/s from 2 s
  CHECK(u[0] == doctest::Approx(5));  // 200 B left at 2 s: 100 B by 4 s, 100 B alone by 5 s
  CHECK_THROWS(m.start(0, {k}, 0, 1));  // in the past

  // Starting a flow later than the last solve keeps what earlier flows sent:
  // f0 (2 B) alone at 1 B/s until 1 s, then shares with f1 (0.5 B): f1 ends
  // at 2 s, f0 has 0.5 B left and ends at 2.5 s.
  FluidNetwork q;
  int j = q.add_link(1);
  q.start(0, {j}, 0, 2);
  q.start(1, {j}, 0, 0.5);
  auto v = drain(q);
  CHECK(v[1] == doctest::Approx(2));
  CHECK(v[0] == doctest::Approx(2.5));
  FluidNetwork r;
  int i = r.add_link(1);
  r.start(0, {i}, 1, 1);
  CHECK_THROWS(r.start(5, {i}, 0, 1));  // the activation at 1 s was not processed
  CHECK_THROWS(m.start(9, {}, 0, 1));   // neither links nor bound
}

// Random cross-rack flows on 4 x NVL72 on EFA, by actors that each send a few
// flows with pauses between them: completion times from SimGrid's solver
// (sendto_async) and from FluidService on the same platform.
std::vector<double> cross_rack_run(bool fluid, FluidService::Sharing sharing = FluidService::Sharing::rtt) {
  return in_child([fluid, sharing] {
    GpuSpec gpu = load_gpu("gb200");
    YAML::Node none(YAML::NodeType::Map);
    auto topo = Registry<Topology>::get("nvl72-efa", "", "topology").make(none, {}, {&gpu, 4 * 72, "t"});
    Engine eng({"network/model:CM02", "network/TCP-gamma:0"});
    Fabric::Platform pf = topo->fabric().build(false, false);
    std::unique_ptr<FluidService> svc;
    if (fluid) svc = std::make_unique<FluidService>(pf.nics[0], sharing);
    const int actors = 40, each = 5;
    std::vector<double> done(actors * each, -1);
    for (int a = 0; a < actors; ++a)
      simgrid::s4u::Actor::create("w", pf.nics[0], [&, a] {
        std::mt19937_64 rng(static_cast<uint64_t>(a) + 7);
        for (int i = 0; i < each; ++i) {
          simgrid::s4u::this_actor::sleep_for(static_cast<double>(rng() % 1000) * 1e-6);
          const auto src = static_cast<int64_t>(rng() % 4), rail = static_cast<int64_t>(rng() % 4);
          const int64_t dst = (src + 1 + static_cast<int64_t>(rng() % 3)) % 4;
          const double bytes = static_cast<double>((1 + rng() % 64) << 20);
          if (fluid) svc->transfer(pf.nic(src, rail), pf.nic(dst, rail), bytes);
          else simgrid::s4u::Comm::sendto_async(pf.nic(src, rail), pf.nic(dst, rail), static_cast<uint64_t>(bytes))->wait();
          done[static_cast<size_t>(a * each + i)] = simgrid::s4u::Engine::get_clock();
        }
      });
    eng.run();
    return done;
  });
}

TEST_CASE("fluid: rtt sharing gives SimGrid's completion times on a fabric; equal sharing differs") {
  std::vector<double> sg = cross_rack_run(false), rtt = cross_rack_run(true),
                      eq = cross_rack_run(true, FluidService::Sharing::equal);
  REQUIRE(sg.size() == 200);
  REQUIRE(rtt.size() == sg.size());
  REQUIRE(eq.size() == sg.size());
  double worst = 0, eq_worst = 0;
  for (size_t i = 0; i < sg.size(); ++i) {
    worst = std::max(worst, std::abs(rtt[i] - sg[i]) / sg[i]);
    eq_worst = std::max(eq_worst, std::abs(eq[i] - sg[i]) / sg[i]);
  }
  CHECK(worst < 1e-6);
  CHECK(eq_worst > 1e-3);   // routes of 2 and 4 cables share NIC links: RTT weighting matters
  CHECK(sg.back() > 1e-3);  // flows did share: 200 flows of up to 64 MiB
}

TEST_CASE("fluid: equal sharing splits a NIC link in half between a short and a long route") {
  // SimGrid CM02 would give the 2-cable route twice the 4-cable route's share.
  FluidNetwork n;
  int nic = n.add_link(900), up = n.add_link(3200), down = n.add_link(3200), far = n.add_link(900), near = n.add_link(900);
  n.start(0, {nic, near}, 8e-6, 1e6);
  n.start(0, {nic, up, down, far}, 16e-6, 1e6);
  n.advance(n.next_event());
  n.advance(n.next_event());
  CHECK(n.rate(0) == doctest::Approx(450));
  CHECK(n.rate(1) == doctest::Approx(450));
}

TEST_CASE("fluid: weights split a bottleneck in proportion") {
  FluidNetwork n;
  int l = n.add_link(90);
  n.start(0, {l}, 0, 1e9, 0, 2);
  n.start(0, {l}, 0, 1e9, 0, 1);
  n.next_event();
  CHECK(n.rate(0) == doctest::Approx(60));
  CHECK(n.rate(1) == doctest::Approx(30));
  CHECK_THROWS(n.start(0, {l}, 0, 1, 0, 0));  // weight must be > 0
}
