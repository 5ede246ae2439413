#pragma once
// The power model of one H100 running Llama-3.1-8B (bf16, tp=1) with the
// default scenario's power params: shared by the power and governor tests.
#include "models/power/power_model.hpp"
#include "models/scenario/scenario.hpp"  // load_scenario: the default power params

namespace rs::test {

struct H100PowerModel {
  GpuSpec gpu = load_gpu("h100");
  LlmSpec llm = load_llm("llama-3.1-8b");
  Calibration cal = load_calibration("default");
  IterationModel base{PerfConfig{llm, gpu, cal, Precision::bf16, Precision::bf16, 1}, "test"};
  Scenario::Power params = load_scenario("", {}).s.power;
  GpuPower gp = resolve_gpu_power(gpu, cal, params, {}, "test");
  PowerModel pm{base, gp, params.min_clock, "test"};
};

}  // namespace rs::test
