// Any number of GPUs: layouts with a partial last NVLink domain, replicas that
// never span domains, idle GPUs counted in power, the partial domain's non-GPU
// power from the preset's trays. Every expected value is worked out by hand
// from the presets (models/hardware/*.yaml) in the comments.
#include <doctest/doctest.h>

#include "models/catalog/gpu.hpp"
#include "models/scenario/power_setup.hpp"
#include "models/scenario/setup.hpp"
#include "sim/error.hpp"
#include "topologies/layout.hpp"

using namespace rs;

namespace {
ServingSetup setup(std::vector<std::string> sets) { return resolve_serving(load_scenario("", sets)); }
}  // namespace

TEST_CASE("layout: whole domains first, the last one partial, described in words") {
  DomainLayout one{1, 8}, twelve{12, 8}, fleet{1000, 72}, racks{144, 72}, tray{4, 72};
  CHECK(one.domains() == 1);
  CHECK(one.partial_gpus() == 1);
  CHECK(one.describe(Packaging::hgx_node) == "1 HGX node with 1 of 8 GPUs");
  CHECK(twelve.domains() == 2);
  CHECK(twelve.gpus_in(0) == 8);
  CHECK(twelve.gpus_in(1) == 4);
  CHECK(twelve.describe(Packaging::hgx_node) == "1 full HGX node + 1 node with 4 GPUs");
  CHECK(fleet.domains() == 14);  // 13 x 72 = 936, 1000 - 936 = 64
  CHECK(fleet.gpus_in(13) == 64);
  CHECK(fleet.describe(Packaging::nvl_rack) == "13 full NVL72 racks + 1 rack with 64 GPUs");
  CHECK(racks.describe(Packaging::nvl_rack) == "2 NVL72 rack(s)");
  CHECK(tray.describe(Packaging::nvl_rack) == "1 NVL72 rack with 4 of 72 GPUs");
}

TEST_CASE("replicas: sum over domains of floor(domain GPUs / tp); the rest idle") {
  auto r = [](int64_t gpus, int64_t domain, int64_t tp) { return replicas_on({gpus, domain}, tp); };
  CHECK(r(12, 8, 8).replicas == 1);  // the 4-GPU node holds no tp=8 group
  CHECK(r(12, 8, 8).idle_gpus == 4);
  CHECK(r(12, 8, 4).replicas == 3);
  CHECK(r(12, 8, 4).idle_gpus == 0);
  CHECK(r(1000, 72, 8).replicas == 13 * 9 + 8);  // 64 / 8 = 8 in the partial rack
  CHECK(r(1000, 72, 8).idle_gpus == 0);
  CHECK(r(70, 72, 8).replicas == 8);  // 70 = 8 x 8 + 6 idle
  CHECK(r(70, 72, 8).idle_gpus == 6);
  CHECK(r(4, 72, 8).replicas == 0);
}

TEST_CASE("every GPU preset: trays divide the domain, add up to at most host_power, scale-out figures sourced") {
  for (const auto& n : preset_names("hardware")) {
    CAPTURE(n);
    GpuSpec g = load_gpu(n);
    REQUIRE(g.gpus_per_tray.present());
    CHECK(g.domain_size() % g.tray_gpus() == 0);
    CHECK(g.host_power_shared() >= 0);
    CHECK(g.host_power_for(g.domain_size()) == g.host_power.value);
    CHECK(g.host_power_for(1) <= g.host_power.value);
    for (const Sourced* s : {&g.gpus_per_tray, &g.tray_host_power, &g.efa_nic_bandwidth, &g.ib_nic_bandwidth,
                             &g.ib_switch_radix}) {
      CHECK(s->present());
      CHECK(s->value > 0);
      CHECK_FALSE(s->provenance().empty());
    }
    CHECK((g.packaging() == Packaging::nvl_rack) == (g.domain_size() == 72));
  }
  // GB200 NVL72: 18 trays x 1.7 kW = 30.6 kW of 33.6 kW; 3.0 kW shared.
  GpuSpec gb200 = load_gpu("gb200");
  CHECK(gb200.host_power_shared() == doctest::Approx(3000));
  CHECK(gb200.host_power_for(4) == doctest::Approx(3000 + 1700));       // one compute tray
  CHECK(gb200.host_power_for(64) == doctest::Approx(3000 + 16 * 1700));  // 16 trays
  CHECK(gb200.host_power_for(65) == doctest::Approx(3000 + 17 * 1700));  // a started tray counts whole
  // H100: pro rata per GPU, 4600 W / 8 = 575 W, nothing shared.
  CHECK(load_gpu("h100").host_power_for(4) == doctest::Approx(2300));
}

