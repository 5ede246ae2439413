#pragma once
// GPU power model. Per step, the iteration model is asked twice more,
// once with unbounded compute and once with unbounded HBM bandwidth, to split
// the step's work into compute-bound seconds (tensor-core and attention math at
// the calibrated efficiency) and memory/link seconds (HBM streams, NVLink
// all-reduces). A GPU draws
//   P = idle + (full - idle) x min(1, [compute x f^(a-1) + m x memory] / T)
// over a step of duration T at clock factor f (DVFS level): compute-bound work
// takes compute / f seconds at a power proportional to f^a (a = dvfs_exponent),
// memory-bound work draws the share m (memory_power_share) of the dynamic range
// and does not slow with the SM clock. A clock level is an iteration model
// whose peak FLOP/s are scaled by f: compute-bound work slows with the clock,
// memory-bound work does not. Host overhead time draws idle power. idle, full
// (compute-bound full-load power), m and a come from GpuPower: measured by the
// calibrator's NVML power group where the profile has one, else preset/scenario.
#include <deque>
#include <memory>
#include <vector>

#include "models/catalog/gpu.hpp"
#include "models/perf/iteration_model.hpp"
#include "models/power/gpu_power.hpp"

namespace rs {

struct StepParts {
  double compute_s = 0;  // per GPU at full clock
  double memory_s = 0;   // HBM streams + NVLink collectives
};

class PowerModel {
 public:
  // `min_clock`: lowest DVFS clock factor (power.min_clock).
  PowerModel(const IterationModel& base, const GpuPower& g, double min_clock, const std::string& where);

  int32_t levels() const { return static_cast<int32_t>(clock_.size()); }
  double clock(int32_t level) const { return clock_[static_cast<std::size_t>(level)]; }
  const IterationModel& model(int32_t level) const { return level == 0 ? base_ : *models_[static_cast<std::size_t>(level)]; }
  TimeNs step_ns(int32_t level, const BatchShape& b) const { return model(level).step_ns(b); }
  TimeNs decode_ns(int32_t level, int64_t seqs, int64_t context) const { return model(level).decode_ns(seqs, context); }

  StepParts parts(const BatchShape& b) const;
  StepParts decode_parts(int64_t seqs, int64_t context) const;  // cached per batch size
  // Dynamic energy (J, per GPU, above idle) of a step with these parts run at `level`, lasting `t_level` there.
  double dynamic_j(const StepParts& parts, int32_t level, TimeNs t_level) const;
  // Mean power of one GPU over such a step (no duty cycling).
  double step_power_w(const StepParts& parts, int32_t level, TimeNs t_level) const {
    return idle_w + (t_level > 0 ? dynamic_j(parts, level, t_level) / ns_to_s(t_level) : 0);
  }

  double idle_w = 0, full_w = 0;  // per GPU: idle, compute-bound at full clock

 private:
  const IterationModel& base_;
  std::vector<std::unique_ptr<IterationModel>> models_;  // by level (index 0 unused: base_)
  std::unique_ptr<IterationModel> no_memory_bound_, no_compute_bound_;
  std::vector<double> clock_, clock_pow_;  // f and f^(a-1) per level
  double memory_share_ = 0;
  mutable std::vector<StepParts> decode_dense_;  // by batch size, attention excluded
  StepParts attn_per_token_;
};

}  // namespace rs
