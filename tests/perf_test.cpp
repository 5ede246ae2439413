#include <doctest/doctest.h>

#include <cmath>

#include "models/perf/iteration_model.hpp"
#include "models/perf/weights.hpp"

using namespace rs;

namespace {
struct Fixture {
  GpuSpec gpu;
  LlmSpec llm;
  Calibration cal = load_calibration("default");
  IterationModel make(int64_t tp, Precision p = Precision::bf16) {
    return IterationModel(PerfConfig{llm, gpu, cal, p, Precision::bf16, tp}, "test");
  }
};
}  // namespace

// Expected values below are written out from the architecture numbers of
// config.json (Llama-3.1-8B: hidden 4096, 32 layers, 32 heads, 8 KV heads, head
// dim 128, ffn 14336, vocab 128256; Llama-3.1-70B: 8192, 80, 64, 8, 128, 28672)
// and the storage formats of the published checkpoints, not from the code.

TEST_CASE("Llama-3.1-8B checkpoint bytes at bf16, fp8 and fp4, counted tensor by tensor") {
  LlmSpec m = load_llm("llama-3.1-8b");
  const double embed = 128256.0 * 4096 * 2;  // bf16, once as embed_tokens and once as lm_head
  const double norms = (2 * 32 + 1) * 4096.0 * 2;
  // Per layer: q 4096x4096, k 1024x4096, v 1024x4096, o 4096x4096, gate/up 14336x4096, down 4096x14336.
  const double values = 4096.0 * 4096 + 2 * 1024.0 * 4096 + 4096.0 * 4096 + 3 * 14336.0 * 4096;
  CHECK(values == 218103808.0);
  // bf16: 8,030,261,248 parameters (HF's count) x 2 B.
  CHECK(weight_plan(m, Precision::bf16, 1).checkpoint_bytes == doctest::Approx(8030261248.0 * 2).epsilon(1e-12));
  CHECK(m.total_params() == 8030261248.0);
  // fp8 (ModelOpt per tensor): 1 B per value + two fp32 scalars per linear tensor (7 per layer).
  double fp8 = 2 * embed + norms + 32 * (values + 7 * 8);
  CHECK(fp8 == 9081202432.0);
  CHECK(weight_plan(m, Precision::fp8, 1).checkpoint_bytes == doctest::Approx(fp8).epsilon(1e-12));
  // NVFP4: 0.5 B per value + one E4M3 byte per 16 values + two fp32 scalars per tensor.
  double fp4 = 2 * embed + norms + 32 * (values * 0.5 + values / 16 + 7 * 8);
  CHECK(fp4 == 6027749120.0);
  CHECK(weight_plan(m, Precision::fp4, 1).checkpoint_bytes == doctest::Approx(fp4).epsilon(1e-12));
  // Not 0.5 B x every parameter (4.0 GB): the bf16 embeddings and the scales are 2.0 GB more.
  CHECK(fp4 > 0.5 * m.total_params() + 2.0e9);
}

TEST_CASE("MXFP4 block scales: one byte per 32 values, no per-tensor scalars") {
  LlmSpec m = load_llm("llama-3.1-8b");
  m.quantization.fp4_format = "mxfp4";
  const double values = 218103808.0;
  double expect = 2 * 128256.0 * 4096 * 2 + 65 * 4096.0 * 2 + 32 * (values * 0.5 + values / 32);
  CHECK(weight_plan(m, Precision::fp4, 1).checkpoint_bytes == doctest::Approx(expect).epsilon(1e-12));
}

TEST_CASE("Llama-3.1-70B on H100, bf16, tp=4: memory plan worked out by hand") {
  Fixture f{load_gpu("h100"), load_llm("llama-3.1-70b")};
  IterationModel m = f.make(4);
  MemoryPlan p = m.memory(0.9, 16, 8192, 256);
  // One rank: vocab-parallel embed and lm_head (128256/4 rows each), all norms (2 per layer + final),
  // per layer q 2048x8192, k and v 2 heads x 128 = 256 x 8192 each, o 8192x2048,
  // gate/up 7168x8192, down 8192x7168; 2 B each.
  double per_layer = 2048.0 * 8192 + 2 * 256.0 * 8192 + 8192.0 * 2048 + 3 * 7168.0 * 8192;
  double weights = (2 * 32064.0 * 8192 + 161 * 8192.0 + 80 * per_layer) * 2;
  CHECK(weights == 35278831616.0);
  CHECK(p.weights_per_gpu == doctest::Approx(weights).epsilon(1e-12));
  // Activations of an 8192-token forward: hidden states (4 x 8192) and the MLP intermediate
  // (2 x 28672/4) in bf16, plus fp32 logits of 256 sequences over 128256/4 vocab rows.
  double act = 8192.0 * (4 * 8192 + 2 * 7168) * 2 + 256.0 * 32064 * 4;
  CHECK(p.activations_per_gpu == doctest::Approx(act).epsilon(1e-12));
  // KV: 80 layers x 2 (K, V) x 2 KV heads per rank x 128 x 2 B = 81,920 B per token per GPU.
  CHECK(p.kv_bytes_per_token_per_gpu == 81920.0);
  double kv = 0.9 * 80e9 - weights - act - 2e9;  // default profile: 2 GB runtime reserve
  int64_t blocks = static_cast<int64_t>(std::floor(kv / (81920.0 * 16)));
  CHECK(p.kv_blocks == blocks);
  CHECK(p.kv_tokens == blocks * 16);
  CHECK(blocks == 25876);  // (72e9 - 35.279e9 - 0.805e9 - 2e9) / 1,310,720 B per block
}