TEST_CASE("1, 2 and 4 H100: a partial HGX node; tp must fit the node") {
  ServingSetup one = setup({"hardware.gpu=h100", "hardware.gpus=1", "model.name=llama-3.1-8b"});
  CHECK(one.tp == 1);
  CHECK(one.replicas == 1);
  CHECK(one.idle_gpus == 0);
  CHECK(make_power_plan(one).host_total_w() == doctest::Approx(575));
  ServingSetup two = setup({"hardware.gpu=h100", "hardware.gpus=2", "model.name=llama-3.1-8b"});
  CHECK(two.replicas == 2);
  CHECK(make_power_plan(two).host_total_w() == doctest::Approx(1150));
  ServingSetup four = setup({"hardware.gpu=h100", "hardware.gpus=4", "model.name=llama-3.1-8b", "parallelism.tp=4"});
  CHECK(four.replicas == 1);
  CHECK_THROWS_WITH_AS(setup({"hardware.gpu=h100", "hardware.gpus=4", "model.name=llama-3.1-8b", "parallelism.tp=8"}),
                       doctest::Contains("--set parallelism.tp=8: tp=8 does not fit: hardware.gpus=4 makes 1 HGX node "
                                         "with 4 of 8 GPUs"),
                       InputError);
}

TEST_CASE("12 H100 at tp=8: one replica, 4 idle GPUs in power (and a warning)") {
  ServingSetup st = setup({"hardware.gpu=h100", "hardware.gpus=12", "parallelism.tp=8"});
  CHECK(st.replicas == 1);
  CHECK(st.idle_gpus == 4);
  PowerPlan p = make_power_plan(st);
  CHECK(p.gpus == 12);  // idle GPUs draw idle power and count in cost (PowerMeter, cost use p.gpus)
  CHECK(p.idle_gpus == 4);
  CHECK(p.host_w_partial == doctest::Approx(2300));   // 4 x 575 W
  CHECK(p.host_total_w() == doctest::Approx(6900));   // 4600 + 2300
  CHECK(p.racks == 1);                                 // 4 nodes of 8 per rack (power.hgx_nodes_per_rack)
  auto notes = layout_notes(st, p);
  REQUIRE(notes.size() == 3);  // layout, the partial node's power, the warning
  CHECK(notes[0].find("1 full HGX node + 1 node with 4 GPUs") != std::string::npos);
  CHECK(notes[2].find("warning: 4 of 12 GPUs stay idle") != std::string::npos);
}

TEST_CASE("GB200: one tray, half a rack, 1,000 GPUs (13 full racks + 64)") {
  ServingSetup tray = setup({"hardware.gpu=gb200", "hardware.gpus=4"});
  CHECK(tray.tp == 2);  // Llama-3.1-70B bf16 at its 128K context, as on a full rack
  CHECK(tray.replicas == 2);
  CHECK(make_power_plan(tray).host_total_w() == doctest::Approx(4700));  // 3.0 kW shared + 1 tray of 1.7 kW
  ServingSetup half = setup({"hardware.gpu=gb200", "hardware.gpus=36"});
  CHECK(half.replicas == 18);
  CHECK(make_power_plan(half).host_total_w() == doctest::Approx(3000 + 9 * 1700));
  ServingSetup fleet = setup({"hardware.gpu=gb200", "hardware.gpus=1000"});
  CHECK(fleet.topology->describe() == "13 full NVL72 racks + 1 rack with 64 GPUs");
  CHECK(fleet.replicas == 500);
  CHECK(fleet.idle_gpus == 0);
  // Whole racks only: the first run.log line says it all, no layout lines.
  ServingSetup rack = setup({"hardware.gpu=gb200", "hardware.gpus=144"});
  CHECK(rack.topology->describe() == "2 NVL72 rack(s)");
  CHECK(layout_notes(rack, make_power_plan(rack)).empty());
  PowerPlan p = make_power_plan(fleet);
  CHECK(p.racks == 14);
  CHECK(p.host_w_in_rack(0) == doctest::Approx(33600));
  CHECK(p.host_w_in_rack(13) == doctest::Approx(3000 + 16 * 1700));
  CHECK(p.host_total_w() == doctest::Approx(13 * 33600 + 30200));
}

TEST_CASE("HGX nodes group into racks whatever the fabric (hgx, hgx-ib, hgx-efa)") {
  // 64 H100 = 8 nodes; 4 nodes per rack (power.hgx_nodes_per_rack) -> 2 racks of 32 GPUs.
  for (const char* kind : {"topology.kind=hgx", "topology.kind=hgx-ib", "topology.kind=hgx-efa"}) {
    CAPTURE(kind);
    PowerPlan p = make_power_plan(setup({"hardware.gpu=h100", "hardware.gpus=64", "model.name=llama-3.1-8b", kind}));
    CHECK(p.gpus_per_rack == 32);
    CHECK(p.racks == 2);
    CHECK(p.host_w_in_rack(1) == doctest::Approx(4 * 4600));
  }
  // A rack budget is per rack of 4 nodes: floor = 32 x 100 W idle + 4 x 4600 W.
  CHECK_THROWS_WITH_AS(make_power_plan(setup({"hardware.gpu=h100", "hardware.gpus=64", "model.name=llama-3.1-8b",
                                              "topology.kind=hgx-ib", "power.rack_budget=21kW"})),
                       doctest::Contains("idle floor of one rack: 32 GPUs x 100 W idle + 18.4 kW non-GPU"), InputError);
}
