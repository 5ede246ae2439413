#pragma once
// The serving system of a run: replicas (actors on their GPUs' hosts), a
// router, and the arrival actor that replays the workload stream.
#include <deque>
#include <functional>
#include <memory>
#include <vector>

#include "models/serving/replica.hpp"
#include "models/serving/router.hpp"
#include "models/workload/source.hpp"

namespace simgrid::s4u {
class Host;
}

namespace rs {

struct ClusterConfig {
  std::vector<simgrid::s4u::Host*> replica_hosts;  // one per replica (its first GPU)
  bool coalesce = true;
  int64_t max_window = 1 << 20;  // most decode steps slept in one go
  int64_t max_request_tokens = 0;  // prompt + output above this are rejected (max_model_len)
  int64_t kv_capacity_tokens = 0;  // per replica; longer requests are rejected
  TimeNs stop_at = kNever;         // sim.duration: later arrivals are not sent, no step starts after
  ClockGovernor* governor = nullptr;  // DVFS (power caps and budgets); null = full clock
};

class ServingCluster {
 public:
  using SchedulerFactory = std::function<std::unique_ptr<Scheduler>(const Scheduler::Deps&)>;
  ServingCluster(ClusterConfig cfg, const SchedulerFactory& make_scheduler, std::unique_ptr<Router> router,
                 const IterationModel& model, int64_t kv_blocks, int64_t block_size, RequestSource& source,
                 const ServingSignals& signals);
  void start();  // creates the actors; run the engine afterwards
  const std::deque<Request>& requests() const { return requests_; }

 private:
  void arrivals();
  bool admissible(const Request& r) const;

  ClusterConfig cfg_;
  std::unique_ptr<Router> router_;
  RequestSource& source_;
  const ServingSignals& sig_;
  ArrivalClock clock_;
  std::deque<KvCache> kv_;
  std::vector<std::unique_ptr<Replica>> replicas_;
  std::vector<ReplicaLoad> loads_;
  std::deque<Request> requests_;  // stable addresses
};

}  // namespace rs
