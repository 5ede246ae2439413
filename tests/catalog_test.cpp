#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "models/catalog/calibration.hpp"
#include "models/catalog/gpu.hpp"
#include "models/catalog/llm.hpp"
#include "models/perf/weights.hpp"
#include "sim/error.hpp"
#include "sim/suggest.hpp"

using namespace rs;

// Properties every preset must have, so that adding a preset needs no test edit.
TEST_CASE("every GPU preset loads and every number has a provenance") {
  auto names = preset_names("hardware");
  REQUIRE_FALSE(names.empty());
  CHECK(std::is_sorted(names.begin(), names.end()));
  for (const auto& n : names) {
    CAPTURE(n);
    GpuSpec g = load_gpu(n);
    CHECK(g.name == n);
    for (const Sourced* s : {&g.peak.bf16, &g.peak.fp8, &g.hbm_capacity, &g.hbm_bandwidth, &g.nvlink_bandwidth,
                             &g.nvlink_domain, &g.tdp}) {
      CHECK(s->present());
      CHECK(s->value > 0);
      CHECK_FALSE(s->provenance().empty());
    }
    // Lower precision never has a lower peak; fp4 is either sourced or a clear error.
    CHECK(g.peak.fp8.value >= g.peak.bf16.value);
    if (g.peak.fp4.present()) {
      CHECK(g.peak.fp4.value >= g.peak.fp8.value);
      CHECK_FALSE(g.peak.fp4.provenance().empty());
    } else {
      CHECK_THROWS_WITH_AS(g.peak_flops(Precision::fp4, "x"),
                           ("x: GPU '" + n + "' has no fp4 tensor cores in its preset").c_str(), InputError);
    }
    CHECK(g.domain_size() >= 1);
  }
  // Datasheet values (NVIDIA GB200 NVL72 and H100 SXM pages), checked against the presets.
  GpuSpec gb200 = load_gpu("gb200");
  CHECK(gb200.domain_size() == 72);
  CHECK(gb200.hbm_bandwidth.value == doctest::Approx(8e12));
  CHECK(load_gpu("h100").domain_size() == 8);
}

TEST_CASE("unknown preset names list the known ones") {
  std::string known = join(preset_names("hardware"));
  CHECK_THROWS_WITH_AS(load_gpu("gb2000", "s.yaml:2:8"),
                       ("s.yaml:2:8: unknown GPU 'gb2000' (known: " + known + "); did you mean 'gb200'?").c_str(),
                       InputError);
}

TEST_CASE("every LLM preset loads, is sourced and gets smaller with each precision") {
  auto names = preset_names("llm");
  REQUIRE_FALSE(names.empty());
  for (const auto& n : names) {
    CAPTURE(n);
    LlmSpec m = load_llm(n);
    CHECK(m.name == n);
    CHECK(m.source.starts_with("https://"));
    CHECK(m.active_params() <= m.total_params());
    CHECK(m.heads % m.kv_heads == 0);
    CHECK(m.quantization.fp8_checkpoint.starts_with("https://"));
    CHECK(m.quantization.fp4_checkpoint.starts_with("https://"));
    double bf16 = weight_plan(m, Precision::bf16, 1).checkpoint_bytes;
    double fp8 = weight_plan(m, Precision::fp8, 1).checkpoint_bytes;
    double fp4 = weight_plan(m, Precision::fp4, 1).checkpoint_bytes;
    CHECK(bf16 == doctest::Approx(2 * m.total_params()).epsilon(1e-12));
    CHECK(fp8 < bf16);
    CHECK(fp4 < fp8);
    // Scales and bf16 tensors: never below the bare 1 B / 0.5 B per parameter.
    CHECK(fp8 > m.total_params());
    CHECK(fp4 > 0.5 * m.total_params());
    for (int64_t tp : {1, 2, 8}) {
      WeightPlan w = weight_plan(m, Precision::fp8, tp);
      CHECK(w.per_gpu_bytes >= w.checkpoint_bytes / static_cast<double>(tp));
      CHECK(w.replicated_bytes <= w.per_gpu_bytes);
    }
  }
}

TEST_CASE("LLM parameter counts match the published sizes") {
  // HF model cards / safetensors metadata: 8,030,261,248 and 70,553,706,496 parameters.
  CHECK(load_llm("llama-3.1-8b").total_params() == 8030261248.0);
  CHECK(load_llm("llama-3.1-70b").total_params() == 70553706496.0);
  CHECK(load_llm("llama-3.1-405b").total_params() / 1e9 == doctest::Approx(405.85).epsilon(0.01));
  LlmSpec r1 = load_llm("deepseek-r1");
  CHECK(r1.is_moe());
  CHECK(r1.is_mla());
  // DeepSeek-V3/R1: 671 B total (without the 14 B multi-token-prediction module), 37 B active.
  CHECK(r1.total_params() / 1e9 == doctest::Approx(671).epsilon(0.01));
  CHECK(r1.active_params() / 1e9 == doctest::Approx(37).epsilon(0.03));
}

TEST_CASE("a quantization list naming an unknown tensor group is rejected") {
  LlmSpec m = load_llm("deepseek-r1");
  CHECK(m.keeps_bf16(Precision::fp4, "attention"));
  CHECK_FALSE(m.keeps_bf16(Precision::fp4, "experts"));
  CHECK_FALSE(m.keeps_bf16(Precision::fp8, "attention"));
  CHECK(m.keeps_bf16(Precision::bf16, "experts"));
  namespace fs = std::filesystem;
  fs::path bad = fs::temp_directory_path() / ("rs-bad-llm-" + std::to_string(::getpid()) + ".yaml");
  {
    std::ifstream in(fs::path(RACKSCALE_SOURCE_DIR) / "models" / "llm" / "llama-3.1-8b.yaml");
    std::ofstream out(bad);
    for (std::string line; std::getline(in, line);)
      out << (line.starts_with("  fp4_keep_bf16:") ? "  fp4_keep_bf16: \"attention, atention\"" : line) << "\n";
  }
  // The error names the file, line and column of the list (the last line of the preset, after `fp4_keep_bf16: `).
  std::ifstream count(bad);
  int lines = 0;
  for (std::string line; std::getline(count, line);) ++lines;
  CHECK_THROWS_WITH_AS(load_llm(bad.string(), "s.yaml:3:9"),
                       (bad.string() + ":" + std::to_string(lines) +
                        ":18: unknown tensor group 'atention' (known: attention, dense_mlp, experts, shared_experts); "
                        "did you mean 'attention'?").c_str(),
                       InputError);
  fs::remove(bad);
}

TEST_CASE("every calibration profile loads with efficiencies in (0, 1]") {
  for (const auto& n : preset_names("calibration")) {
    CAPTURE(n);
    Calibration c = load_calibration(n);
    for (const Sourced* e : {&c.gemm_efficiency, &c.memory_efficiency, &c.attention_efficiency, &c.nvlink_efficiency}) {
      CHECK(e->value > 0);
      CHECK(e->value <= 1);
      CHECK_FALSE(e->provenance().empty());
    }
    if (!c.measured()) CHECK_FALSE(c.gemm_efficiency.assumption.empty());  // assumed profiles say so
  }
}
