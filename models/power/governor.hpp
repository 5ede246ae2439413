#pragma once
// Power governor: holds the per-GPU cap at every step and the rack and site
// budgets over every control interval. At each interval boundary the budget
// (above the idle floor) is divided among replicas, weighting those that ran
// a step in the previous interval by 1 and the others by power.idle_share;
// within the interval each step runs at the highest clock level whose mean
// power fits its replica's share; if even the lowest level does not fit, the
// GPU duty-cycles (the step stretches so that its mean power equals the share).
// Every step's power is within its share, the shares sum to the budget, so any
// interval's (and any second's) mean power is within the budget.
#include <vector>

#include "models/power/power_model.hpp"
#include "models/power/power_plan.hpp"
#include "models/serving/clock.hpp"

namespace rs {

class PowerGovernor : public ClockGovernor {
 public:
  PowerGovernor(const PowerModel& pm, const PowerPlan& plan);
  StepTiming step(int32_t replica, const BatchShape& b, TimeNs start) override;
  StepTiming decode(int32_t replica, int64_t seqs, int64_t context, TimeNs start) override;
  TimeNs next_boundary(TimeNs t) const override { return (t / interval_ns_ + 1) * interval_ns_; }
  // Per-GPU power share of a replica in the current interval (W).
  double share_w(int32_t replica) const { return share_[static_cast<std::size_t>(replica)]; }

 private:
  void enter(int32_t replica, TimeNs start);
  void divide(const std::vector<double>& weights);
  template <class TimeAt>
  StepTiming choose(int32_t replica, const StepParts& parts, TimeAt time_at);

  const PowerModel& pm_;
  PowerPlan plan_;
  TimeNs interval_ns_;
  int64_t current_ = 0;
  std::vector<char> busy_;     // replicas that started a step in the current interval
  std::vector<double> share_;  // per-GPU power share of each replica
};

}  // namespace rs
