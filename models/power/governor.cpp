#include "models/power/governor.hpp"

#include <algorithm>
#include <cmath>

namespace rs {

PowerGovernor::PowerGovernor(const PowerModel& pm, const PowerPlan& plan)
    : pm_(pm), plan_(plan), interval_ns_(std::max<TimeNs>(1, s_to_ns(plan.control_interval_s))) {
  busy_.assign(static_cast<std::size_t>(plan_.replicas), 0);
  divide(std::vector<double>(static_cast<std::size_t>(plan_.replicas), 1.0));  // first interval: all equal
}

void PowerGovernor::divide(const std::vector<double>& w) {
  const std::size_t n = w.size();
  const double tp = static_cast<double>(plan_.tp);
  share_.assign(n, plan_.gpu_cap_w);
  // Splits `gpu_budget` (W for the GPUs of replicas [first, last)) above their idle floor by weight.
  auto split = [&](double gpu_budget, std::size_t first, std::size_t last) {
    double wsum = 0;
    for (std::size_t r = first; r < last; ++r) wsum += w[r];
    double headroom = gpu_budget - static_cast<double>(last - first) * tp * plan_.idle_w;
    for (std::size_t r = first; r < last; ++r) {
      double per_gpu = plan_.idle_w + headroom * (w[r] / wsum) / tp;
      share_[r] = std::min(share_[r], per_gpu);
    }
  };
  if (plan_.rack_budget_w > 0) {
    const std::size_t per_rack = static_cast<std::size_t>(plan_.gpus_per_rack / plan_.tp);
    for (int64_t k = 0; k < plan_.racks; ++k) {
      std::size_t first = static_cast<std::size_t>(k) * per_rack, last = std::min(n, first + per_rack);
      split(plan_.rack_replica_budget_w(k), first, last);
    }
  }
  if (plan_.site_budget_w > 0) split(plan_.site_replica_budget_w(), 0, n);
}

void PowerGovernor::enter(int32_t replica, TimeNs start) {
  const int64_t k = start / interval_ns_;
  if (k > current_) {
    // New interval: weights from the one just before it (all idle if intervals were skipped).
    const double idle_w = std::max(plan_.idle_share, 1e-3);
    std::vector<double> w(busy_.size());
    for (std::size_t r = 0; r < w.size(); ++r) w[r] = (k == current_ + 1 && busy_[r]) ? 1.0 : idle_w;
    divide(w);
    std::fill(busy_.begin(), busy_.end(), 0);
    current_ = k;
  }
  busy_[static_cast<std::size_t>(replica)] = 1;
}

template <class TimeAt>
StepTiming PowerGovernor::choose(int32_t replica, const StepParts& parts, TimeAt time_at) {
  const double share = share_[static_cast<std::size_t>(replica)];
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
