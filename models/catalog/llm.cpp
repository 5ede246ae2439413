#include "models/catalog/llm.hpp"

#include <algorithm>

#include "sim/error.hpp"
#include "sim/suggest.hpp"

namespace rs {

const Schema<LlmSpec>& LlmSpec::schema() {
  using L = LlmSpec;
  static const Schema<L::Moe> moe = Schema<L::Moe>("mixture of experts")
      .integer(&L::Moe::experts, "experts", "0", "routed experts (n_routed_experts)", 0)
      .integer(&L::Moe::active_experts, "active_experts", "0", "experts per token (num_experts_per_tok)", 0)
      .integer(&L::Moe::shared_experts, "shared_experts", "0", "shared experts (n_shared_experts)", 0)
      .integer(&L::Moe::expert_ffn, "expert_ffn", "0", "expert intermediate size (moe_intermediate_size)", 0)
      .integer(&L::Moe::dense_layers, "dense_layers", "0", "leading dense layers (first_k_dense_replace)", 0);
  static const Schema<L::Mla> mla = Schema<L::Mla>("multi-head latent attention")
      .integer(&L::Mla::q_lora_rank, "q_lora_rank", "0", "query low-rank dimension", 0)
      .integer(&L::Mla::kv_lora_rank, "kv_lora_rank", "0", "cached latent dimension", 0)
      .integer(&L::Mla::qk_nope_head_dim, "qk_nope_head_dim", "0", "per-head QK dim without RoPE", 0)
      .integer(&L::Mla::qk_rope_head_dim, "qk_rope_head_dim", "0", "per-head RoPE dim (shared key part cached)", 0)
      .integer(&L::Mla::v_head_dim, "v_head_dim", "0", "per-head value dim", 0);
  static const Schema<L::Quantization> quant = Schema<L::Quantization>("published quantized checkpoints")
      .text(&L::Quantization::fp8_checkpoint, "fp8_checkpoint", "", "fp8 checkpoint whose layout is counted (URL)")
      .integer(&L::Quantization::fp8_block, "fp8_block", "0",
               "fp8 weight scales: one fp32 per fp8_block x fp8_block block (0: one per tensor)", 0)
      .text(&L::Quantization::fp8_keep_bf16, "fp8_keep_bf16", "",
            "tensor groups the fp8 checkpoint leaves in bf16 (comma-separated)")
      .text(&L::Quantization::fp4_checkpoint, "fp4_checkpoint", "", "fp4 checkpoint whose layout is counted (URL)")
      .text(&L::Quantization::fp4_format, "fp4_format", "nvfp4", "fp4 block format", {"nvfp4", "mxfp4"})
      .text(&L::Quantization::fp4_keep_bf16, "fp4_keep_bf16", "",
            "tensor groups the fp4 checkpoint leaves in bf16 (comma-separated)");
  static const Schema<L> s = Schema<L>("LLM preset")
      .text(&L::name, "name", "", "preset name (= file name)")
      .text(&L::description, "description", "", "what this model is")
      .text(&L::source, "source", "", "published config the numbers come from")
      .text(&L::native_precision, "native_precision", "bf16", "precision of the published weights",
            precision_names())
      .integer(&L::layers, "layers", "0", "transformer layers", 1)
      .integer(&L::hidden, "hidden", "0", "hidden size", 1)
      .integer(&L::ffn, "ffn", "0", "dense MLP intermediate size", 1)
      .integer(&L::heads, "heads", "0", "attention heads", 1)
      .integer(&L::kv_heads, "kv_heads", "0", "key/value heads (GQA)", 1)
      .integer(&L::head_dim, "head_dim", "0", "per-head dimension", 1)
      .integer(&L::vocab, "vocab", "0", "vocabulary size", 1)
      .integer(&L::max_context, "max_context", "0", "maximum context length in tokens", 1)
      .flag(&L::tied_embeddings, "tied_embeddings", "false", "input and output embeddings shared")
      .section(&L::moe, "moe", moe, "mixture-of-experts block (absent for dense models)")
      .section(&L::mla, "mla", mla, "latent attention dims (absent for GQA models)")
      .section(&L::quantization, "quantization", quant, "what the published fp8/fp4 checkpoints keep in bf16");
  return s;
}

double LlmSpec::attention_params_per_layer() const {
  double h = static_cast<double>(hidden);
  if (is_mla()) {
    double qk = static_cast<double>(mla.qk_nope_head_dim + mla.qk_rope_head_dim);
    double q = mla.q_lora_rank > 0 ? h * mla.q_lora_rank + mla.q_lora_rank * heads * qk : h * heads * qk;
    double kv_a = h * (mla.kv_lora_rank + mla.qk_rope_head_dim);
    double kv_b = static_cast<double>(mla.kv_lora_rank) * heads * (mla.qk_nope_head_dim + mla.v_head_dim);
    double o = static_cast<double>(heads) * mla.v_head_dim * h;
    return q + kv_a + kv_b + o;
  }
  double qkv = h * (heads + 2.0 * kv_heads) * head_dim;
  double o = static_cast<double>(heads) * head_dim * h;
  return qkv + o;
}

double LlmSpec::dense_mlp_params_per_layer() const { return 3.0 * hidden * ffn; }  // gate, up, down

double LlmSpec::expert_params() const { return 3.0 * hidden * moe.expert_ffn; }

double LlmSpec::norm_params() const {
  double per_layer = 2.0 * hidden + (is_mla() ? static_cast<double>(mla.q_lora_rank + mla.kv_lora_rank) : 0.0);
  return layers * per_layer + static_cast<double>(hidden);
}

double LlmSpec::total_params() const {
  double embed = static_cast<double>(vocab) * hidden * (tied_embeddings ? 1 : 2) + norm_params();
  double dense_layers = static_cast<double>(is_moe() ? moe.dense_layers : layers);
  double per_moe_layer = (moe.experts + moe.shared_experts) * expert_params() + static_cast<double>(hidden) * moe.experts;
  return embed + layers * attention_params_per_layer() + dense_layers * dense_mlp_params_per_layer() +
         moe_layers() * per_moe_layer;
}

double LlmSpec::active_params() const {
  if (!is_moe()) return total_params();
  double inactive = static_cast<double>(moe.experts - moe.active_experts) * expert_params();
  return total_params() - moe_layers() * inactive;
}

namespace {
std::vector<std::string> split_groups(const std::string& list) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : list + ",") {
    if (c == ',') {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else if (c != ' ') {
      cur += c;
    }
  }
  return out;
}
}  // namespace