TEST_CASE("tp beyond the KV heads: every rank holds one whole KV head (weights and cache)") {
  Fixture f{load_gpu("b200"), load_llm("llama-3.1-70b")};
  IterationModel m = f.make(16);
  MemoryPlan p = m.memory(0.9, 16, 8192, 256);
  // 8 KV heads over 16 ranks: 1 head per rank, not half of one.
  CHECK(kv_heads_per_rank(f.llm, 16) == 1);
  CHECK(p.kv_bytes_per_token_per_gpu == 80.0 * 2 * 1 * 128 * 2);
  // Per rank: q 512x8192, k and v 128x8192 each, o 8192x512, gate/up 1792x8192, down 8192x1792.
  double per_layer = 512.0 * 8192 + 2 * 128.0 * 8192 + 8192.0 * 512 + 3 * 1792.0 * 8192;
  double weights = (2 * 8016.0 * 8192 + 161 * 8192.0 + 80 * per_layer) * 2;
  CHECK(p.weights_per_gpu == doctest::Approx(weights).epsilon(1e-12));
  // The naive total / tp misses the replicated K/V half-heads: 80 x 2 x 64 x 8192 x 2 B = 167.8 MB.
  WeightPlan w = weight_plan(f.llm, Precision::bf16, 16);
  CHECK(w.per_gpu_bytes - w.checkpoint_bytes / 16 ==
        doctest::Approx(80.0 * 2 * 64 * 8192 * 2 + 161 * 8192.0 * 2 * 15 / 16).epsilon(1e-9));
}

TEST_CASE("DeepSeek-R1 fp8, tp=8: MLA down-projections, router and norms are held by every rank") {
  LlmSpec r1 = load_llm("deepseek-r1");
  WeightPlan w = weight_plan(r1, Precision::fp8, 8);
  // q_a 1536x7168 and kv_a (512+64)x7168 in fp8 with one fp32 per 128x128 block, 61 layers;
  // router 256x7168 bf16 in the 58 MoE layers; norms (2 x 7168 + 1536 + 512 per layer + 7168) bf16.
  double q_a = 1536.0 * 7168 + 12 * 56 * 4, kv_a = 576.0 * 7168 + 5 * 56 * 4;
  double expect = 61 * (q_a + kv_a) + 58 * 256.0 * 7168 * 2 + (61 * 16384.0 + 7168) * 2;
  CHECK(expect == 1138574176.0);
  CHECK(w.replicated_bytes == doctest::Approx(expect).epsilon(1e-12));
  CHECK(w.per_gpu_bytes > w.checkpoint_bytes / 8 + 0.8 * expect);
  // The latent KV cache is not split by heads: the same bytes per token on every rank, any tp.
  Fixture f{load_gpu("b200"), r1};
  double kv8 = f.make(8, Precision::fp8).memory(0.9, 64, 8192, 256).kv_bytes_per_token_per_gpu;
  double kv4 = f.make(4, Precision::fp8).memory(0.9, 64, 8192, 256).kv_bytes_per_token_per_gpu;
  CHECK(kv8 == 61.0 * (512 + 64) * 2);
  CHECK(kv4 == kv8);
}

