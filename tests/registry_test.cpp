// Every registered implementation instantiates with its default params: a
// registration dropped by the linker, or a broken default, fails here. Checks
// properties of every entry, so registering a new one needs no edit here.
#include <doctest/doctest.h>

#include "models/catalog/gpu.hpp"
#include "models/serving/router.hpp"
#include "models/serving/scheduler.hpp"
#include "sim/registry.hpp"
#include "topologies/topology.hpp"

using namespace rs;

TEST_CASE("every registered implementation instantiates") {
  YAML::Node none(YAML::NodeType::Map);
  KvCache kv(100, 16);
  ServingSignals sig;
  // The defaults scenarios rely on are registered.
  auto has = [](const std::vector<std::string>& names, const std::string& n) {
    return std::find(names.begin(), names.end(), n) != names.end();
  };
  CHECK(has(Registry<Scheduler>::names(), "vllm"));
  CHECK(has(Registry<Router>::names(), "round-robin"));
  CHECK(has(Registry<Topology>::names(), "nvl72"));
  CHECK(has(Registry<Topology>::names(), "hgx"));
  for (const auto& entry : Registry<Scheduler>::all()) {
    const auto& [name, e] = entry;
    CAPTURE(entry.first);  // not the binding: clang 14 cannot capture structured bindings
    CHECK(e.make(none, {}, {&kv, &sig, 0}) != nullptr);
  }
  for (const auto& entry : Registry<Router>::all()) {
    const auto& [name, e] = entry;
    CAPTURE(entry.first);  // not the binding: clang 14 cannot capture structured bindings
    CHECK(e.make(none, {}, {4}) != nullptr);
  }
  GpuSpec gb200 = load_gpu("gb200");
  for (const auto& entry : Registry<Topology>::all()) {
    const auto& [name, e] = entry;
    CAPTURE(entry.first);  // not the binding: clang 14 cannot capture structured bindings
    auto t = e.make(none, {}, {&gb200, 144, "test"});
    CHECK(t->domain_size() >= 1);
    CHECK(t->domain_size() <= 144);
    CHECK(t->fabric().gpus() == 144);
  }
}

TEST_CASE("unknown implementation names list the known ones") {
  try {
    Registry<Scheduler>::get("vlm", "x.yaml:3:5", "scheduler");
    FAIL("expected an error");
  } catch (const InputError& e) {
    CHECK(std::string(e.what()) ==
          "x.yaml:3:5: unknown scheduler 'vlm' (known: " + join(Registry<Scheduler>::names()) + "); did you mean 'vllm'?");
  }
}
