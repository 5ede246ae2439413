#include <doctest/doctest.h>

#include "models/power/governor.hpp"
#include "tests/power_fixture.hpp"
#include "models/power/power_meter.hpp"
#include "models/power/power_model.hpp"

using namespace rs;

namespace {
struct Fixture : test::H100PowerModel {

  PowerPlan plan(int64_t gpus = 8) const {
    PowerPlan p;
    p.gpus = gpus;
    p.tp = 1;
    p.replicas = gpus;
    p.domain = 8;
    p.domains = gpus / 8;
    p.gpus_per_rack = 32;
    p.racks = (gpus + 31) / 32;
    p.gpu = gp;
    p.idle_w = gpu.idle_power.value;
    p.full_w = gpu.tdp.value;
    p.tdp_w = gpu.tdp.value;
    p.host_w = gpu.host_power.value;
    p.pue = 1.25;
    p.network_per_gpu_w = 20;
    p.gpu_cap_w = p.tdp_w;
    return p;
  }
};
std::vector<PrefillChunk> chunk(int64_t n) { return {PrefillChunk{n, 0, true}}; }
}  // namespace

TEST_CASE("compute-bound prefill draws tdp, memory-bound decode much less, both above idle") {
  Fixture f;
  auto c = chunk(8192);
  BatchShape prefill{0, 0, c};
  TimeNs tp = f.pm.step_ns(0, prefill);
  double p_prefill = f.pm.step_power_w(f.pm.parts(prefill), 0, tp);
  CHECK(p_prefill > 0.95 * f.gpu.tdp.value);  // all but the host overhead at tdp
  CHECK(p_prefill <= f.gpu.tdp.value);
  TimeNs td = f.pm.decode_ns(0, 1, 1000);
  double p_decode = f.pm.step_power_w(f.pm.decode_parts(1, 1000), 0, td);
  CHECK(p_decode > f.gpu.idle_power.value);
  CHECK(p_decode < 0.6 * f.gpu.tdp.value);
  // decode_parts (cached, linear in context) agrees with parts() of the same shape.
  StepParts a = f.pm.decode_parts(37, 37 * 900), b = f.pm.parts(BatchShape{37, 37 * 900, {}});
  CHECK(a.compute_s == doctest::Approx(b.compute_s));
  CHECK(a.memory_s == doctest::Approx(b.memory_s));
}

TEST_CASE("lower clocks: compute-bound steps slow down and draw less; memory-bound decode barely slows") {
  Fixture f;
  auto c = chunk(8192);
  BatchShape prefill{0, 0, c};
  const int32_t low = f.pm.levels() - 1;
  CHECK(f.pm.clock(low) == doctest::Approx(f.params.min_clock));
  TimeNs t0 = f.pm.step_ns(0, prefill), t1 = f.pm.step_ns(low, prefill);
  CHECK(static_cast<double>(t1) > 2.5 * static_cast<double>(t0));  // clock 0.3: about 1 / 0.3 on the GEMMs
  CHECK(f.pm.step_power_w(f.pm.parts(prefill), low, t1) < 0.5 * f.gpu.tdp.value);
  TimeNs d0 = f.pm.decode_ns(0, 8, 8000), d1 = f.pm.decode_ns(low, 8, 8000);
  CHECK(static_cast<double>(d1) < 1.1 * static_cast<double>(d0));
}

TEST_CASE("a per-GPU cap holds on every step; a cap near idle duty-cycles") {
  Fixture f;
  auto c = chunk(4096);
  BatchShape prefill{4, 4000, c};
  for (double cap : {650.0, 400.0, 150.0, 101.0}) {
    PowerPlan p = f.plan();
    p.gpu_cap_w = cap;
    PowerGovernor g(f.pm, p);
    StepTiming st = g.step(0, prefill, 0);
    TimeNs nominal = f.pm.step_ns(st.level, prefill);
    double mean_w = f.pm.idle_w + f.pm.dynamic_j(f.pm.parts(prefill), st.level, nominal) / ns_to_s(st.ns);
    CHECK(mean_w <= cap);
    CHECK(st.ns >= f.pm.step_ns(0, prefill));
    if (cap < 110) CHECK(st.ns > nominal);  // below the lowest clock's power: duty cycling
  }
}

