#include <doctest/doctest.h>

#include "models/catalog/calibration.hpp"
#include "models/catalog/gpu.hpp"
#include "models/catalog/llm.hpp"
#include "sim/error.hpp"

using namespace rs;

TEST_CASE("every GPU preset loads and every number has a provenance") {
  auto names = preset_names("hardware");
  CHECK(names == std::vector<std::string>{"b200", "gb200", "gb300", "h100", "h200", "rubin"});
  for (const auto& n : names) {
    GpuSpec g = load_gpu(n);
    CHECK(g.name == n);
    for (const Sourced* s : {&g.peak.bf16, &g.peak.fp8, &g.hbm_capacity, &g.hbm_bandwidth, &g.nvlink_bandwidth,
                             &g.nvlink_domain, &g.tdp}) {
      CHECK(s->present());
      CHECK(s->value > 0);
      CHECK_FALSE(s->provenance().empty());
    }
  }
  GpuSpec gb200 = load_gpu("gb200");
  CHECK(gb200.domain_size() == 72);
  CHECK(gb200.hbm_bandwidth.value == doctest::Approx(8e12));
  CHECK(load_gpu("h100").domain_size() == 8);
  CHECK(load_gpu("rubin").status == "preliminary");
  CHECK(load_gpu("rubin").domain_size() == 72);  // packages, not dies
  CHECK_THROWS_WITH_AS(load_gpu("h100").peak_flops(Precision::fp4, "x"), "x: GPU 'h100' has no fp4 tensor cores in its preset",
                       InputError);
}

TEST_CASE("unknown preset names list the known ones") {
  CHECK_THROWS_WITH_AS(load_gpu("gb2000", "s.yaml:2:8"),
                       "s.yaml:2:8: unknown GPU 'gb2000' (known: b200, gb200, gb300, h100, h200, rubin); did you mean 'gb200'?",
                       InputError);
}

TEST_CASE("LLM parameter counts match the published sizes") {
  CHECK(load_llm("llama-3.1-8b").total_params() / 1e9 == doctest::Approx(8.03).epsilon(0.01));
  CHECK(load_llm("llama-3.1-70b").total_params() / 1e9 == doctest::Approx(70.55).epsilon(0.01));
  CHECK(load_llm("llama-3.1-405b").total_params() / 1e9 == doctest::Approx(405.85).epsilon(0.01));
  LlmSpec r1 = load_llm("deepseek-r1");
  CHECK(r1.is_moe());
  CHECK(r1.is_mla());
  // DeepSeek-V3/R1: 671 B total (without the 14 B multi-token-prediction module), 37 B active.
  CHECK(r1.total_params() / 1e9 == doctest::Approx(671).epsilon(0.01));
  CHECK(r1.active_params() / 1e9 == doctest::Approx(37).epsilon(0.03));
}

TEST_CASE("the default calibration profile is labelled as assumed") {
  Calibration c = load_calibration("default");
  CHECK(c.kind == "assumed");
  CHECK_FALSE(c.gemm_efficiency.assumption.empty());
  CHECK(c.gemm_efficiency.value > 0);
  CHECK(c.gemm_efficiency.value <= 1);
}
