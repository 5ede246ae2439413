#pragma once
// An LLM architecture preset (models/llm/<name>.yaml), from its published config.
#include <string>
#include <vector>

#include "models/catalog/catalog.hpp"

namespace rs {

struct LlmSpec {
  struct Moe {
    int64_t experts = 0, active_experts = 0, shared_experts = 0, expert_ffn = 0, dense_layers = 0;
  };
  struct Mla {
    int64_t q_lora_rank = 0, kv_lora_rank = 0, qk_nope_head_dim = 0, qk_rope_head_dim = 0, v_head_dim = 0;
  };
  // What the published fp8 / fp4 checkpoints of this model hold (models/perf/weights.hpp counts it).
  // Embeddings, LM head, norms and the MoE router stay bf16 in every one of them; the
  // `*_keep_bf16` lists name the further tensor groups a checkpoint leaves unquantized.
  struct Quantization {
    std::string fp8_checkpoint, fp4_checkpoint;  // the checkpoints whose layout is followed
    int64_t fp8_block = 0;                       // fp32 scale per fp8_block x fp8_block block; 0: one per tensor
    std::string fp8_keep_bf16, fp4_keep_bf16;    // comma-separated tensor groups (tensor_group_names())
    std::string fp4_format = "nvfp4";            // nvfp4 or mxfp4
  };
  std::string name, description, source, native_precision;
  int64_t layers = 0, hidden = 0, ffn = 0, heads = 0, kv_heads = 0, head_dim = 0, vocab = 0, max_context = 0;
  bool tied_embeddings = false;
  Moe moe;
  Mla mla;
  Quantization quantization;

  bool is_moe() const { return moe.experts > 0; }
  bool is_mla() const { return mla.kv_lora_rank > 0; }
  int64_t moe_layers() const { return is_moe() ? layers - moe.dense_layers : 0; }

  // Parameter counts (weights), from the architecture.
  double attention_params_per_layer() const;
  double dense_mlp_params_per_layer() const;
  double expert_params() const;  // one routed expert
  double norm_params() const;  // RMSNorm weights: two per layer, MLA's two latent norms, the final norm
  double total_params() const;
  double active_params() const;  // per token (MoE: active experts only)

  // Whether a run at `p` keeps this tensor group in bf16 (the checkpoint leaves it unquantized).
  bool keeps_bf16(Precision p, const std::string& group) const;

  static const Schema<LlmSpec>& schema();
};

// Quantizable tensor groups a checkpoint may leave in bf16.
const std::vector<std::string>& tensor_group_names();

LlmSpec load_llm(const std::string& name, const std::string& where = "");

}  // namespace rs
