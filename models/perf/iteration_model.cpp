#include "models/perf/iteration_model.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

#include "sim/error.hpp"

namespace rs {

IterationModel::IterationModel(const PerfConfig& cfg, const std::string& where) : cfg_(cfg) {
  const LlmSpec& m = cfg_.llm;
  const GpuSpec& g = cfg_.gpu;
  const Calibration& c = cfg_.cal;
  const double tp = static_cast<double>(cfg_.tp);
  if (m.heads % cfg_.tp != 0)
    fail(where, fmt::format("tp={} does not divide the {} attention heads of {}", cfg_.tp, m.heads, m.name));

  peak_attn_ = g.peak_flops(Precision::bf16, where);  // attention math runs in bf16
  hbm_ = g.hbm_bandwidth.value;
  // Efficiencies are fractions of the datasheet peaks: never above 1 (no kernel beats the roofline).
  eff_mem_ = std::min(1.0, c.memory_efficiency.value);
  eff_attn_ = std::min(1.0, c.attention_efficiency.value);
  overhead_s_ = c.iteration_overhead.value;
  a_bytes_ = 2;  // activations in bf16
  kv_bytes_ = bytes_per_element(cfg_.kv_precision);
  nvlink_ = {c.nvlink_call_latency.value, c.nvlink_latency.value, g.nvlink_bandwidth.value * c.nvlink_efficiency.value};
  // GEMMs of tensors the checkpoint keeps in bf16 run at bf16 even in a quantized run.
  for (Precision p : {Precision::bf16, cfg_.precision}) {
    GemmRoofline& r = roofline_[static_cast<int>(p)];
    r.peak_flops = g.peak_flops(p, where);
    r.hbm_bw = hbm_;
    r.eff_gemm = c.gemm_efficiency.value;
    r.eff_mem = c.memory_efficiency.value;
    if (const GemmFit* f = c.gemm_fit(p)) r.fit = *f;
    r.act_bytes = a_bytes_;
  }

  const double h = static_cast<double>(m.hidden), layers = static_cast<double>(m.layers);
  const double heads_g = static_cast<double>(m.heads) / tp;
  // Attention projections (every layer).
  if (m.is_mla()) {
    const auto& a = m.mla;
    double qk = static_cast<double>(a.qk_nope_head_dim + a.qk_rope_head_dim);
    if (a.q_lora_rank > 0) {
      per_layer_gemms_.push_back(gemm("attention", static_cast<double>(a.q_lora_rank), h, layers));  // q_a, replicated
      per_layer_gemms_.push_back(gemm("attention", heads_g * qk, static_cast<double>(a.q_lora_rank), layers));
    } else {
      per_layer_gemms_.push_back(gemm("attention", heads_g * qk, h, layers));
    }
    per_layer_gemms_.push_back(
        gemm("attention", static_cast<double>(a.kv_lora_rank + a.qk_rope_head_dim), h, layers));  // kv_a, replicated
    // kv_b (or its absorbed form in decode: same FLOPs and weight bytes per token).
    per_layer_gemms_.push_back(gemm("attention", heads_g * static_cast<double>(a.qk_nope_head_dim + a.v_head_dim),
                                    static_cast<double>(a.kv_lora_rank), layers));
    per_layer_gemms_.push_back(gemm("attention", h, heads_g * static_cast<double>(a.v_head_dim), layers));  // o
    // Decode (absorbed MLA): read the latent + rope key of each context token. The latent
    // cache is not split by heads: every TP rank holds all of it (vLLM's MLA backends cache one
    // kv_lora_rank + qk_rope_head_dim entry per token per layer on each rank,
    // vllm/v1/attention/backends/mla/common.py).
    double lat = static_cast<double>(a.kv_lora_rank + a.qk_rope_head_dim);
    kv_bytes_per_token_ = layers * lat * kv_bytes_;
    double flops_pt = layers * (2 * heads_g * lat + 2 * heads_g * a.kv_lora_rank);
    attn_decode_per_token_s_ =
        std::max(flops_pt / (peak_attn_ * eff_attn_), kv_bytes_per_token_ / (hbm_ * eff_attn_));
    prefill_flops_per_pair_ = layers * (2 * heads_g * qk + 2 * heads_g * a.v_head_dim);
  } else {
    // KV heads are replicated when tp exceeds their number: each rank holds ceil(kv_heads / tp)
    // (QKVParallelLinear's num_kv_head_replicas, vllm/model_executor/layers/linear.py).
    double kv_g = static_cast<double>(kv_heads_per_rank(m, cfg_.tp));
    double hd = static_cast<double>(m.head_dim);
    per_layer_gemms_.push_back(gemm("attention", (heads_g + 2 * kv_g) * hd, h, layers));  // qkv
    per_layer_gemms_.push_back(gemm("attention", h, heads_g * hd, layers));               // o
    kv_bytes_per_token_ = layers * 2 * kv_g * hd * kv_bytes_;
    double flops_pt = layers * 4 * heads_g * hd;  // QK^T and PV, 2 FLOPs per MAC
    attn_decode_per_token_s_ =
        std::max(flops_pt / (peak_attn_ * eff_attn_), kv_bytes_per_token_ / (hbm_ * eff_attn_));
    prefill_flops_per_pair_ = flops_pt;
  }
  // Dense MLP layers (all layers of a dense model, the leading ones of a MoE).
  double dense_layers = static_cast<double>(m.is_moe() ? m.moe.dense_layers : m.layers);
  if (dense_layers > 0) {
    per_layer_gemms_.push_back(gemm("dense_mlp", 2 * m.ffn / tp, h, dense_layers));  // gate+up
    per_layer_gemms_.push_back(gemm("dense_mlp", h, m.ffn / tp, dense_layers));      // down
  }
  if (m.is_moe()) {
    const double f_g = static_cast<double>(m.moe.expert_ffn) / tp, fs = static_cast<double>(m.moe.shared_experts) * f_g;
    expert_up_ = gemm("experts", 2 * f_g, h, 1);
    expert_down_ = gemm("experts", h, f_g, 1);
    shared_up_ = gemm("shared_experts", 2 * fs, h, 1);
    shared_down_ = gemm("shared_experts", h, fs, 1);
    router_ = gemm("router", static_cast<double>(m.moe.experts), h, 1);
  }
  lm_head_ = gemm("lm_head", static_cast<double>(m.vocab) / tp, h, 1);
  prepare(256);
}

IterationModel::Gemm IterationModel::gemm(const std::string& group, double n, double k, double count) const {
  WeightFormat f = weight_format(cfg_.llm, cfg_.precision, group);
  return {n, k, count, f.bytes(n, k), f.compute};
}

void IterationModel::prepare(int64_t max_seqs) {
  decode_base_.resize(static_cast<std::size_t>(max_seqs) + 1);
  for (int64_t b = 0; b <= max_seqs; ++b) decode_base_[b] = dense_part_s(b, b);
}

TimeNs IterationModel::to_ns(double s) { return static_cast<TimeNs>(std::llround(s * 1e9)); }

double IterationModel::gemm_s(double m, const Gemm& g) const {
  if (g.n <= 0 || g.k <= 0) return 0;
  return gemm_time_s(roofline_[static_cast<int>(g.compute)], m, g.n, g.k, g.weight_bytes);
}

double IterationModel::layers_gemm_s(double tokens) const {
  double t = 0;
  for (const auto& g : per_layer_gemms_) t += g.count * gemm_s(tokens, g);
  return t + moe_s(tokens);
}

// MoE layers with tensor parallelism only: every expert is sharded over the TP
// group. Each expert the batch touches (expected distinct experts under uniform
// routing) runs its GEMMs on the rows routed to it. Non-decreasing in the
// tokens: the touched count grows, and so do the rows per touched expert
// (touched(T) is concave with touched(0) = 0, so T / touched(T) grows).
double IterationModel::moe_s(double tokens) const {
  const LlmSpec& m = cfg_.llm;
  if (!m.is_moe() || tokens <= 0) return 0;
  const double e = static_cast<double>(m.moe.experts), k = static_cast<double>(m.moe.active_experts);
  double touched = e * (1 - std::pow(1 - k / e, tokens));
  double rows = tokens * k / touched;
  double routed = touched * (gemm_s(rows, expert_up_) + gemm_s(rows, expert_down_));
  double shared = gemm_s(tokens, shared_up_) + gemm_s(tokens, shared_down_);
  double router = gemm_s(tokens, router_);
  return static_cast<double>(m.moe_layers()) * (routed + shared + router);
}

double IterationModel::lm_head_s(double rows) const { return gemm_s(rows, lm_head_); }

// Norms, residual adds, activation and RoPE: memory-bound passes over the
// activations (about 10 hidden-sized and 3 ffn-sized reads/writes per layer).
double IterationModel::elementwise_s(double tokens) const {
  const LlmSpec& m = cfg_.llm;
  double f = static_cast<double>(m.is_moe() ? m.moe.expert_ffn * m.moe.active_experts : m.ffn) /
             static_cast<double>(cfg_.tp);
  double bytes = tokens * a_bytes_ * (10.0 * m.hidden + 3.0 * f) * static_cast<double>(m.layers);
  return bytes / (hbm_ * eff_mem_);
}

double IterationModel::allreduce_s(double tokens) const {
  const LlmSpec& m = cfg_.llm;
  if (cfg_.tp <= 1 || tokens <= 0) return 0;
  double bytes = tokens * static_cast<double>(m.hidden) * a_bytes_;
  return 2.0 * static_cast<double>(m.layers) * nvlink_time(CollOp::all_reduce, bytes, cfg_.tp, nvlink_);
}

double IterationModel::prefill_attention_s(const PrefillChunk& c) const {
  double t = static_cast<double>(c.tokens), p = static_cast<double>(c.prior);
  double pairs = t * p + t * (t + 1) / 2;  // causal
  double flops = pairs * prefill_flops_per_pair_;
  double bytes = (p + t) * kv_bytes_per_token_;
  return std::max(flops / (peak_attn_ * eff_attn_), bytes / (hbm_ * eff_attn_));
}

double IterationModel::dense_part_s(int64_t tokens, int64_t logits_rows) const {
  if (tokens <= 0) return overhead_s_;
  double t = static_cast<double>(tokens);
  return layers_gemm_s(t) + lm_head_s(static_cast<double>(logits_rows)) + elementwise_s(t) + allreduce_s(t) +
         overhead_s_;
}

TimeNs IterationModel::step_ns(const BatchShape& b) const {
  if (b.prefill.empty()) return decode_ns(b.decode_seqs, b.decode_context);
  int64_t tokens = b.decode_seqs, logits = b.decode_seqs;
  double attn = attn_decode_per_token_s_ * static_cast<double>(b.decode_context);
  for (const auto& c : b.prefill) {
    tokens += c.tokens;
    logits += c.completes ? 1 : 0;
    attn += prefill_attention_s(c);
  }
  return to_ns(dense_part_s(tokens, logits) + attn);
}

Breakdown IterationModel::breakdown(const BatchShape& b) const {
  Breakdown r;
  double tokens = static_cast<double>(b.decode_seqs), logits = tokens;
  r.attention_s = attn_decode_per_token_s_ * static_cast<double>(b.decode_context);
  for (const auto& c : b.prefill) {
    tokens += static_cast<double>(c.tokens);
    logits += c.completes ? 1 : 0;
    r.attention_s += prefill_attention_s(c);
  }
  r.gemm_s = tokens > 0 ? layers_gemm_s(tokens) + lm_head_s(logits) : 0;
  r.elementwise_s = elementwise_s(tokens);
  r.collective_s = allreduce_s(tokens);
  r.overhead_s = overhead_s_;
  return r;
}

double IterationModel::layer_s(const BatchShape& b) const {
  double tokens = static_cast<double>(b.decode_seqs);
  double attn = attn_decode_per_token_s_ * static_cast<double>(b.decode_context);
  for (const auto& c : b.prefill) {
    tokens += static_cast<double>(c.tokens);
    attn += prefill_attention_s(c);
  }
  return (layers_gemm_s(tokens) + attn + elementwise_s(tokens)) / static_cast<double>(cfg_.llm.layers);
}

MemoryPlan IterationModel::memory(double util, int64_t block_size, int64_t token_budget, int64_t max_seqs) const {
  const LlmSpec& m = cfg_.llm;
  const double tp = static_cast<double>(cfg_.tp);
  MemoryPlan p;
  p.hbm_per_gpu = cfg_.gpu.hbm_capacity.value;
  p.usable_per_gpu = p.hbm_per_gpu * util;
  p.weights_per_gpu = weight_plan(m, cfg_.precision, cfg_.tp).per_gpu_bytes;
  // Peak activations of a forward pass over the token budget (what vLLM's
  // profiling run measures): hidden states, the widest MLP intermediate, and
  // fp32 logits of the sequences sampled.
  double f = static_cast<double>(m.is_moe() ? std::max(m.ffn, m.moe.expert_ffn * m.moe.active_experts) : m.ffn) / tp;
  p.activations_per_gpu = static_cast<double>(token_budget) * (4.0 * m.hidden + 2.0 * f) * a_bytes_ +
                          static_cast<double>(max_seqs) * (static_cast<double>(m.vocab) / tp) * 4.0;
  p.reserve_per_gpu = cfg_.cal.runtime_reserve.value;
  p.kv_per_gpu = p.usable_per_gpu - p.weights_per_gpu - p.activations_per_gpu - p.reserve_per_gpu;
  p.kv_bytes_per_token_per_gpu = kv_bytes_per_token_;
  double per_block = kv_bytes_per_token_ * static_cast<double>(block_size);
  p.kv_blocks = p.kv_per_gpu > 0 ? static_cast<int64_t>(std::floor(p.kv_per_gpu / per_block)) : 0;
  p.kv_tokens = p.kv_blocks * block_size;
  return p;
}

}  // namespace rs
