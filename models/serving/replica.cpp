#include "models/serving/replica.hpp"

#include <algorithm>
#include <stdexcept>

namespace rs {

Replica::Replica(int32_t id, const ReplicaConfig& cfg)
    : id_(id),
      cfg_(cfg),
      kv_(cfg.kv_blocks, cfg.block_size),
      sched_(cfg.make_scheduler(Scheduler::Deps{&kv_, cfg.signals, id})) {}

void Replica::deliver(Request* r) {
  inbox_.push_back(r);
  if (phase_ == Phase::waiting) {
    next_ = std::min(next_, r->arrival);
  } else if (phase_ == Phase::window && r->arrival < ends_[n_ - 1]) {
    // Finish the step in progress, then re-plan with the new request.
    const auto k = static_cast<std::size_t>(std::lower_bound(ends_.begin(), ends_.end(), r->arrival) - ends_.begin());
    n_ = std::min(n_, k + 1);
    next_ = ends_[n_ - 1];
  }
}

ReplicaLoad Replica::load() const {
  return {static_cast<int64_t>(sched_->waiting() + inbox_.size()), static_cast<int64_t>(sched_->running()),
          kv_.free()};
}

void Replica::advance() {
  const TimeNs t = next_;
  if (phase_ == Phase::step) {
    sched_->commit(now_, t, level_);
  } else if (phase_ == Phase::window) {
    sched_->commit_decode({ends_.data(), n_}, now_,
                          levels_.empty() ? std::span<const int32_t>{} : std::span<const int32_t>{levels_.data(), n_});
  }
  now_ = t;
  for (Request* r : inbox_) sched_->enqueue(r, now_);
  inbox_.clear();
  start_next();
}

void Replica::start_next() {
  if (now_ >= cfg_.stop_at) {  // sim.duration reached: no new step starts
    phase_ = Phase::stopped;
    next_ = kNever;
    return;
  }
  if (sched_->idle()) {
    phase_ = Phase::waiting;
    next_ = kNever;
    return;
  }
  const StepPlan& p = sched_->plan(now_);
  if (p.items.empty()) throw std::logic_error("scheduler planned an empty step with work pending");
  if (cfg_.coalesce && p.decode_only() && !p.preempted) {
    plan_window(p);
    return;
  }
  StepTiming st = cfg_.governor ? cfg_.governor->step(id_, p.shape(), now_) : StepTiming{cfg_.model->step_ns(p.shape()), 0};
  phase_ = Phase::step;
  level_ = st.level;
  next_ = now_ + st.ns;
}

void Replica::plan_window(const StepPlan& p) {
  const int64_t horizon = sched_->decode_horizon(cfg_.max_window);
  ends_.clear();
  levels_.clear();
  TimeNs t = now_;
  if (ClockGovernor* gov = cfg_.governor) {
    // Clocks are constant within a control interval: the window stops before
    // the first step that would start at or after the next boundary (or the end).
    const TimeNs boundary = std::min(gov->next_boundary(now_), cfg_.stop_at);
    for (int64_t j = 0; j < horizon && (j == 0 || t < boundary); ++j) {
      StepTiming st = gov->decode(id_, p.decode_seqs, p.decode_context + j * p.decode_seqs, t);
      t += st.ns;
      ends_.push_back(t);
      levels_.push_back(st.level);
    }
  } else {
    for (int64_t j = 0; j < horizon && (j == 0 || t < cfg_.stop_at); ++j) {
      t += cfg_.model->decode_ns(p.decode_seqs, p.decode_context + j * p.decode_seqs);
      ends_.push_back(t);
    }
  }
  phase_ = Phase::window;
  n_ = ends_.size();
  next_ = ends_.back();
}

}  // namespace rs
