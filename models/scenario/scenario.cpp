#include "models/scenario/scenario.hpp"

#include "models/catalog/catalog.hpp"
#include "models/power/gpu_power.hpp"
#include "models/scenario/impl_field.hpp"
#include "models/serving/router.hpp"
#include "models/serving/scheduler.hpp"
#include "topologies/topology.hpp"

namespace rs {

const Schema<Scenario>& Scenario::schema() {
  using S = Scenario;
  static const Schema<S::Hardware> hardware = Schema<S::Hardware>()
      .text(&S::Hardware::gpu, "gpu", "gb200", "GPU preset (models/hardware/<name>.yaml): h100, h200, b200, gb200, gb300, rubin")
      .integer(&S::Hardware::gpus, "gpus", "72", "total GPUs", 1);
  static const Schema<S::Model> model = Schema<S::Model>()
      .text(&S::Model::name, "name", "llama-3.1-70b", "LLM preset (models/llm/<name>.yaml)")
      .text(&S::Model::precision, "precision", "native", "weights and GEMM precision; native = the model's published precision",
            {"native", "bf16", "fp8", "fp4"});
  static const Schema<S::Parallelism> par = Schema<S::Parallelism>()
      .integer(&S::Parallelism::tp, "tp", "0",
               "tensor-parallel GPUs per replica; 0 = smallest power of two whose replica fits the model", 0)
      .integer(&S::Parallelism::ep, "ep", "1",
               "expert-parallel GPUs (MoE models only; must divide the expert count). As vLLM, EP reuses the TP x DP "
               "ranks: ep is a multiple of tp and one pipeline stage takes max(tp, ep) GPUs. `topo check` validates "
               "its placement; `run` does not simulate ep > 1 yet",
               1)
      .integer(&S::Parallelism::pp, "pp", "1",
               "pipeline stages per model instance (at most the model's layers); an instance takes pp x max(tp, ep) "
               "GPUs. `topo check` validates its placement; `run` does not simulate pp > 1 yet",
               1);
  static const Schema<S::Serving> serving = Schema<S::Serving>()
      .custom(impl_field<Scheduler, S::Serving>(&S::Serving::scheduler, "scheduler", "vllm", "per-replica scheduler", "scheduler"))
      .custom(impl_field<Router, S::Serving>(&S::Serving::router, "router", "round-robin", "request router across replicas", "router"))
      .integer(&S::Serving::block_size, "block_size", "16", "KV cache block size in tokens (vLLM default on CUDA: 16)", 1)
      .number(&S::Serving::gpu_memory_utilization, "gpu_memory_utilization", "0.9",
              "fraction of HBM the engine may use (vLLM default 0.9)", 0.05, 1.0)
      .text(&S::Serving::kv_precision, "kv_precision", "bf16", "KV cache element type", {"bf16", "fp8"})
      .integer(&S::Serving::max_model_len, "max_model_len", "0",
               "longest request (prompt + output) in tokens; longer ones are rejected; 0 = the model's max_context; "
               "a replica must hold one such request in KV cache",
               0);
  static const Schema<S::Synthetic> synthetic = Schema<S::Synthetic>()
      .integer(&S::Synthetic::requests, "requests", "1000", "number of requests", 1)
      .number(&S::Synthetic::rate, "rate", "10", "mean arrival rate in req/s; 0 = all at t = 0 (offline)", 0)
      .text(&S::Synthetic::arrival, "arrival", "poisson", "inter-arrival times", {"poisson", "fixed"})
      .integer(&S::Synthetic::input_tokens, "input_tokens", "128", "prompt tokens (mean if distributed)", 1)
      .integer(&S::Synthetic::output_tokens, "output_tokens", "128", "output tokens (mean if distributed)", 1)
      .text(&S::Synthetic::lengths, "lengths", "fixed", "length distribution", {"fixed", "uniform", "lognormal"})
      .number(&S::Synthetic::length_cv, "length_cv", "0.5", "coefficient of variation of lengths (uniform, lognormal)", 0);
  static const Schema<S::Workload> workload = Schema<S::Workload>()
      .text(&S::Workload::trace, "trace", "azure-conv",
            "bundled trace name (azure-conv, azure-code, mooncake-conversation, mooncake-synthetic) or a file path")
      .text(&S::Workload::format, "format", "auto", "trace file format (auto: by extension .csv/.jsonl[.gz])",
            {"auto", "azure", "mooncake"})
      .number(&S::Workload::rate_scale, "rate_scale", "1", "multiplies the arrival rate (divides arrival times)", 1e-9)
      .integer(&S::Workload::max_requests, "max_requests", "0", "stop after this many requests; 0 = all", 0)
      .section(&S::Workload::synthetic, "synthetic", synthetic,
               "synthetic workload; setting any of its keys selects it over the trace");
  static const Schema<S::Slo> slo = Schema<S::Slo>()
      .quantity(&S::Slo::ttft, "ttft", Dim::Seconds, "2 s", "time-to-first-token target", 1e-9)
      .quantity(&S::Slo::itl, "itl", Dim::Seconds, "100 ms", "inter-token latency target (checked on TPOT)", 1e-9);
  static const Schema<S::Sim> sim = Schema<S::Sim>()
      .flag(&S::Sim::coalesce, "coalesce", "true",
            "advance runs of identical decode steps in one event (exact: same results as step by step)")
      .integer(&S::Sim::max_window, "max_window", "1000000", "most decode steps advanced in one event", 1)
      .quantity(&S::Sim::duration, "duration", Dim::Seconds, "0 s",
                "simulated run length; requests arriving later are not sent and work in flight at the end is cut; "
                "0 = until the workload drains");
  static const Schema<S> s = Schema<S>("scenario")
      .text(&S::name, "name", "default", "run name (default output folder results/<name>)")
      .integer(&S::seed, "seed", "1", "random seed (synthetic workloads)", 0)
      .text(&S::calibration, "calibration", "auto",
            "calibration profile (models/calibration/<name>.yaml or a path); auto = newest measured profile of the GPU, "
            "else of the nearest GPU (carried by datasheet ratios), else default (assumed)")
      .section(&S::hardware, "hardware", hardware, "GPUs")
      .custom(impl_field<Topology, S>(&S::topology, "topology", "auto",
                                      "how GPUs are packaged into NVLink domains; auto = from the GPU preset's form factor "
                                      "(nvl72 for gb200/gb300/rubin, hgx for h100/h200/b200)",
                                      "topology", true))
      .section(&S::model, "model", model, "LLM")
      .section(&S::parallelism, "parallelism", par, "parallelism of one replica")
      .section(&S::serving, "serving", serving, "serving engine")
      .section(&S::workload, "workload", workload, "requests")
      .section(&S::slo, "slo", slo, "service-level objectives")
      .section(&S::sim, "sim", sim, "simulation controls")
      .section(&S::power, "power", PowerParams::schema(), PowerParams::schema().help())
      .section(&S::cost, "cost", CostParams::schema(), CostParams::schema().help());
  return s;
}

namespace {
// The node at a dotted key, or its nearest given parent; `found` says whether the key itself is there.
// Walks with const access so that looking up a key never inserts it.
YAML::Node find_key(const YAML::Node& root, const std::string& dotted, bool& found) {
  YAML::Node cur = root;
  found = false;
  for (std::size_t start = 0;;) {
    std::size_t dot = dotted.find('.', start);
    std::string key = dotted.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    const YAML::Node& c = cur;
    if (!c.IsMap() || !c[key]) return cur;
    YAML::Node next = c[key];
    cur.reset(next);
    if (dot == std::string::npos) {
      found = true;
      return cur;
    }
    start = dot + 1;
  }
}
}  // namespace

std::string LoadedScenario::where(const std::string& dotted) const {
  bool found = false;
  return src.where(find_key(src.root, dotted, found), dotted);
}

bool LoadedScenario::given(const std::string& dotted) const {
  bool found = false;
  find_key(src.root, dotted, found);
  return found || src.overrides.count(dotted) > 0;
}

PowerKeysSet power_keys_set(const LoadedScenario& ls) {
  return {ls.given("power.memory_power_share"), ls.given("power.dvfs_exponent")};
}

LoadedScenario load_scenario(const std::string& path, const std::vector<std::string>& sets) {
  LoadedScenario ls;
  ls.src = path.empty() ? load_yaml_text(default_scenario_text(), "<default scenario>") : load_yaml_file(path);
  for (const auto& a : sets) apply_set(ls.src, a);
  const YAML::Node& root = ls.src.root;
  ls.s = Scenario::schema().decode(root, Cursor{&ls.src, ""});
  const YAML::Node w = root["workload"];
  ls.s.use_synthetic = w && w.IsMap() && w["synthetic"] && !w["synthetic"].IsNull();
  return ls;
}

}  // namespace rs
