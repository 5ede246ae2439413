#pragma once
// Runs a FluidNetwork inside a SimGrid simulation: routes, link bandwidths
// and latencies are read from the SimGrid platform (Host::route_to), time is
// SimGrid's clock, and an actor calling transfer() blocks until its flow has
// arrived, like `Comm::sendto_async(src, dst, bytes)->wait()`, at a fraction
// of the cost when thousands of flows are in flight (see fluid_network.hpp).
//
// Sharing: `equal` (default) gives every flow the same weight: max-min
// fairness as RDMA fabrics approximate it (EFA SRD, InfiniBand and RoCE
// congestion control are rate-based, not window-based, so a flow's share does
// not fall with its path length). `rtt` weights flows by 1 / route latency,
// SimGrid CM02's TCP model, and reproduces SimGrid's own solver exactly.
//
// One daemon actor owns the network; callers hand it requests through a
// mutex-protected queue and sleep on a semaphore per flow.
#include <memory>
#include <unordered_map>
#include <utility>
#include <vector>

#include <simgrid/s4u.hpp>

#include "models/network/fluid_network.hpp"

namespace rs {

class FluidService {
 public:
  // Creates the network actor on `host` (it only keeps time; any host will do).
  enum class Sharing { equal, rtt };
  explicit FluidService(simgrid::s4u::Host* host, Sharing sharing = Sharing::equal);
  // From a SimGrid actor: sends `bytes` from `src` to `dst`, returns when they
  // have arrived. `bound_Bps` > 0 caps the flow's rate (e.g. one NIC's bandwidth).
  void transfer(simgrid::s4u::Host* src, simgrid::s4u::Host* dst, double bytes, double bound_Bps = 0);
  // From a SimGrid actor: starts all flows at once, returns when the last has arrived.
  struct Transfer {
    simgrid::s4u::Host *src, *dst;
    double bytes;
  };
  void transfer_all(const std::vector<Transfer>& flows);


 private:
  struct Route {
    std::vector<int> links;
    double latency = 0, weight = 1;
  };
  struct Request {
    const Route* route;
    double bytes, bound;
    simgrid::s4u::SemaphorePtr done;
  };
  struct State {
    FluidNetwork net;
    std::unordered_map<const simgrid::s4u::Link*, int> link_id;
    std::unordered_map<const simgrid::s4u::Host*, std::unordered_map<const simgrid::s4u::Host*, Route>> routes;
    std::vector<Request> queue;
    std::vector<simgrid::s4u::SemaphorePtr> waiter;  // by flow id
    simgrid::s4u::MutexPtr mutex = simgrid::s4u::Mutex::create();
    simgrid::s4u::ConditionVariablePtr wake = simgrid::s4u::ConditionVariable::create();
  };

  const Route& route(simgrid::s4u::Host* src, simgrid::s4u::Host* dst);
  static void run(State& s);

  std::shared_ptr<State> state_;
  Sharing sharing_;
};

}  // namespace rs
