#include "models/scenario/topology_setup.hpp"

#include "sim/registry.hpp"

namespace rs {

TopologySetup resolve_topology(LoadedScenario ls_in) {
  TopologySetup t;
  t.ls = std::move(ls_in);
  const Scenario& s = t.ls.s;
  t.gpu = load_gpu(s.hardware.gpu, t.ls.where("hardware.gpu"));
  t.kind = s.topology.kind == "auto" ? (t.gpu.form_factor == "nvl72" ? "nvl72" : "hgx") : s.topology.kind;
  t.topology = Registry<Topology>::get(t.kind, t.ls.where("topology"), "topology")
                   .make(s.topology.params, s.topology.at,
                         {&t.gpu, s.hardware.gpus, t.ls.where("hardware.gpus"),
                          // the deepest given key of the topology (its racks/nodes count if set)
                          t.ls.where(t.kind.starts_with("nvl72") ? "topology.racks" : "topology.nodes"),
                          [&ls = t.ls](const std::string& key) { return ls.where("topology." + key); }});
  return t;
}

}  // namespace rs
