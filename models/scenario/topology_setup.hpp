#pragma once
// Resolves only the hardware and topology of a scenario (for `rackscale topo`
// and `rackscale collective`, which need no model, workload or memory plan).
#include <memory>
#include <string>

#include "models/catalog/gpu.hpp"
#include "models/scenario/scenario.hpp"
#include "topologies/topology.hpp"

namespace rs {

struct TopologySetup {
  LoadedScenario ls;
  GpuSpec gpu;
  std::string kind;  // after auto
  std::unique_ptr<Topology> topology;
};

// Same choice as a serving run: `auto` = nvl72 for NVL72-packaged GPUs, else hgx.
TopologySetup resolve_topology(LoadedScenario ls);

}  // namespace rs
