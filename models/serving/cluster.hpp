#pragma once
// The serving system of a run: replicas, a router, and one SimGrid actor that
// replays the workload stream and advances the replicas through an event
// calendar. The cost follows the work: a replica (scheduler, KV cache) exists
// only from the request routed to it until it has nothing left to do, the
// calendar holds only replicas with a step in flight, and the actor count is
// one whatever the GPU count.
//
// Order of events at one instant: arrivals first (in stream order), then the
// replicas' events by replica id. Outputs do not depend on it beyond that
// (observers keep order-independent sums), so coalesced decode windows give
// the same bytes as stepping one iteration at a time.
#include <cstdint>
#include <deque>
#include <memory>
#include <functional>
#include <queue>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "models/serving/replica.hpp"
#include "models/serving/router.hpp"
#include "models/workload/source.hpp"

namespace simgrid::s4u {
class Host;
}

namespace rs {

// Replica ids are 32-bit (Request::replica, routers).
constexpr int64_t kMaxReplicas = INT32_MAX;

struct ClusterConfig {
  int64_t replicas = 1;
  simgrid::s4u::Host* host = nullptr;  // where the serving actor runs (it only sleeps: any host)
  bool coalesce = true;
  int64_t max_window = 1 << 20;  // most decode steps in one event
  int64_t max_request_tokens = 0;  // prompt + output above this are rejected (max_model_len)
  int64_t kv_capacity_tokens = 0;  // per replica; longer requests are rejected
  TimeNs stop_at = kNever;         // sim.duration: later arrivals are not sent, no step starts after
  ClockGovernor* governor = nullptr;  // DVFS (power caps and budgets); null = full clock
};

class ServingCluster {
 public:
  using SchedulerFactory = std::function<std::unique_ptr<Scheduler>(const Scheduler::Deps&)>;
  ServingCluster(ClusterConfig cfg, SchedulerFactory make_scheduler, std::unique_ptr<Router> router,
                 const IterationModel& model, int64_t kv_blocks, int64_t block_size, RequestSource& source,
                 const ServingSignals& signals);
  ~ServingCluster();
  ServingCluster(const ServingCluster&) = delete;  // replicas and the load view point into it
  ServingCluster& operator=(const ServingCluster&) = delete;
  void start();  // creates the serving actor; run the engine afterwards
  // Runs the whole stream without SimGrid (same events, same order; for tests and tools).
  void run_standalone();
  const std::deque<Request>& requests() const { return requests_; }
  // Replicas that received at least one request.
  int64_t replicas_used() const { return static_cast<int64_t>(used_.size()); }
  // Most replicas in existence at once (those with work: idle ones are released).
  int64_t peak_active() const { return peak_active_; }

 private:
  class Loads;
  void run(bool with_simgrid);
  void arrive(const TraceRow& row);
  Replica& replica(int32_t i);  // created on first use
  void reschedule(int32_t i, TimeNs before, TimeNs after);
  bool admissible(const Request& r) const;

  ClusterConfig cfg_;
  ReplicaConfig rcfg_;
  std::unique_ptr<Router> router_;
  std::unique_ptr<Loads> loads_;
  RequestSource& source_;
  const ServingSignals& sig_;
  std::unordered_map<int32_t, std::unique_ptr<Replica>> replicas_;  // replicas with work
  std::unordered_set<int32_t> used_;
  int64_t peak_active_ = 0;
  // (next event, replica), earliest first. An entry is stale once its replica's
  // next event has moved (a window cut short, a replica released): skipped when
  // it comes up. Steps take a positive time, so a replica's next event never
  // returns to an instant it has just handled.
  using Event = std::pair<TimeNs, int32_t>;
  std::priority_queue<Event, std::vector<Event>, std::greater<>> calendar_;
  bool live(const Event& e) const;
  std::deque<Request> requests_;  // stable addresses
};

}  // namespace rs
