#include "models/scenario/topology_setup.hpp"

#include "sim/registry.hpp"

namespace rs {

TopologySetup resolve_topology(LoadedScenario ls_in) {
  TopologySetup t;
  t.ls = std::move(ls_in);
  const Scenario& s = t.ls.s;
  t.gpu = load_gpu(s.hardware.gpu, t.ls.where("hardware.gpu"));
  t.kind = s.topology.kind != "auto" ? s.topology.kind : t.gpu.packaging() == Packaging::nvl_rack ? "nvl72" : "hgx";
  const auto& entry = Registry<Topology>::get(t.kind, t.ls.where("topology"), "topology");
  // Errors about the topology's own params point at its domain count (racks or nodes) if given.
  const std::string count_key = s.topology.params["racks"] ? "racks" : "nodes";
  t.topology = entry.make(s.topology.params, s.topology.at,
                          {&t.gpu, s.hardware.gpus, t.ls.where("hardware.gpus"), t.ls.where("topology." + count_key),
                           [&ls = t.ls](const std::string& key) { return ls.where("topology." + key); }});
  return t;
}

}  // namespace rs
