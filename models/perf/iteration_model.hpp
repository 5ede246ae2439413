#pragma once
// Iteration-time model: the time of one serving-engine step (a batch of
// prefill chunks and decode tokens) on one tensor-parallel replica.
//
// Per layer, each GEMM takes max(FLOPs / (peak x eff_gemm), bytes / (HBM bw x
// eff_mem)); attention takes prefill by FLOPs and decode by KV bytes read (both
// bounds, attention efficiency); elementwise ops are memory-bound; TP adds two
// ring all-reduces per layer over NVLink (alpha-beta); each step pays a fixed
// overhead. Pure function of its inputs, no SimGrid: unit-tested alone and
// reused by serving, planning and training models.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "models/catalog/calibration.hpp"
#include "models/catalog/gpu.hpp"
#include "models/catalog/llm.hpp"
#include "models/collectives/nvlink.hpp"
#include "models/perf/gemm_time.hpp"
#include "models/perf/weights.hpp"
#include "sim/engine.hpp"

namespace rs {

// Held by value: an IterationModel owns what it reads and may be moved or
// outlive the setup it was built from.
struct PerfConfig {
  LlmSpec llm;
  GpuSpec gpu;
  Calibration cal;
  Precision precision = Precision::bf16;     // run precision (weights and GEMM inputs of quantized tensors)
  Precision kv_precision = Precision::bf16;  // KV cache
  int64_t tp = 1;
};

struct PrefillChunk {
  int64_t tokens = 0;  // new tokens processed this step
  int64_t prior = 0;   // tokens of the same sequence already in the KV cache
  bool completes = false;  // the chunk finishes the prompt (emits a token: needs logits)
};

struct BatchShape {
  int64_t decode_seqs = 0;
  int64_t decode_context = 0;  // sum over decode sequences of tokens attended (incl. the new one)
  std::span<const PrefillChunk> prefill;
};

struct Breakdown {
  double gemm_s = 0, attention_s = 0, elementwise_s = 0, collective_s = 0, overhead_s = 0;
  double total_s() const { return gemm_s + attention_s + elementwise_s + collective_s + overhead_s; }
};

struct MemoryPlan {
  double hbm_per_gpu = 0, usable_per_gpu = 0, weights_per_gpu = 0, activations_per_gpu = 0, reserve_per_gpu = 0,
         kv_per_gpu = 0, kv_bytes_per_token_per_gpu = 0;
  int64_t kv_blocks = 0, kv_tokens = 0;  // per replica
};

class IterationModel {
 public:
  IterationModel(const PerfConfig& cfg, const std::string& where);

  // Decode-only step (the hot path); identical to step_ns of the same shape.
  TimeNs decode_ns(int64_t seqs, int64_t context) const {
    double base = seqs < static_cast<int64_t>(decode_base_.size()) ? decode_base_[seqs] : dense_part_s(seqs, seqs);
    return to_ns(base + attn_decode_per_token_s_ * static_cast<double>(context));
  }
  TimeNs step_ns(const BatchShape& b) const;
  Breakdown breakdown(const BatchShape& b) const;
  // One transformer layer of the step on one GPU: GEMMs + attention +
  // elementwise, without TP collectives, LM head or step overhead (what the
  // calibration's `layer` benchmark measures). Dense models only.
  double layer_s(const BatchShape& b) const;

  MemoryPlan memory(double gpu_memory_utilization, int64_t block_size, int64_t token_budget,
                    int64_t max_seqs) const;
  const PerfConfig& config() const { return cfg_; }
  // Caches the decode base time for batch sizes up to max_seqs.
  void prepare(int64_t max_seqs);

 private:
  struct Gemm {
    double n, k, count;    // per-GPU output and reduction dims; GEMMs of this shape per step
    double weight_bytes;   // the k x n weight as stored on one GPU (scales included)
    Precision compute;     // bf16 for tensors the checkpoint leaves unquantized
  };
  static TimeNs to_ns(double s);
  Gemm gemm(const std::string& group, double n, double k, double count) const;
  double gemm_s(double m, const Gemm& g) const;
  double layers_gemm_s(double tokens) const;
  double moe_s(double tokens) const;
  double lm_head_s(double rows) const;
  double elementwise_s(double tokens) const;
  double allreduce_s(double tokens) const;
  double prefill_attention_s(const PrefillChunk& c) const;
  double dense_part_s(int64_t tokens, int64_t logits_rows) const;  // all but attention

  PerfConfig cfg_;
  double peak_attn_, hbm_, eff_mem_, eff_attn_, overhead_s_;
  double a_bytes_, kv_bytes_;
  NvlinkAB nvlink_;
  GemmRoofline roofline_[3];  // by compute Precision (peaks, efficiencies, measured fit)
  std::vector<Gemm> per_layer_gemms_;  // attention projections + dense MLP, all layers counted
  Gemm expert_up_{}, expert_down_{}, shared_up_{}, shared_down_{}, router_{}, lm_head_{};
  double attn_decode_per_token_s_ = 0;
  double prefill_flops_per_pair_ = 0, kv_bytes_per_token_ = 0;  // per GPU, all layers
  std::vector<double> decode_base_;
};

}  // namespace rs
