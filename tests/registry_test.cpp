// Every registered implementation instantiates with its default params: a
// registration dropped by the linker, or a broken default, fails here.
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
  CHECK(Registry<Scheduler>::names() == std::vector<std::string>{"vllm"});
  for (const auto& [name, e] : Registry<Scheduler>::all()) CHECK(e.make(none, {}, {&kv, &sig, 0}) != nullptr);
  CHECK(Registry<Router>::names() == std::vector<std::string>{"round-robin"});
  for (const auto& [name, e] : Registry<Router>::all()) CHECK(e.make(none, {}, {4}) != nullptr);
  GpuSpec gb200 = load_gpu("gb200");
  CHECK(Registry<Topology>::names() ==
        std::vector<std::string>{"hgx", "hgx-efa", "hgx-ib", "nvl72", "nvl72-efa", "nvl72-ib"});
  for (const auto& [name, e] : Registry<Topology>::all()) {
    auto t = e.make(none, {}, {&gb200, 144, "test"});
    CHECK(t->domain_size() == (name.starts_with("nvl72") ? 72 : 8));
    CHECK(t->fabric().gpus() == 144);
  }
}

TEST_CASE("unknown implementation names list the known ones") {
  try {
    Registry<Scheduler>::get("vlm", "x.yaml:3:5", "scheduler");
    FAIL("expected an error");
  } catch (const InputError& e) {
    CHECK(std::string(e.what()) == "x.yaml:3:5: unknown scheduler 'vlm' (known: vllm); did you mean 'vllm'?");
  }
}
