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
//
// Cost follows the work: idle replicas all get the same share (per rack, and
// site-wide), so only the replicas that ran a step and their racks are kept;
// a share is worked out when a replica asks for it. The arithmetic is the
// same, in the same order, as dividing replica by replica (the site's weight
// sum still adds every replica's weight in replica order: one pass of
// additions per interval, only with a site budget).
#include <unordered_map>
#include <unordered_set>
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
  double share_w(int32_t replica) const;

 private:
  void enter(int32_t replica, TimeNs start);
  void divide();  // shares of the interval from the weights of the previous one
  double weight(int32_t replica) const { return weighted_.count(replica) ? 1.0 : other_weight_; }
  // Per-GPU share from splitting `gpu_budget` over replicas [first, last) with weight sum `wsum`.
  double split_share(double gpu_budget, int64_t first, int64_t last, double wsum, double w) const;
  double rack_share(int32_t replica) const;
  template <class TimeAt>
  StepTiming choose(int32_t replica, const StepParts& parts, TimeAt time_at);

  const PowerModel& pm_;
  PowerPlan plan_;
  TimeNs interval_ns_;
  int64_t current_ = 0, replicas_ = 0, per_rack_ = 1;
  std::unordered_set<int32_t> busy_;      // replicas that started a step in the current interval
  std::unordered_set<int32_t> weighted_;  // replicas weighted 1 in this interval's division
  double other_weight_ = 1;               // weight of every other replica (1 in the first interval)
  double site_busy_w_ = 0, site_other_w_ = 0;  // per-GPU site shares (site budget only)
  mutable std::unordered_map<int64_t, double> rack_other_w_;  // rack -> share of its other replicas
  std::unordered_map<int32_t, double> rack_weighted_w_;      // weighted replica -> its rack share
};

}  // namespace rs
