#include "models/power/power_model.hpp"

#include <algorithm>
#include <cmath>

namespace rs {
namespace {
constexpr double kUnbounded = 1e30;

GpuSpec with_peaks(const GpuSpec& g, double factor) {
  GpuSpec s = g;
  for (Sourced* p : {&s.peak.bf16, &s.peak.fp8, &s.peak.fp4})
    if (p->present()) p->value *= factor;
  return s;
}
}  // namespace

PowerModel::PowerModel(const IterationModel& base, const GpuPower& g, double min_clock, const std::string& where)
    : base_(base) {
  const PerfConfig& cfg = base.config();
  idle_w = g.idle_w.value;
  full_w = g.full_w.value;
  memory_share_ = g.memory_share.value;
  // Clock levels 1, 0.95, ... down to min_clock.
  for (int i = 0;; ++i) {
    double f = 1.0 - 0.05 * i;
    if (f < min_clock - 1e-9) break;
    clock_.push_back(f);
    clock_pow_.push_back(std::pow(f, g.dvfs_exponent.value - 1));
  }
  models_.resize(clock_.size());
  // Each derived model owns its copy of the config, with the GPU's peaks changed.
  for (std::size_t l = 1; l < clock_.size(); ++l) {
    PerfConfig c = cfg;
    c.gpu = with_peaks(cfg.gpu, clock_[l]);
    models_[l] = std::make_unique<IterationModel>(c, where);
  }
  PerfConfig c = cfg;
  c.gpu = with_peaks(cfg.gpu, kUnbounded);
  no_compute_bound_ = std::make_unique<IterationModel>(c, where);
  c.gpu = cfg.gpu;
  c.gpu.hbm_bandwidth.value = kUnbounded;
  no_memory_bound_ = std::make_unique<IterationModel>(c, where);
  // Decode attention is linear in the context: per-token parts.
  const double n = 1e6;
  BatchShape probe{0, static_cast<int64_t>(n), {}};
  attn_per_token_ = {no_memory_bound_->breakdown(probe).attention_s / n,
                     no_compute_bound_->breakdown(probe).attention_s / n};
}

StepParts PowerModel::parts(const BatchShape& b) const {
  Breakdown c = no_memory_bound_->breakdown(b), m = no_compute_bound_->breakdown(b);
  return {c.gemm_s + c.attention_s + c.elementwise_s, m.gemm_s + m.attention_s + m.elementwise_s + m.collective_s};
}

StepParts PowerModel::decode_parts(int64_t seqs, int64_t context) const {
  const std::size_t s = static_cast<std::size_t>(seqs);
  if (s >= decode_dense_.size()) {
    std::size_t from = decode_dense_.size();
    decode_dense_.resize(std::max(s + 1, 2 * from));
    for (std::size_t i = from; i < decode_dense_.size(); ++i)
      decode_dense_[i] = parts(BatchShape{static_cast<int64_t>(i), 0, {}});
  }
  const StepParts& d = decode_dense_[s];
  const double ctx = static_cast<double>(context);
  return {d.compute_s + attn_per_token_.compute_s * ctx, d.memory_s + attn_per_token_.memory_s * ctx};
}

double PowerModel::dynamic_j(const StepParts& parts, int32_t level, TimeNs t_level) const {
  const double t = ns_to_s(t_level);
  const double busy = parts.compute_s * clock_pow_[static_cast<std::size_t>(level)] + memory_share_ * parts.memory_s;
  return (full_w - idle_w) * std::min(t, busy);
}

}  // namespace rs