const std::vector<std::string>& tensor_group_names() {
  static const std::vector<std::string> g{"attention", "dense_mlp", "experts", "shared_experts"};
  return g;
}

bool LlmSpec::keeps_bf16(Precision p, const std::string& group) const {
  if (p == Precision::bf16) return true;
  auto groups = split_groups(p == Precision::fp8 ? quantization.fp8_keep_bf16 : quantization.fp4_keep_bf16);
  return std::find(groups.begin(), groups.end(), group) != groups.end();
}

LlmSpec load_llm(const std::string& name, const std::string& where) {
  YamlSource src = load_preset_file("llm", name, where, "model");
  LlmSpec m = LlmSpec::schema().decode(src.root, Cursor{&src, ""});
  std::string at = where.empty() ? name : where;
  if (m.heads % m.kv_heads != 0) fail(at, "model '" + name + "': heads must be a multiple of kv_heads");
  if (m.is_moe() && (m.moe.active_experts < 1 || m.moe.active_experts > m.moe.experts || m.moe.expert_ffn < 1))
    fail(at, "model '" + name + "': moe needs 1 <= active_experts <= experts and expert_ffn > 0");
  for (const char* key : {"fp8_keep_bf16", "fp4_keep_bf16"}) {
    const std::string& list = key[2] == '8' ? m.quantization.fp8_keep_bf16 : m.quantization.fp4_keep_bf16;
    for (const auto& g : split_groups(list))
      if (std::find(tensor_group_names().begin(), tensor_group_names().end(), g) == tensor_group_names().end())
        fail(src.where(src.root["quantization"][key], std::string("quantization.") + key),
             "unknown tensor group '" + g + "' (known: " + join(tensor_group_names()) + ")" +
                 did_you_mean(g, tensor_group_names()));
  }
  return m;
}

}  // namespace rs
