#pragma once
// Flow-level network model with max-min fair sharing, solved incrementally for
// bulk traffic (thousands of flows in flight).
//
// The model: a flow first waits its route's latency without using bandwidth,
// then shares every link of its route with weighted max-min fairness
// (optional per-flow rate bound), and ends when its bytes are sent. With
// weights 1 / route latency this is SimGrid CM02's model exactly (CM02 shares
// in inverse proportion to latency, TCP's RTT unfairness):
// tests/fluid_network_test.cpp runs both on the same platform and traffic and
// finds the same completion times.
//
// Why a second solver: SimGrid 3.32's LMM re-solves the whole contention
// component through generic intrusive lists on every flow start and end,
// ~0.5-0.9 us per flow in flight per event (results/BENCHMARKS.md), i.e. 20-40 s
// per 10^5 flows with thousands in flight. Here an event re-solves only the
// connected components it touched, over flat arrays, and a flow's progress is
// kept lazily (bytes left at its last rate change), so the flows outside the
// touched components cost one comparison per event (the scan for the next end). SimGrid still owns time and the platform:
// FluidService (fluid_service.hpp) runs this as a SimGrid actor on routes read
// from the SimGrid platform.
//
// Pure and deterministic: no SimGrid here, times in seconds (double), ties
// broken by flow id.
#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <queue>
#include <vector>

namespace rs {

class FluidNetwork {
 public:
  using FlowId = int64_t;
  static constexpr double never = std::numeric_limits<double>::infinity();
  static constexpr int max_route = 8;  // links; a 3-tier fat-tree route has 6

  // One direction of a link; returns its id.
  int add_link(double bandwidth_Bps);
  int links() const { return static_cast<int>(cap_.size()); }

  // Starts a flow at time `now`: no earlier than the last advance and no later
  // than next_event() (advance to events first). `bound_Bps` <= 0:
  // unbounded. On a shared bottleneck, rates are proportional to `weight`.
  // Ids of completed flows are reused (keeps the working set in cache).
  FlowId start(double now, const std::vector<int>& route, double latency_s, double bytes, double bound_Bps = 0,
               double weight = 1);

  // Time of the next activation or completion; `never` when nothing is in flight.
  double next_event();
  // Moves time to `t` (<= next_event()), activates flows whose latency is over
  // and returns the flows that completed at `t`, in id order.
  std::vector<FlowId> advance(double t);

  double now() const { return now_; }
  double rate(FlowId f) const { return flows_[static_cast<std::size_t>(f)].rate; }  // B/s, 0 while in latency

 private:
  struct Flow {
    std::array<int, max_route> link{}, slot{};  // route, and this flow's index in each link's list
    int len = 0;
    double ref_left = 0, ref_t = 0;  // bytes left at time ref_t, since when `rate` holds
    double size = 0, bound = 0, weight = 1, rate = 0;
    bool active = false;
  };
  struct Event {
    double t;
    FlowId f;
    bool operator>(const Event& o) const { return t != o.t ? t > o.t : f > o.f; }
  };
  using MinHeap = std::priority_queue<Event, std::vector<Event>, std::greater<>>;

  void activate(FlowId f);
  void retire(FlowId f);
  void collect_touched();
  void solve();
  void set_rate(Flow& f, FlowId id, double rate);

  std::vector<double> cap_;
  std::vector<std::vector<FlowId>> on_link_;  // active flows per link
  std::vector<Flow> flows_;
  std::vector<FlowId> free_ids_;
  MinHeap pending_;               // latency over
  std::vector<FlowId> active_;     // flows past their latency
  std::vector<double> active_end_; // their predicted completion times (dense: scanned every event)
  std::vector<std::size_t> active_pos_;  // per flow: index in active_
  double now_ = 0;
  int64_t solves_ = 0;  // also the epoch of visit_
  // Solver state, kept to avoid allocation per event.
  std::vector<int> dirty_links_, used_;
  std::vector<FlowId> comp_, bounded_;
  std::vector<double> rem_, unfrozen_w_;  // per link: capacity left, summed weight of unfrozen flows
  std::vector<int64_t> unfrozen_;         // per link: number of unfrozen flows
  std::vector<int64_t> visit_;            // per flow: the solve that last collected it
  std::vector<char> frozen_, link_seen_;
};

}  // namespace rs