TEST_CASE("DeepSeek-R1 checkpoints: native fp8 with block scales; fp4 (nvidia/DeepSeek-R1-FP4) with attention in bf16") {
  LlmSpec r1 = load_llm("deepseek-r1");
  auto nvfp4 = [](double rows, double cols) { return rows * cols * 0.5 + rows * cols / 16 + 8; };
  double attention = 61 * (1536.0 * 7168 + 128 * 192.0 * 1536 + 576.0 * 7168 + 128 * 256.0 * 512 + 7168.0 * 16384) * 2;
  double dense = 3 * (2 * nvfp4(18432, 7168) + nvfp4(7168, 18432));
  double experts = 58 * 257 * (2 * nvfp4(2048, 7168) + nvfp4(7168, 2048));  // 256 routed + 1 shared
  double bf16_rest = 2 * 129280.0 * 7168 * 2 + 58 * 256.0 * 7168 * 2 + (61 * 16384.0 + 7168) * 2;
  CHECK(weight_plan(r1, Precision::fp4, 1).checkpoint_bytes ==
        doctest::Approx(attention + dense + experts + bf16_rest).epsilon(1e-12));
  // Native fp8: every linear layer 1 B per value + one fp32 per 128 x 128 block (ceil on each side).
  auto fp8 = [](double rows, double cols) { return rows * cols + std::ceil(rows / 128) * std::ceil(cols / 128) * 4; };
  double attention8 = 61 * (fp8(1536, 7168) + fp8(128 * 192, 1536) + fp8(576, 7168) + fp8(128 * 256, 512) + fp8(7168, 16384));
  double dense8 = 3 * (2 * fp8(18432, 7168) + fp8(7168, 18432));
  double experts8 = 58 * 257 * (2 * fp8(2048, 7168) + fp8(7168, 2048));
  CHECK(weight_plan(r1, Precision::fp8, 1).checkpoint_bytes ==
        doctest::Approx(attention8 + dense8 + experts8 + bf16_rest).epsilon(1e-12));
  CHECK((attention8 + dense8 + experts8 + bf16_rest) / 1e9 == doctest::Approx(673.15).epsilon(0.0005));
  // About 397 GB, not 0.5 B x 671 B parameters = 336 GB.
  CHECK((attention + dense + experts + bf16_rest) / 1e9 == doctest::Approx(396.7).epsilon(0.001));
}

TEST_CASE("a batch-1 decode step is the weight read at the calibrated HBM bandwidth plus overhead") {
  Fixture f{load_gpu("h100"), load_llm("llama-3.1-8b")};
  IterationModel m = f.make(1);
  // Every linear weight and the LM head are read once (218,103,808 x 32 + 128256 x 4096 values, bf16),
  // at 3.35 TB/s x 0.8; the step overhead of the default profile is 1 ms. Attention and norms are small.
  double weights = (218103808.0 * 32 + 128256.0 * 4096) * 2;
  double expected = weights / (3.35e12 * 0.8) + 1e-3;
  CHECK(ns_to_s(m.decode_ns(1, 100)) == doctest::Approx(expected).epsilon(0.01));
}

TEST_CASE("an fp4 run reads the bf16 LM head and the fp4 weights with their scales") {
  Fixture f{load_gpu("b200"), load_llm("llama-3.1-8b")};
  IterationModel bf = f.make(1), q = f.make(1, Precision::fp4);
  // Batch-1 decode is a weight read: the difference between the two runs is the linear layers' bytes,
  // 218,103,808 x 32 values at 2 B versus 0.5 + 1/16 B (+56 B of scalars per layer).
  double saved = 32 * (218103808.0 * 2 - (218103808.0 * (0.5 + 1.0 / 16) + 56));
  double dt = ns_to_s(bf.decode_ns(1, 1)) - ns_to_s(q.decode_ns(1, 1));
  CHECK(dt == doctest::Approx(saved / (8e12 * 0.8)).epsilon(0.01));
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
    double weights_per_gpu = weight_plan(f.llm, Precision::fp8, 8).per_gpu_bytes;
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
  // FLOPs of a 4096-token prefill at the calibrated GEMM rate bound it from below: the 70B linear
  // layers hold 80 x 855,638,016 weights (q/o 8192x8192, k/v 1024x8192, 3 x 8192x28672), split over tp=4.
  double gemm_flops = 2 * 80 * 855638016.0 * 4096 / 4;
  CHECK(t2 >= gemm_flops / (989e12 * 0.7));
  CHECK(m.decode_ns(8, 8 * 100000) > m.decode_ns(8, 8 * 1000));
}

TEST_CASE("ring all-reduce alpha-beta") {
  NvlinkAB ab{20e-6, 5e-6, 100e9};
  CHECK(nvlink_time(CollOp::all_reduce, 1e9, 1, ab) == 0);
  CHECK(nvlink_time(CollOp::all_reduce, 1e9, 8, ab) == doctest::Approx(20e-6 + 14 * 5e-6 + 14.0 / 8 * 1e9 / 100e9));
}

TEST_CASE("an IterationModel owns its inputs: it outlives and survives moves of what built it") {
  std::unique_ptr<IterationModel> m;
  TimeNs before = 0;
  {
    Fixture f{load_gpu("h100"), load_llm("llama-3.1-8b")};
    IterationModel local = f.make(1);
    before = local.decode_ns(4, 4000);
    m = std::make_unique<IterationModel>(std::move(local));
    f.llm.layers = 1;  // changing the source must not change the model
  }
  CHECK(m->decode_ns(4, 4000) == before);
  IterationModel copy = *m;
  CHECK(copy.decode_ns(4, 4000) == before);
}
