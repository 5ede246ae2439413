#include <doctest/doctest.h>

#include "models/perf/iteration_model.hpp"

using namespace rs;

namespace {
struct Fixture {
  GpuSpec gpu;
  LlmSpec llm;
  Calibration cal = load_calibration("default");
  IterationModel make(int64_t tp, Precision p = Precision::bf16) {
    return IterationModel(PerfConfig{&llm, &gpu, &cal, p, Precision::bf16, tp}, "test");
  }
};
}  // namespace

TEST_CASE("a batch-1 decode step is the weight read at the calibrated HBM bandwidth plus overhead") {
  Fixture f{load_gpu("h100"), load_llm("llama-3.1-8b")};
  IterationModel m = f.make(1);
  // By hand: every weight except the input embedding table is read once.
  double weights = (f.llm.total_params() - static_cast<double>(f.llm.vocab) * f.llm.hidden) * 2;
  double expected = weights / (3.35e12 * 0.8) + 1e-3;
  CHECK(ns_to_s(m.decode_ns(1, 100)) == doctest::Approx(expected).epsilon(0.01));
}

TEST_CASE("decode-only shapes take the same time through either entry point") {
  Fixture f{load_gpu("gb200"), load_llm("llama-3.1-70b")};
  IterationModel m = f.make(2);
  for (int64_t b : {1, 7, 64, 256, 300})
    CHECK(m.step_ns(BatchShape{b, b * 1000, {}}) == m.decode_ns(b, b * 1000));
}

TEST_CASE("step time never beats the roofline of the datasheet peaks") {
  for (const char* model : {"llama-3.1-8b", "llama-3.1-70b", "deepseek-r1"}) {
    Fixture f{load_gpu("b200"), load_llm(model)};
    IterationModel m = f.make(8, Precision::fp8);
    double weights_per_gpu = f.llm.total_params() / 8;  // fp8: 1 byte each
    for (int64_t b : {1, 16, 256}) {
      double t = ns_to_s(m.decode_ns(b, b * 512));
      double flops = 2 * f.llm.active_params() * static_cast<double>(b) / 8;
      CHECK(t >= flops / f.gpu.peak.fp8.value);
      if (!f.llm.is_moe()) CHECK(t >= 0.9 * weights_per_gpu / f.gpu.hbm_bandwidth.value);
    }
  }
}

TEST_CASE("prefill is compute-bound and grows with the chunk; attention grows with context") {
  Fixture f{load_gpu("h100"), load_llm("llama-3.1-70b")};
  IterationModel m = f.make(4);
  std::vector<PrefillChunk> c1{{2048, 0, true}}, c2{{4096, 0, true}}, c3{{2048, 16384, true}};
  double t1 = ns_to_s(m.step_ns({0, 0, c1})), t2 = ns_to_s(m.step_ns({0, 0, c2})), t3 = ns_to_s(m.step_ns({0, 0, c3}));
  CHECK(t2 > 1.8 * t1 - 2e-3);
  CHECK(t3 > t1);
  // FLOPs of a 4096-token prefill at the calibrated GEMM rate bound it from below.
  double gemm_flops = 2 * (f.llm.total_params() - 2.0 * f.llm.vocab * f.llm.hidden) * 4096 / 4;
  CHECK(t2 >= gemm_flops / (989e12 * 0.7));
  CHECK(m.decode_ns(8, 8 * 100000) > m.decode_ns(8, 8 * 1000));
}

TEST_CASE("ring all-reduce alpha-beta") {
  NvlinkAB ab{20e-6, 5e-6, 100e9};
  CHECK(nvlink_time(CollOp::all_reduce, 1e9, 1, ab) == 0);
  CHECK(nvlink_time(CollOp::all_reduce, 1e9, 8, ab) == doctest::Approx(20e-6 + 14 * 5e-6 + 14.0 / 8 * 1e9 / 100e9));
}

TEST_CASE("memory plan: weights + activations + reserve + KV = usable") {
  Fixture f{load_gpu("gb200"), load_llm("llama-3.1-70b")};
  IterationModel m = f.make(2);
  MemoryPlan p = m.memory(0.9, 16, 8192, 256);
  CHECK(p.weights_per_gpu == doctest::Approx(f.llm.total_params() * 2 / 2));
  CHECK(p.weights_per_gpu + p.activations_per_gpu + p.reserve_per_gpu + p.kv_per_gpu ==
        doctest::Approx(0.9 * 186e9));
  // Llama-70B KV: 80 layers x 8 KV heads x 128 x 2 (K,V) x 2 B = 320 KiB per token, split over tp=2.
  CHECK(p.kv_bytes_per_token_per_gpu == doctest::Approx(80 * 8 * 128 * 2 * 2 / 2.0));
  CHECK(p.kv_tokens == p.kv_blocks * 16);
  CHECK(p.kv_tokens > 131072);
}
