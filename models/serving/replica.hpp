#pragma once
// A serving replica (one tensor-parallel group) as a SimGrid actor: it asks
// its scheduler for a step, the iteration model for the step's time, sleeps
// that long and commits the step. Runs of identical decode-only steps are
// slept in one go (the window ends early if a request arrives), which gives
// bit-identical results to stepping one iteration at a time because times
// are integer nanoseconds and the same functions compute each step.
#include <memory>
#include <simgrid/s4u.hpp>
#include <vector>

#include "models/perf/iteration_model.hpp"
#include "models/serving/clock.hpp"
#include "models/serving/router.hpp"
#include "models/serving/scheduler.hpp"

namespace rs {

// Shared with the arrival actor: the arrival time of the next request not yet
// delivered (kNever when the stream is exhausted).
struct ArrivalClock {
  TimeNs next = 0;
  bool done = false;
};

class Replica {
 public:
  // `governor` (may be null: full clock) sets each step's clock; no step starts at or after `stop_at`.
  Replica(int32_t id, std::unique_ptr<Scheduler> sched, const IterationModel& model, const ArrivalClock& clock,
          bool coalesce, int64_t max_window, ClockGovernor* governor = nullptr, TimeNs stop_at = kNever);
  void deliver(Request* r);  // called by the arrival actor at r->arrival
  void stream_done();        // no more arrivals
  void run();                // actor body
  ReplicaLoad load() const;
  Scheduler& scheduler() { return *sched_; }

 private:
  void settle_arrivals();
  void decode_window(const StepPlan& p);

  int32_t id_;
  std::unique_ptr<Scheduler> sched_;
  const IterationModel& model_;
  const ArrivalClock& clock_;
  bool coalesce_;
  int64_t max_window_;
  ClockGovernor* gov_;
  TimeNs stop_at_;
  std::vector<Request*> inbox_;
  simgrid::s4u::MutexPtr mutex_;
  simgrid::s4u::ConditionVariablePtr cv_;
  std::unique_lock<simgrid::s4u::Mutex>* lock_ = nullptr;
  bool waiting_ = false;
  TimeNs woken_at_ = kNever, now_ = 0;
  std::vector<TimeNs> ends_;
  std::vector<int32_t> levels_;
};

}  // namespace rs
