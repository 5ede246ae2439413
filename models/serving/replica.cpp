#include "models/serving/replica.hpp"

#include <algorithm>
#include <stdexcept>

namespace sg4 = simgrid::s4u;

namespace rs {

Replica::Replica(int32_t id, std::unique_ptr<Scheduler> sched, const IterationModel& model,
                 const ArrivalClock& clock, bool coalesce, int64_t max_window, ClockGovernor* governor,
                 TimeNs stop_at)
    : id_(id),
      sched_(std::move(sched)),
      model_(model),
      clock_(clock),
      coalesce_(coalesce),
      max_window_(max_window),
      gov_(governor),
      stop_at_(stop_at),
      mutex_(sg4::Mutex::create()),
      cv_(sg4::ConditionVariable::create()) {}

void Replica::deliver(Request* r) {
  inbox_.push_back(r);
  if (waiting_) {
    woken_at_ = std::min(woken_at_, r->arrival);
    cv_->notify_one();
  }
}

void Replica::stream_done() {
  if (waiting_) cv_->notify_one();
}

ReplicaLoad Replica::load() const {
  return {static_cast<int64_t>(sched_->waiting() + inbox_.size()), static_cast<int64_t>(sched_->running()),
          sched_->kv().free()};
}

// Requests arriving exactly at a step boundary join that step: let the arrival
// actor deliver everything due at `now_` before planning.
void Replica::settle_arrivals() {
  while (clock_.next <= now_) sg4::this_actor::yield();
  for (Request* r : inbox_) sched_->enqueue(r, now_);
  inbox_.clear();
}

void Replica::run() {
  std::unique_lock<sg4::Mutex> lock(*mutex_);
  lock_ = &lock;
  for (;;) {
    settle_arrivals();
    if (now_ >= stop_at_) break;  // sim.duration reached: no new step starts
    if (sched_->idle()) {
      if (clock_.done) break;
      woken_at_ = kNever;
      waiting_ = true;
      cv_->wait(lock);
      waiting_ = false;
      if (woken_at_ != kNever) now_ = woken_at_;
      continue;
    }
    const StepPlan& p = sched_->plan(now_);
    if (p.items.empty()) throw std::logic_error("scheduler planned an empty step with work pending");
    if (coalesce_ && p.decode_only() && !p.preempted) {
      decode_window(p);
    } else {
      StepTiming st = gov_ ? gov_->step(id_, p.shape(), now_) : StepTiming{model_.step_ns(p.shape()), 0};
      TimeNs end = now_ + st.ns;
      sleep_until_ns(end);
      sched_->commit(now_, end, st.level);
      now_ = end;
    }
  }
  lock_ = nullptr;
}

void Replica::decode_window(const StepPlan& p) {
  int64_t horizon = sched_->decode_horizon(max_window_);
  ends_.clear();
  levels_.clear();
  TimeNs t = now_;
  if (gov_) {
    // Clocks are constant within a control interval: the window stops before
    // the first step that would start at or after the next boundary (or the end).
    const TimeNs boundary = std::min(gov_->next_boundary(now_), stop_at_);
    for (int64_t j = 0; j < horizon && (j == 0 || t < boundary); ++j) {
      StepTiming st = gov_->decode(id_, p.decode_seqs, p.decode_context + j * p.decode_seqs, t);
      t += st.ns;
      ends_.push_back(t);
      levels_.push_back(st.level);
    }
  } else {
    for (int64_t j = 0; j < horizon && (j == 0 || t < stop_at_); ++j) {
      t += model_.decode_ns(p.decode_seqs, p.decode_context + j * p.decode_seqs);
      ends_.push_back(t);
    }
  }
  std::size_t n = ends_.size();
  if (n > 1) {
    woken_at_ = kNever;
    waiting_ = true;
    cv_->wait_until(*lock_, ns_to_s(ends_.back()));
    waiting_ = false;
    if (woken_at_ != kNever && woken_at_ < ends_.back()) {
      // An arrival: finish the step in progress, then re-plan with it.
      n = static_cast<std::size_t>(std::lower_bound(ends_.begin(), ends_.end(), woken_at_) - ends_.begin()) + 1;
    }
  }
  sleep_until_ns(ends_[n - 1]);
  sched_->commit_decode({ends_.data(), n}, now_,
                        levels_.empty() ? std::span<const int32_t>{} : std::span<const int32_t>{levels_.data(), n});
  now_ = ends_[n - 1];
}

}  // namespace rs
