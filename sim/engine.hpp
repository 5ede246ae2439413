#pragma once
// The one SimGrid engine of the process. SimGrid allows a single engine per
// process (a second one keeps the first one's clock), so this object is
// created once per run; sweeps fork a process per point.
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace simgrid::s4u {
class Engine;
class Host;
}

namespace rs {

// Simulated time is kept as integer nanoseconds in the models, so that
// different event orderings that must agree (coalesced vs step-by-step
// iterations) agree bit for bit. SimGrid's clock (double seconds) is only used
// to sleep.
using TimeNs = int64_t;
constexpr TimeNs kNever = INT64_MAX;
inline double ns_to_s(TimeNs t) { return static_cast<double>(t) * 1e-9; }
TimeNs s_to_ns(double s);  // rounds to nearest

class Engine {
 public:
  // `config`: extra SimGrid --cfg options ("network/crosstraffic:0", ...).
  explicit Engine(const std::vector<std::string>& config = {});
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  simgrid::s4u::Engine& s4u() { return *engine_; }
  // Runs the simulation; rethrows the first exception an actor body threw.
  void run();
  // Wraps an actor body: an exception stops the whole simulation (instead of
  // SimGrid aborting the process) and is rethrown by run().
  static std::function<void()> guard(std::function<void()> body);
  // A platform of one host, for actors that only sleep (no flows, no
  // computation): simulated times do not depend on the platform then.
  // Builds the root zone: do not combine with another platform.
  simgrid::s4u::Host* single_host(const std::string& name);

 private:
  simgrid::s4u::Engine* engine_ = nullptr;
  std::vector<std::string> argv_store_;
};

// Sleeps the calling actor until absolute time t (no-op if already there).
void sleep_until_ns(TimeNs t);

}  // namespace rs
