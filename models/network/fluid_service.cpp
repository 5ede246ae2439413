#include "models/network/fluid_service.hpp"

#include <algorithm>
#include <mutex>
#include <stdexcept>

#include "sim/engine.hpp"

namespace sg4 = simgrid::s4u;

namespace rs {

FluidService::FluidService(sg4::Host* host, Sharing sharing) : state_(std::make_shared<State>()), sharing_(sharing) {
  auto s = state_;
  sg4::Actor::create("fluid-network", host, Engine::guard([s] { run(*s); }))->daemonize();  // errors end the run cleanly
}

const FluidService::Route& FluidService::route(sg4::Host* src, sg4::Host* dst) {
  auto& by_dst = state_->routes[src];
  auto it = by_dst.find(dst);
  if (it != by_dst.end()) return it->second;
  std::vector<sg4::Link*> links;
  Route r;
  src->route_to(dst, links, &r.latency);
  if (links.empty())  // checked here, in the caller, not in the network actor
    throw std::invalid_argument("fluid network: no links between " + src->get_name() + " and " + dst->get_name());
  for (const sg4::Link* l : links) {
    auto [pos, fresh] = state_->link_id.try_emplace(l, 0);
    if (fresh) pos->second = state_->net.add_link(l->get_bandwidth());
    r.links.push_back(pos->second);
  }
  if (sharing_ == Sharing::rtt) {
    if (!(r.latency > 0)) throw std::invalid_argument("fluid network: rtt sharing needs routes with latency");
    r.weight = 1 / r.latency;
  }
  return by_dst.emplace(dst, std::move(r)).first->second;
}

void FluidService::transfer(sg4::Host* src, sg4::Host* dst, double bytes, double bound_Bps) {
  sg4::SemaphorePtr done = sg4::Semaphore::create(0);
  {
    std::unique_lock<sg4::Mutex> lock(*state_->mutex);
    state_->queue.push_back({&route(src, dst), bytes, bound_Bps, done});
    state_->wake->notify_one();
  }
  done->acquire();
}

void FluidService::transfer_all(const std::vector<Transfer>& flows) {
  if (flows.empty()) return;
  sg4::SemaphorePtr done = sg4::Semaphore::create(0);  // released once per flow
  {
    std::unique_lock<sg4::Mutex> lock(*state_->mutex);
    for (const Transfer& t : flows) state_->queue.push_back({&route(t.src, t.dst), t.bytes, 0, done});
    state_->wake->notify_one();
  }
  for (size_t i = 0; i < flows.size(); ++i) done->acquire();
}

// The network actor: starts queued flows at the current time, sleeps until the
// network's next event or a new request, and wakes the callers whose flows ended.
void FluidService::run(State& s) {
  std::unique_lock<sg4::Mutex> lock(*s.mutex);
  for (;;) {
    const double now = sg4::Engine::get_clock();
    for (const Request& r : s.queue) {
      const auto id = static_cast<size_t>(s.net.start(now, r.route->links, r.route->latency, r.bytes, r.bound, r.route->weight));
      if (s.waiter.size() <= id) s.waiter.resize(id + 1);
      s.waiter[id] = r.done;
    }
    s.queue.clear();
    const double t = s.net.next_event();
    if (t == FluidNetwork::never) {
      s.wake->wait(lock);
      continue;
    }
    if (t > now && s.wake->wait_until(lock, t) == std::cv_status::no_timeout) continue;  // a new request came first
    for (auto id : s.net.advance(std::max(t, s.net.now()))) {
      auto& w = s.waiter[static_cast<size_t>(id)];
      w->release();
      w = nullptr;
    }
  }
}

}  // namespace rs
