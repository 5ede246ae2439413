#pragma once
// Everything a serving run resolves from its scenario before simulating:
// presets, parallelism, memory plan, iteration model.
#include <memory>

#include "models/catalog/calibration.hpp"
#include "models/catalog/gpu.hpp"
#include "models/catalog/llm.hpp"
#include "models/perf/iteration_model.hpp"
#include "models/scenario/scenario.hpp"
#include "models/serving/scheduler.hpp"
#include "topologies/topology.hpp"

namespace rs {

struct ServingSetup {
  LoadedScenario ls;
  GpuSpec gpu;
  LlmSpec llm;
  Calibration cal;
  Precision precision = Precision::bf16;
  std::string topology_kind;
  std::unique_ptr<Topology> topology;
  Scheduler::Limits limits{};
  int64_t tp = 0, replicas = 0, max_model_len = 0;
  int64_t idle_gpus = 0;  // GPUs left after the last whole replica (topologies/layout.hpp): idle, counted in power and cost
  std::unique_ptr<IterationModel> model;
  MemoryPlan memory;

  // Resolved scenario as YAML (defaults, auto choices and overrides applied).
  std::string resolved_yaml() const;
};

// `force_calibration`: accept a profile measured on another GPU (carried by datasheet ratios).
ServingSetup resolve_serving(LoadedScenario ls, bool force_calibration = false);

}  // namespace rs
