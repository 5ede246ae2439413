#include "models/perf/weights.hpp"

#include <cmath>

namespace rs {

double WeightFormat::bytes(double rows, double cols) const {
  double b = rows * cols * value_bytes + tensor_scale_bytes;
  if (group > 0) b += rows * std::ceil(cols / static_cast<double>(group)) * group_scale_bytes;
  if (block > 0) b += std::ceil(rows / static_cast<double>(block)) * std::ceil(cols / static_cast<double>(block)) * 4;
  return b;
}

WeightFormat weight_format(const LlmSpec& m, Precision p, const std::string& group) {
  WeightFormat bf16;
  bool quantizable = group == "attention" || group == "dense_mlp" || group == "experts" || group == "shared_experts";
  if (!quantizable || m.keeps_bf16(p, group)) return bf16;
  WeightFormat f;
  f.compute = p;
  if (p == Precision::fp8) {
    f.value_bytes = 1;
    f.block = m.quantization.fp8_block;
    f.tensor_scale_bytes = f.block > 0 ? 0 : 2 * 4;  // weight_scale + input_scale, fp32
  } else if (m.quantization.fp4_format == "mxfp4") {
    f.value_bytes = 0.5, f.group = 32, f.group_scale_bytes = 1;  // E8M0 scale per 32
  } else {
    f.value_bytes = 0.5, f.group = 16, f.group_scale_bytes = 1;  // E4M3 scale per 16
    f.tensor_scale_bytes = 2 * 4;                                // weight_scale_2 + input_scale, fp32
  }
  return f;
}

int64_t kv_heads_per_rank(const LlmSpec& m, int64_t tp) { return (m.kv_heads + tp - 1) / tp; }

WeightPlan weight_plan(const LlmSpec& m, Precision p, int64_t tp) {
  WeightPlan w;
  const double t = static_cast<double>(tp), h = static_cast<double>(m.hidden);
  // One tensor kind, `count` times: its full shape and one rank's shard.
  auto add = [&](const std::string& group, double count, double rows, double cols, double rank_rows,
                 double rank_cols) {
    WeightFormat f = weight_format(m, p, group);
    w.checkpoint_bytes += count * f.bytes(rows, cols);
    double r = count * f.bytes(rank_rows, rank_cols);
    w.per_gpu_bytes += r;
    if (rank_rows == rows && rank_cols == cols) w.replicated_bytes += r;
  };
  auto column = [&](const std::string& g, double count, double rows, double cols) {
    add(g, count, rows, cols, rows / t, cols);
  };
  auto row = [&](const std::string& g, double count, double rows, double cols) {
    add(g, count, rows, cols, rows, cols / t);
  };
  auto replicated = [&](const std::string& g, double count, double rows, double cols) {
    add(g, count, rows, cols, rows, cols);
  };
  const double layers = static_cast<double>(m.layers), v = static_cast<double>(m.vocab);
  column("embed", 1, v, h);  // VocabParallelEmbedding: vocab rows split
  if (!m.tied_embeddings) column("lm_head", 1, v, h);  // ParallelLMHead
  replicated("norm", 1, 1, static_cast<double>(m.norm_params()));
  if (m.is_mla()) {
    const auto& a = m.mla;
    const double heads = static_cast<double>(m.heads), qk = static_cast<double>(a.qk_nope_head_dim + a.qk_rope_head_dim);
    if (a.q_lora_rank > 0) {
      replicated("attention", layers, static_cast<double>(a.q_lora_rank), h);            // q_a_proj (ReplicatedLinear)
      column("attention", layers, heads * qk, static_cast<double>(a.q_lora_rank));        // q_b_proj
    } else {
      column("attention", layers, heads * qk, h);                                         // q_proj
    }
    replicated("attention", layers, static_cast<double>(a.kv_lora_rank + a.qk_rope_head_dim), h);  // kv_a_proj_with_mqa
    column("attention", layers, heads * static_cast<double>(a.qk_nope_head_dim + a.v_head_dim),
           static_cast<double>(a.kv_lora_rank));                                          // kv_b_proj
    row("attention", layers, h, heads * static_cast<double>(a.v_head_dim));               // o_proj
  } else {
    const double hd = static_cast<double>(m.head_dim), kv = static_cast<double>(m.kv_heads);
    column("attention", layers, static_cast<double>(m.heads) * hd, h);  // q
    // k and v: QKVParallelLinear holds ceil(kv_heads / tp) heads per rank (replicated when tp > kv_heads).
    add("attention", 2 * layers, kv * hd, h, static_cast<double>(kv_heads_per_rank(m, tp)) * hd, h);
    row("attention", layers, h, static_cast<double>(m.heads) * hd);     // o
  }
  const double dense = static_cast<double>(m.is_moe() ? m.moe.dense_layers : m.layers), ffn = static_cast<double>(m.ffn);
  column("dense_mlp", 2 * dense, ffn, h);  // gate, up (MergedColumnParallelLinear)
  row("dense_mlp", dense, h, ffn);         // down (RowParallelLinear)
  if (m.is_moe()) {
    const double moe = static_cast<double>(m.moe_layers()), f = static_cast<double>(m.moe.expert_ffn);
    const double experts = static_cast<double>(m.moe.experts), shared = static_cast<double>(m.moe.shared_experts);
    replicated("router", moe, experts, h);  // gate: ReplicatedLinear, unquantized
    column("experts", 2 * moe * experts, f, h);  // w1, w3 per expert: intermediate split by tp (FusedMoE)
    row("experts", moe * experts, h, f);         // w2
    if (shared > 0) {
      column("shared_experts", 2 * moe, shared * f, h);
      row("shared_experts", moe, h, shared * f);
    }
  }
  return w;
}

}  // namespace rs
