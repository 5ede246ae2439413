// The power model calibrated from a measured profile's NVML power group
// (tests/data/calib-power-h100.yaml: idle 80 W, gemm 680 W, hbm_copy 326 W).
#include <doctest/doctest.h>

#include "models/catalog/calibration.hpp"
#include "models/power/gpu_power.hpp"
#include "models/power/power_meter.hpp"
#include "models/power/power_model.hpp"
#include "models/scenario/scenario.hpp"  // load_scenario: the default power params
#include "sim/error.hpp"

using namespace rs;

namespace {
const char* kProfile = RS_TEST_DATA "/calib-power-h100.yaml";
Scenario::Power defaults() { return load_scenario("", {}).s.power; }
}  // namespace

TEST_CASE("the power group gives idle, full-load power and the memory share exactly") {
  Calibration c = load_calibration(kProfile);
  REQUIRE(c.power);
  CHECK(c.power->idle_w.value == 80);          // energy counter preferred over the 81.5 W samples
  CHECK(c.power->full_load_w.value == 680);    // gemm_bf16 (680) beats gemm_fp8 (672, samples only)
  CHECK(c.power->memory_power_share.value == doctest::Approx(246.0 / 600).epsilon(1e-15));
  CHECK(c.power->full_load_w.source.find("gemm_bf16") != std::string::npos);
  CHECK(c.power->limit_note.find("at the NVML power limit (680 of 700 W, SM clock 1650 MHz)") != std::string::npos);
  // Profiles without a power group (or with a skipped one) measure nothing.
  CHECK_FALSE(load_calibration(RS_TEST_DATA "/calib-synthetic-h100.yaml").power);
}

TEST_CASE("measured power parameters replace the preset ones, and say so") {
  GpuSpec h100 = load_gpu("h100");
  Calibration measured = load_calibration(kProfile), assumed = load_calibration("default");
  GpuPower m = resolve_gpu_power(h100, measured, defaults(), {}, "w");
  CHECK(m.idle_w.value == 80);
  CHECK(m.full_w.value == 680);
  CHECK(m.memory_share.value == doctest::Approx(0.41));
  CHECK(m.dvfs_exponent.value == 3);  // not measurable without clock locking: the assumption stays
  CHECK(m.idle_w.source.find("calib-power-h100.yaml): power group, idle point") != std::string::npos);
  CHECK(m.dvfs_exponent.source.find("ASSUMPTION") == 0);
  GpuPower a = resolve_gpu_power(h100, assumed, defaults(), {}, "w");
  CHECK(a.idle_w.value == 100);
  CHECK(a.full_w.value == 700);
  CHECK(a.memory_share.value == 0.4);
  CHECK(a.idle_w.source == "preset h100 (models/hardware/h100.yaml idle_power: labelled ASSUMPTION)");
  // An explicit scenario value wins over the profile.
  Scenario::Power p = defaults();
  p.memory_power_share = 0.25;
  GpuPower e = resolve_gpu_power(h100, measured, p, {true, false}, "w");
  CHECK(e.memory_share.value == 0.25);
  CHECK(e.memory_share.source.find("given explicitly") != std::string::npos);
}

TEST_CASE("a measured power group carried to another GPU scales watts by the tdp ratio, the share as is") {
  GpuSpec b200 = load_gpu("b200");
  Calibration c = select_calibration(kProfile, b200, true, "w");
  GpuPower g = resolve_gpu_power(b200, c, defaults(), {}, "w");
  CHECK(g.idle_w.value == doctest::Approx(80.0 * 1000 / 700));  // b200 idle_power is an assumption: carried
  CHECK(g.full_w.value == doctest::Approx(680.0 * 1000 / 700));
  CHECK(g.memory_share.value == doctest::Approx(0.41));
  CHECK(g.idle_w.source.find("carried from h100") == 0);
}

TEST_CASE("the simulated energy follows the measured parameters") {
  GpuSpec gpu = load_gpu("h100");
  LlmSpec llm = load_llm("llama-3.1-8b");
  Calibration preset_cal = load_calibration("default"), measured_cal = load_calibration(kProfile);
  IterationModel base{PerfConfig{llm, gpu, preset_cal, Precision::bf16, Precision::bf16, 1}, "test"};
  GpuPower preset = resolve_gpu_power(gpu, preset_cal, defaults(), {}, "t");
  GpuPower measured = resolve_gpu_power(gpu, measured_cal, defaults(), {}, "t");
  PowerModel pp{base, preset, 0.3, "t"}, pm{base, measured, 0.3, "t"};
  // A decode step: P = idle + (full - idle) x (compute + share x memory) / T.
  StepParts parts = pm.decode_parts(8, 8000);
  TimeNs t = pm.decode_ns(0, 8, 8000);
  const double T = ns_to_s(t);
  CHECK(pm.step_power_w(parts, 0, t) ==
        doctest::Approx(80 + 600 * (parts.compute_s + 246.0 / 600 * parts.memory_s) / T).epsilon(1e-12));
  CHECK(pp.step_power_w(parts, 0, t) ==
        doctest::Approx(100 + 600 * (parts.compute_s + 0.4 * parts.memory_s) / T).epsilon(1e-12));
  // Idle-only span: exactly the measured idle floor.
  PowerPlan plan;
  plan.gpus = plan.replicas = plan.domain = plan.gpus_per_rack = 8;
  plan.tp = plan.domains = plan.racks = 1;
  plan.gpu = measured;
  plan.idle_w = measured.idle_w.value;
  plan.full_w = measured.full_w.value;
  plan.tdp_w = plan.gpu_cap_w = 700;
  plan.host_w = 4600;
  ServingSignals sig;
  PowerMeter meter(sig, pm, plan, s_to_ns(10));
  CHECK(meter.totals().facility_j == (8 * 80 + 4600) * 1.0 * 10);
}

TEST_CASE("a corrupted power group is a clear error at its line") {
  CHECK_THROWS_WITH_AS(load_calibration(RS_TEST_DATA "/calib-power-bad-number.yaml"),
                       doctest::Contains("calib-power-bad-number.yaml:14:"), InputError);
  CHECK_THROWS_WITH_AS(load_calibration(RS_TEST_DATA "/calib-power-bad-number.yaml"),
                       doctest::Contains("'energy_w_mean' is not a number"), InputError);
  CHECK_THROWS_WITH_AS(load_calibration(RS_TEST_DATA "/calib-power-idle-above-load.yaml"),
                       doctest::Contains("gemm_bf16 draws 680 W, not above the idle point's 690 W"), InputError);
  CHECK_THROWS_WITH_AS(load_calibration(RS_TEST_DATA "/calib-power-no-idle.yaml"),
                       doctest::Contains("the power group is done but has no measured 'idle' point"), InputError);
}
