#include "sim/engine.hpp"

#include <cmath>
#include <simgrid/s4u.hpp>
#include <stdexcept>
#include <utility>

namespace rs {

TimeNs s_to_ns(double s) { return static_cast<TimeNs>(std::llround(s * 1e9)); }

namespace {
bool g_engine_created = false;
std::exception_ptr g_actor_error;
}  // namespace

std::function<void()> Engine::guard(std::function<void()> body) {
  return [body = std::move(body)] {
    try {
      body();
    } catch (...) {
      if (!g_actor_error) g_actor_error = std::current_exception();
      simgrid::s4u::Actor::kill_all();
    }
  };
}

Engine::Engine(const std::vector<std::string>& config) {
  if (g_engine_created)
    throw std::logic_error("one SimGrid engine per process: run each simulation in its own process");
  g_engine_created = true;
  argv_store_ = {"rackscale", "--log=root.thresh:critical", "--cfg=network/crosstraffic:0"};
  for (const auto& c : config) argv_store_.push_back("--cfg=" + c);
  std::vector<char*> argv;
  for (auto& s : argv_store_) argv.push_back(s.data());
  int argc = static_cast<int>(argv.size());
  engine_ = new simgrid::s4u::Engine(&argc, argv.data());
}

// SimGrid owns and tears down its engine at exit; deleting it early is unsafe.
Engine::~Engine() = default;

simgrid::s4u::Host* Engine::single_host(const std::string& name) {
  simgrid::s4u::NetZone* zone = simgrid::s4u::create_full_zone(name);
  simgrid::s4u::Host* host = zone->create_host(name, 1e9);
  zone->seal();
  return host;
}

void Engine::run() {
  engine_->run();
  if (g_actor_error) std::rethrow_exception(std::exchange(g_actor_error, nullptr));
}

void sleep_until_ns(TimeNs t) {
  double target = ns_to_s(t);
  if (target > simgrid::s4u::Engine::get_clock()) simgrid::s4u::this_actor::sleep_until(target);
}

}  // namespace rs
