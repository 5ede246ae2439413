#pragma once
// A serving replica (one tensor-parallel group) as a plain state machine,
// advanced by the cluster's event calendar: it asks its scheduler for a step,
// the iteration model (or the clock governor) for the step's time, and
// commits the step at its end. Runs of identical decode-only steps form one
// event (a window that ends early if a request arrives), which gives
// bit-identical results to stepping one iteration at a time because times
// are integer nanoseconds and the same functions compute each step.
//
// A replica is created when a request is routed to it (its scheduler and KV
// cache with it), released when it has nothing left to do, and holds no
// SimGrid actor or stack: an idle replica costs nothing.
#include <functional>
#include <memory>
#include <vector>

#include "models/perf/iteration_model.hpp"
#include "models/serving/clock.hpp"
#include "models/serving/kv_cache.hpp"
#include "models/serving/router.hpp"
#include "models/serving/scheduler.hpp"

namespace rs {

// What every replica of a cluster shares.
struct ReplicaConfig {
  const IterationModel* model = nullptr;
  const ServingSignals* signals = nullptr;
  int64_t kv_blocks = 0, block_size = 16;
  bool coalesce = true;
  int64_t max_window = 1 << 20;       // most decode steps in one event
  ClockGovernor* governor = nullptr;  // DVFS; null = full clock
  TimeNs stop_at = kNever;            // no step starts at or after this
  std::function<std::unique_ptr<Scheduler>(const Scheduler::Deps&)> make_scheduler;
};

class Replica {
 public:
  Replica(int32_t id, const ReplicaConfig& cfg);  // keeps a reference to cfg
  Replica(const Replica&) = delete;               // the scheduler points at kv_
  Replica& operator=(const Replica&) = delete;

  // A request arrives at r->arrival (the current time). It joins the next
  // step boundary; an idle replica wakes now, a decode window ends after the
  // step in progress.
  void deliver(Request* r);
  // Time of the next event (a step or window end, or a wake-up); kNever while
  // waiting for a request or after sim.duration.
  TimeNs next_event() const { return next_; }
  // Handles the event at next_event(). Every request arriving at or before
  // that time must have been delivered first.
  void advance();
  ReplicaLoad load() const;
  Scheduler& scheduler() { return *sched_; }
  // Nothing to do and nothing held (queues empty, every KV block free): the
  // replica is in the state it was created in, so the cluster may release it
  // and create it afresh on its next request. (A KV cache that keeps content
  // across idle periods, such as a prefix cache, must report false here.)
  bool releasable() const {
    return phase_ == Phase::waiting && inbox_.empty() && sched_->idle() && kv_.free() == kv_.total();
  }

 private:
  enum class Phase : uint8_t { waiting, step, window, stopped };
  void start_next();
  void plan_window(const StepPlan& p);

  int32_t id_;
  const ReplicaConfig& cfg_;
  KvCache kv_;
  std::unique_ptr<Scheduler> sched_;
  Phase phase_ = Phase::waiting;
  TimeNs now_ = 0, next_ = kNever;
  int32_t level_ = 0;  // clock level of a single step in flight
  std::vector<Request*> inbox_;
  std::vector<TimeNs> ends_;  // window: end of each step
  std::vector<int32_t> levels_;
  std::size_t n_ = 0;  // window: steps that will be committed
};

}  // namespace rs
