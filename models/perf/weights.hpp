#pragma once
// The bytes of a model's weights as a real checkpoint stores them, and what one
// tensor-parallel rank holds. Which tensors a quantized checkpoint quantizes is
// the model preset's `quantization` block; the block formats are below:
//   bf16                 2 B per value.
//   fp8, per tensor      1 B per value + one fp32 weight scale and one fp32 input scale per tensor
//                        (NVIDIA ModelOpt FP8 checkpoints, e.g. nvidia/Llama-3.1-70B-Instruct-FP8).
//   fp8, block N         1 B per value + one fp32 scale per N x N block (DeepSeek-V3/R1 native fp8:
//                        weight_block_size [128, 128], tensors `weight_scale_inv`).
//   nvfp4                0.5 B per value + one FP8 E4M3 scale per 16 values along the input dim + a fp32
//                        per-tensor weight scale and input scale (NVIDIA NVFP4, ModelOpt / llm-compressor).
//   mxfp4                0.5 B per value + one E8M0 (1 B) scale per 32 values (OCP Microscaling spec v1.0).
// Per rank, vLLM shards as its layers do (vllm/model_executor/layers/linear.py,
// vocab_parallel_embedding.py, fused_moe/layer.py): column- and row-parallel
// projections, the vocab-parallel embedding and LM head and each expert's
// intermediate dim are split by tp; ReplicatedLinear layers (DeepSeek MLA's
// q_a/kv_a down-projections, the MoE router gate), norms and KV heads beyond
// the head count (QKVParallelLinear keeps at least one KV head per rank) are
// held in full by every rank.
#include <cstdint>

#include "models/catalog/llm.hpp"

namespace rs {

// How one tensor is stored.
struct WeightFormat {
  Precision compute = Precision::bf16;  // the GEMM reading it runs at this precision
  double value_bytes = 2;               // per weight value
  int64_t group = 0;                    // values per scale along the input dim (fp4); 0: none
  double group_scale_bytes = 0;         // bytes per group scale
  int64_t block = 0;                    // block x block fp32 scales (fp8 block); 0: none
  double tensor_scale_bytes = 0;        // per-tensor scalars (weight and input scale)
  // Bytes of a rows x cols tensor (rows = output features, cols = input features).
  double bytes(double rows, double cols) const;
};

// The stored format of a tensor group ("attention", "dense_mlp", "experts",
// "shared_experts"; "embed", "lm_head", "norm" and "router" are always bf16) for
// a run at precision `p`.
WeightFormat weight_format(const LlmSpec& m, Precision p, const std::string& group);

struct WeightPlan {
  double checkpoint_bytes = 0;  // the whole model as stored (every tensor once)
  double per_gpu_bytes = 0;     // what one TP rank holds
  double replicated_bytes = 0;  // of per_gpu_bytes: tensors every rank holds in full
};
WeightPlan weight_plan(const LlmSpec& m, Precision p, int64_t tp);

// KV heads one rank holds: vLLM replicates KV heads when tp exceeds their number.
int64_t kv_heads_per_rank(const LlmSpec& m, int64_t tp);

}  // namespace rs
