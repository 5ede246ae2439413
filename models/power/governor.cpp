#include "models/power/governor.hpp"

#include <algorithm>
#include <cmath>

namespace rs {

PowerGovernor::PowerGovernor(const PowerModel& pm, const PowerPlan& plan)
    : pm_(pm),
      plan_(plan),
      interval_ns_(std::max<TimeNs>(1, s_to_ns(plan.control_interval_s))),
      replicas_(plan.replicas),
      per_rack_(std::max<int64_t>(1, plan.gpus_per_rack / std::max<int64_t>(1, plan.tp))) {
  divide();  // first interval: all weights 1
}

// As dividing replica by replica: per_gpu = idle + headroom x (w / wsum) / tp.
double PowerGovernor::split_share(double gpu_budget, int64_t first, int64_t last, double wsum, double w) const {
  const double tp = static_cast<double>(plan_.tp);
  double headroom = gpu_budget - static_cast<double>(last - first) * tp * plan_.idle_w;
  return plan_.idle_w + headroom * (w / wsum) / tp;
}

void PowerGovernor::divide() {
  rack_other_w_.clear();
  rack_weighted_w_.clear();
  std::vector<int32_t> weighted(weighted_.begin(), weighted_.end());
  std::sort(weighted.begin(), weighted.end());
  if (plan_.rack_budget_w > 0) {
    // Racks holding a weighted replica: each replica's share (the rack's weight sum added in replica order).
    for (std::size_t i = 0; i < weighted.size();) {
      const int64_t k = weighted[i] / per_rack_, first = k * per_rack_, last = std::min(replicas_, first + per_rack_);
      if (k >= plan_.racks) break;  // outside every rack: no rack budget applies
      double wsum = 0;
      for (int64_t r = first; r < last; ++r) wsum += weight(static_cast<int32_t>(r));
      const double budget = plan_.rack_replica_budget_w(k);
      rack_other_w_[k] = split_share(budget, first, last, wsum, other_weight_);
      for (; i < weighted.size() && weighted[i] < last; ++i)
        rack_weighted_w_[weighted[i]] = split_share(budget, first, last, wsum, 1.0);
    }
  }
  if (plan_.site_budget_w > 0) {
    double wsum = 0;
    std::size_t p = 0;
    for (int64_t r = 0; r < replicas_; ++r) {
      if (p < weighted.size() && weighted[p] == r) {
        wsum += 1.0;
        ++p;
      } else {
        wsum += other_weight_;
      }
    }
    const double budget = plan_.site_replica_budget_w();
    site_busy_w_ = split_share(budget, 0, replicas_, wsum, 1.0);
    site_other_w_ = split_share(budget, 0, replicas_, wsum, other_weight_);
  }
}

double PowerGovernor::rack_share(int32_t replica) const {
  if (auto it = rack_weighted_w_.find(replica); it != rack_weighted_w_.end()) return it->second;
  const int64_t k = replica / per_rack_;
  if (k >= plan_.racks) return plan_.gpu_cap_w;  // outside every rack: no rack budget applies
  auto [it, fresh] = rack_other_w_.try_emplace(k, 0.0);
  if (fresh) {  // a rack with no weighted replica: every weight is other_weight_
    const int64_t first = k * per_rack_, last = std::min(replicas_, first + per_rack_);
    double wsum = 0;
    for (int64_t r = first; r < last; ++r) wsum += other_weight_;
    it->second = split_share(plan_.rack_replica_budget_w(k), first, last, wsum, other_weight_);
  }
  return it->second;
}

double PowerGovernor::share_w(int32_t replica) const {
  double share = plan_.gpu_cap_w;
  if (plan_.rack_budget_w > 0) share = std::min(share, rack_share(replica));
  if (plan_.site_budget_w > 0) share = std::min(share, weighted_.count(replica) ? site_busy_w_ : site_other_w_);
  return share;
}

void PowerGovernor::enter(int32_t replica, TimeNs start) {
  const int64_t k = start / interval_ns_;
  if (k > current_) {
    // New interval: weights from the one just before it (all idle if intervals were skipped).
    weighted_.clear();
    if (k == current_ + 1) weighted_.swap(busy_);
    busy_.clear();
    other_weight_ = std::max(plan_.idle_share, 1e-3);
    divide();
    current_ = k;
  }
  busy_.insert(replica);
}

template <class TimeAt>
StepTiming PowerGovernor::choose(int32_t replica, const StepParts& parts, TimeAt time_at) {
  const double share = share_w(replica);
  if (share >= pm_.full_w) return {time_at(0), 0};
  const int32_t last = pm_.levels() - 1;
  TimeNs t = 0;
  for (int32_t l = 0; l <= last; ++l) {
    t = time_at(l);
    if (pm_.step_power_w(parts, l, t) <= share) return {t, l};
  }
  // Duty cycling below the lowest clock: same dynamic energy over a longer step.
  double e = pm_.dynamic_j(parts, last, t);
  auto stretched = static_cast<TimeNs>(std::ceil(e / (share - pm_.idle_w) * 1e9));
  return {std::max(t, stretched), last};
}

StepTiming PowerGovernor::step(int32_t replica, const BatchShape& b, TimeNs start) {
  enter(replica, start);
  if (b.prefill.empty()) return decode(replica, b.decode_seqs, b.decode_context, start);
  return choose(replica, pm_.parts(b), [&](int32_t l) { return pm_.step_ns(l, b); });
}

StepTiming PowerGovernor::decode(int32_t replica, int64_t seqs, int64_t context, TimeNs start) {
  enter(replica, start);
  return choose(replica, pm_.decode_parts(seqs, context),
                [&](int32_t l) { return pm_.decode_ns(l, seqs, context); });
}

}  // namespace rs
