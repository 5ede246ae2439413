#pragma once
// An LLM architecture preset (models/llm/<name>.yaml), from its published config.
#include <string>

#include "models/catalog/catalog.hpp"

namespace rs {

struct LlmSpec {
  struct Moe {
    int64_t experts = 0, active_experts = 0, shared_experts = 0, expert_ffn = 0, dense_layers = 0;
  };
  struct Mla {
    int64_t q_lora_rank = 0, kv_lora_rank = 0, qk_nope_head_dim = 0, qk_rope_head_dim = 0, v_head_dim = 0;
  };
  std::string name, description, source, native_precision;
  int64_t layers = 0, hidden = 0, ffn = 0, heads = 0, kv_heads = 0, head_dim = 0, vocab = 0, max_context = 0;
  bool tied_embeddings = false;
  Moe moe;
  Mla mla;

  bool is_moe() const { return moe.experts > 0; }
  bool is_mla() const { return mla.kv_lora_rank > 0; }
  int64_t moe_layers() const { return is_moe() ? layers - moe.dense_layers : 0; }

  // Parameter counts (weights), from the architecture.
  double attention_params_per_layer() const;
  double dense_mlp_params_per_layer() const;
  double expert_params() const;  // one routed expert
  double total_params() const;
  double active_params() const;  // per token (MoE: active experts only)

  static const Schema<LlmSpec>& schema();
};

LlmSpec load_llm(const std::string& name, const std::string& where = "");

}  // namespace rs
