#include "models/scenario/setup.hpp"

#include <fmt/format.h>

#include "models/scenario/parallelism.hpp"
#include "models/scenario/topology_setup.hpp"
#include "sim/error.hpp"
#include "sim/registry.hpp"

namespace rs {
namespace {

Scheduler::Limits scheduler_limits(const Scenario& s) {
  KvCache probe(0, s.serving.block_size);
  ServingSignals none;
  const ImplChoice& c = s.serving.scheduler;
  auto sched = Registry<Scheduler>::get(c.kind, "", "scheduler").make(c.params, c.at, {&probe, &none, 0});
  return sched->limits();
}

bool fits(const MemoryPlan& m, int64_t max_len) { return m.kv_tokens >= max_len; }

std::string fit_report(const MemoryPlan& m, int64_t tp) {
  return fmt::format(
      "with tp={}: per GPU {:.1f} GB usable = {:.1f} GB weights + {:.1f} GB activations + {:.1f} GB runtime + {:.1f} GB "
      "KV cache ({} tokens per replica)",
      tp, m.usable_per_gpu / 1e9, m.weights_per_gpu / 1e9, m.activations_per_gpu / 1e9, m.reserve_per_gpu / 1e9,
      m.kv_per_gpu / 1e9, m.kv_tokens);
}

}  // namespace

ServingSetup resolve_serving(LoadedScenario ls_in, bool force_calibration) {
  ServingSetup st;
  // Hardware and topology are resolved as `rackscale topo` does (auto: from the GPU's packaging).
  TopologySetup topo = resolve_topology(std::move(ls_in));
  st.ls = std::move(topo.ls);
  st.gpu = std::move(topo.gpu);
  st.topology_kind = std::move(topo.kind);
  st.topology = std::move(topo.topology);
  const Scenario& s = st.ls.s;
  st.llm = load_llm(s.model.name, st.ls.where("model.name"));
  check_parallelism_for_model(st.ls, st.llm);
  reject_unsimulated_parallelism(st.ls);
  st.cal = select_calibration(s.calibration, st.gpu, force_calibration, st.ls.where("calibration"));
  st.precision = parse_precision(s.model.precision == "native" ? st.llm.native_precision : s.model.precision);
  st.max_model_len = s.serving.max_model_len > 0 ? s.serving.max_model_len : st.llm.max_context;

  const int64_t domain = st.topology->domain_size();
  const DomainLayout layout = st.topology->layout();
  const int64_t largest = layout.gpus_in(0);  // GPUs of the fullest domain: the largest TP group that fits
  st.limits = scheduler_limits(s);

  auto build = [&](int64_t tp) {
    PerfConfig cfg{st.llm, st.gpu, st.cal, st.precision, parse_precision(s.serving.kv_precision), tp};
    return std::make_unique<IterationModel>(cfg, st.ls.where("parallelism.tp"));
  };
  auto plan = [&](const IterationModel& m) {
    return m.memory(s.serving.gpu_memory_utilization, s.serving.block_size, st.limits.token_budget, st.limits.max_seqs);
  };

  if (s.parallelism.tp > 0) {
    const int64_t tp = s.parallelism.tp;
    std::string w = st.ls.where("parallelism.tp");
    if (tp > domain)
      fail(w, fmt::format("tp={} is larger than the NVLink domain ({} GPUs in {})", tp, domain, st.topology_kind));
    if (domain % tp != 0) fail(w, fmt::format("tp={} does not divide the NVLink domain of {} GPUs", tp, domain));
    if (tp > largest)
      fail(w, fmt::format("tp={} does not fit: hardware.gpus={} makes {}, and a TP group must sit inside one NVLink "
                          "domain; use parallelism.tp <= {} or more GPUs",
                          tp, s.hardware.gpus, layout.describe(st.topology->packaging()), largest));
    st.model = build(tp);
    st.memory = plan(*st.model);
    if (!fits(st.memory, st.max_model_len))
      fail(w, fmt::format("{} ({}) does not fit: {}; it must hold one request of max_model_len={} tokens. Raise "
                          "parallelism.tp, lower serving.max_model_len, or use a lower precision",
                          st.llm.name, to_string(st.precision), fit_report(st.memory, tp), st.max_model_len));
    st.tp = tp;
  } else {
    std::string last;
    for (int64_t tp = 1; tp <= largest; tp *= 2) {
      if (domain % tp || st.llm.heads % tp) continue;
      auto m = build(tp);
      MemoryPlan mp = plan(*m);
      if (fits(mp, st.max_model_len)) {
        st.tp = tp, st.model = std::move(m), st.memory = mp;
        break;
      }
      last = fit_report(mp, tp);
    }
    if (!st.model)
      fail(st.ls.where("model.name"),
           fmt::format("{} ({}) does not fit on {} GPUs of one NVLink domain ({}); last try {}; max_model_len={}",
                       st.llm.name, to_string(st.precision), largest, st.gpu.name, last, st.max_model_len));
  }
  st.model->prepare(st.limits.max_seqs);
  const ReplicaLayout replicas = replicas_on(layout, st.tp);
  st.replicas = replicas.replicas;
  st.idle_gpus = replicas.idle_gpus;
  return st;
}

std::string ServingSetup::resolved_yaml() const {
  Scenario r = ls.s;
  r.topology.kind = topology_kind;
  r.parallelism.tp = tp;
  r.model.precision = to_string(precision);
  r.serving.max_model_len = max_model_len;
  r.calibration = cal.name;
  YAML::Node n = Scenario::schema().emit(r);
  if (!ls.s.use_synthetic) n["workload"].remove("synthetic");
  YAML::Emitter e;
  e << n;
  std::string head = fmt::format(
      "# Resolved scenario: every value after defaults, automatic choices and --set overrides.\n"
      "# calibration '{}' is {}{}\n",
      cal.name, cal.kind_label(),
      cal.kind == "assumed" ? " (efficiencies are labelled assumptions, not measurements)"
      : cal.carried_from.empty() ? ""
                                 : " (measured on " + cal.carried_from + ", carried to " + gpu.name + " by datasheet ratios)");
  return head + e.c_str() + "\n";
}

}  // namespace rs
