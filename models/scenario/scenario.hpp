#pragma once
// A scenario: everything a run needs, decoded from YAML (+ --set overrides)
// through one schema, which also feeds `rackscale explain scenario` and
// scenario.resolved.yaml. This is the composition root: each model owns its
// typed params and schema (power, cost, topology, scheduler, router) and the
// scenario composes them; nothing under models/ below the scenario includes it.
#include <string>
#include <vector>

#include "models/cost/cost_params.hpp"
#include "models/power/power_params.hpp"
#include "sim/params.hpp"
#include "sim/yaml_source.hpp"

namespace rs {

struct PowerKeysSet;  // models/power/gpu_power.hpp

// A registry-backed choice: `kind` plus that implementation's own params.
struct ImplChoice {
  std::string kind;
  YAML::Node params;  // as written (validated at load); read-only: copies share it
  Cursor at;          // holds no pointer into the scenario: valid after any move

  ImplChoice() = default;
  ImplChoice(const ImplChoice&) = default;
  // yaml-cpp's Node::operator= writes into the node every copy of the handle
  // shares; rebinding keeps assignment a value operation (no other choice changes).
  ImplChoice& operator=(const ImplChoice& o) {
    kind = o.kind;
    params.reset(o.params);
    at = o.at;
    return *this;
  }
};

struct Scenario {
  struct Hardware {
    std::string gpu;
    int64_t gpus = 0;
  };
  struct Model {
    std::string name, precision;
  };
  struct Parallelism {
    int64_t tp = 0, ep = 1, pp = 1;
  };
  struct Serving {
    ImplChoice scheduler, router;
    int64_t block_size = 0, max_model_len = 0;
    double gpu_memory_utilization = 0;
    std::string kv_precision;
  };
  struct Synthetic {
    int64_t requests = 0, input_tokens = 0, output_tokens = 0;
    double rate = 0, length_cv = 0;
    std::string arrival, lengths;
  };
  struct Workload {
    std::string trace, format;
    double rate_scale = 1;
    int64_t max_requests = 0;
    Synthetic synthetic;
  };
  struct Slo {
    double ttft = 0, itl = 0;
  };
  struct Sim {
    bool coalesce = true;
    int64_t max_window = 0;
    double duration = 0;  // s; 0 = until the workload drains
  };
  using Power = PowerParams;  // owned by models/power (schema there)
  using Cost = CostParams;    // owned by models/cost

  std::string name, calibration;
  int64_t seed = 0;
  Hardware hardware;
  ImplChoice topology;
  Model model;
  Parallelism parallelism;
  Serving serving;
  Workload workload;
  Slo slo;
  Sim sim;
  Power power;
  Cost cost;
  bool use_synthetic = false;  // a workload.synthetic mapping was given

  static const Schema<Scenario>& schema();
};

// Loads a scenario file (or the embedded default when `path` is empty) and applies --set overrides.
struct LoadedScenario {
  YamlSource src;
  Scenario s;
  std::string where(const std::string& dotted) const;  // file:line:col of a key's value
  bool given(const std::string& dotted) const;         // set in the file or by --set (not a default)
};
LoadedScenario load_scenario(const std::string& path, const std::vector<std::string>& sets);

// Which power keys the scenario gives explicitly (they win over a calibration profile).
PowerKeysSet power_keys_set(const LoadedScenario& ls);

const std::string& default_scenario_text();  // embedded at build time

}  // namespace rs
