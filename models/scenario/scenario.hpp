#pragma once
// A scenario: everything a run needs, decoded from YAML (+ --set overrides)
// through one schema, which also feeds `rackscale explain scenario` and
// scenario.resolved.yaml.
#include <string>
#include <vector>

#include "sim/params.hpp"
#include "sim/yaml_source.hpp"

namespace rs {

// A registry-backed choice: `kind` plus that implementation's own params.
struct ImplChoice {
  std::string kind;
  YAML::Node params;  // as written (validated at load)
  Cursor at;
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
  struct Power {
    double gpu_cap = 0, rack_budget = 0, site_budget = 0;  // W; 0 = none
    double pue = 0, network_per_gpu = 0, control_interval = 0;
    int64_t hgx_nodes_per_rack = 0;
    double memory_power_share = 0, dvfs_exponent = 0, min_clock = 0, idle_share = 0;
  };
  struct Cost {
    double electricity = 0, gpu_hour = 0, gpu_price = 0, network_fraction = 0, facility_per_mw = 0,
           colocation = 0, it_years = 0, facility_years = 0, staff_fraction = 0, interest_rate = 0;
  };

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
};
LoadedScenario load_scenario(const std::string& path, const std::vector<std::string>& sets);

const std::string& default_scenario_text();  // embedded at build time

}  // namespace rs
