#include "sim/engine.hpp"

#include <cmath>
#include <fmt/format.h>
#include <fstream>
#include <memory>
#include <simgrid/s4u.hpp>
#include <stdexcept>
#include <utility>

#include "sim/cleanup.hpp"
#include "sim/error.hpp"

namespace rs {

TimeNs s_to_ns(double s) { return static_cast<TimeNs>(std::llround(s * 1e9)); }

namespace {
bool g_engine_created = false;
std::exception_ptr g_actor_error;

// Each SimGrid actor has its own stack: two memory mappings (the stack and its
// guard page). Past vm.max_map_count SimGrid aborts ("Failed to protect
// stack"); this turns that limit into a clear error before it is reached.
int64_t read_int_file(const char* path, int64_t fallback) {
  std::ifstream f(path);
  int64_t v = 0;
  return f >> v ? v : fallback;
}
int64_t mappings_in_use() {
  std::ifstream f("/proc/self/maps");
  int64_t n = 0;
  for (std::string line; std::getline(f, line);) ++n;
  return n;
}
void limit_actors_to_mappings() {
  const int64_t max_maps = read_int_file("/proc/sys/vm/max_map_count", 0);
  if (max_maps <= 0) return;  // not Linux: no known limit
  const int64_t allowed = (max_maps - mappings_in_use() - 2000) / 2;  // 2000: room for the heap, files, threads
  auto live = std::make_shared<int64_t>(0);
  simgrid::s4u::Actor::on_creation_cb([live, allowed, max_maps](simgrid::s4u::Actor&) {
    if (++*live <= allowed) return;
    throw InputError(fmt::format(
        "vm.max_map_count={}: too small for this simulation (more than {} SimGrid actors, each with its own "
        "stack); raise it (sudo sysctl -w vm.max_map_count=1048576) or simulate fewer GPUs",
        max_maps, allowed));
  });
  simgrid::s4u::Actor::on_destruction_cb([live](const simgrid::s4u::Actor&) { --*live; });
}
}  // namespace

std::function<void()> Engine::guard(std::function<void()> body) {
  return [body = std::move(body)] {
    try {
      body();
    } catch (const simgrid::ForcefulKillException&) {
      throw;  // SimGrid killing this actor (kill_all below): it must unwind, never be swallowed
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
  rearm_cleanup_handlers();  // SimGrid's own SIGINT handler exits 1 and leaves the staging folder behind
  limit_actors_to_mappings();
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