TEST_CASE("rack budget: busy replicas get the headroom of idle ones at the next interval") {
  Fixture f;
  PowerPlan p = f.plan(8);
  p.rack_budget_w = 8 * f.pm.idle_w + p.host_w + 800;  // 800 W above the idle floor
  PowerGovernor g(f.pm, p);
  CHECK(g.share_w(0) == doctest::Approx(f.pm.idle_w + 100));  // first interval: equal split
  g.decode(0, 1, 100, 0);  // only replica 0 runs in interval 0
  g.decode(0, 1, 100, 1'000'000'000);  // interval 1
  double w_idle = f.params.idle_share;
  CHECK(g.share_w(0) == doctest::Approx(f.pm.idle_w + 800 / (1 + 7 * w_idle)));
  CHECK(g.share_w(1) == doctest::Approx(f.pm.idle_w + 800 * w_idle / (1 + 7 * w_idle)));
  CHECK(g.next_boundary(1'000'000'000) == 2'000'000'000);
}

TEST_CASE("an idle-only span gives exactly the idle energy") {
  Fixture f;
  ServingSignals sig;
  PowerPlan p = f.plan(16);
  PowerMeter m(sig, f.pm, p, s_to_ns(10.5));
  auto t = m.totals();
  const double floor_w = (16 * p.idle_w + 2 * p.host_w) * 1.25 + 16 * 20;
  CHECK(t.facility_j == floor_w * 10.5);
  CHECK(t.avg_w == doctest::Approx(floor_w).epsilon(1e-15));
  CHECK(t.gpu_dynamic_j == 0);
  CsvWriter csv = m.power_csv();
  CHECK(csv.text().find("\n10,") != std::string::npos);  // 11 rows: the last one covers [10, 10.5)
}

TEST_CASE("the meter integrates step energy and clips at the end of the span") {
  Fixture f;
  ServingSignals sig;
  PowerPlan p = f.plan(8);
  PowerMeter m(sig, f.pm, p, s_to_ns(2));
  TimeNs d = f.pm.decode_ns(0, 4, 4000);
  sig.step(StepRecord{0, 0, d, 4, 0, 4, 4, 10, 4000, {}, 0});
  sig.step(StepRecord{1, s_to_ns(2) - d / 2, s_to_ns(2) + d / 2, 4, 0, 4, 4, 10, 4000, {}, 0});  // half inside
  auto t = m.totals();
  double dyn_w = f.pm.dynamic_j(f.pm.decode_parts(4, 4000), 0, d) / ns_to_s(d);
  CHECK(t.gpu_dynamic_j == doctest::Approx(dyn_w * 1.5 * ns_to_s(d)).epsilon(1e-6));
  CHECK(t.output_tokens == 4);  // the clipped step's tokens come after the end
  CHECK(t.decode_gpu_s == doctest::Approx(1.5 * ns_to_s(d)).epsilon(1e-6));
}

TEST_CASE("idle GPUs and a partial node: idle floor, non-GPU power and the replicas' rack budget by hand") {
  // 12 H100 at tp=8: node 0 (8 GPUs, one replica), node 1 with 4 idle GPUs drawing
  // 4 x 575 W = 2300 W non-GPU (h100.yaml tray_host_power), one rack.
  Fixture f;
  PowerPlan p = f.plan(12);
  p.tp = 8, p.replicas = 1, p.idle_gpus = 4, p.domains = 2, p.racks = 1;
  p.host_w_partial = 2300;
  CHECK(p.host_total_w() == doctest::Approx(4600 + 2300));
  CHECK(p.host_w_in_rack(0) == doctest::Approx(6900));
  // Budget 800 W above the rack's idle floor (12 x 100 W + 6900 W): the replica's 8 GPUs get
  // all of it, 100 W each above idle; the idle GPUs keep their idle draw out of the split.
  p.rack_budget_w = 12 * f.pm.idle_w + 6900 + 800;
  CHECK(p.rack_replica_budget_w(0) == doctest::Approx(8 * f.pm.idle_w + 800));
  PowerGovernor g(f.pm, p);
  CHECK(g.share_w(0) == doctest::Approx(f.pm.idle_w + 100));
  // Idle meter: all 12 GPUs at idle + both nodes' non-GPU power, x PUE 1.25, + 12 x 20 W network.
  ServingSignals sig;
  p.rack_budget_w = 0;
  PowerMeter m(sig, f.pm, p, s_to_ns(2));
  CHECK(m.totals().avg_w == doctest::Approx((12 * 100.0 + 6900) * 1.25 + 12 * 20));
}
