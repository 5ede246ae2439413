#pragma once
// Placement of a model's TP / EP / PP groups on the GPUs of a fabric, for
// `rackscale topo check`.
//
// Convention (as vLLM with expert parallelism): EP reuses the TP x DP ranks.
// With ep > 1 one pipeline stage is an EP group of ep GPUs made of ep / tp
// attention TP groups (data-parallel attention, experts sharded over all ep);
// with ep = 1 a stage is one TP group. A model instance is pp stages, so it
// takes pp x max(tp, ep) GPUs. GPUs are numbered domain by domain and groups
// are consecutive: TP fastest, then EP (DP), then the pipeline stage, then the
// instance.
//
// Errors (exit 2, at the scenario key): a TP group outside one NVLink domain,
// ep not a multiple of tp, an instance larger than all the GPUs.
// Reported, not errors: GPUs left after the last whole instance (idle), EP groups whose all-to-all crosses NVLink domains
// (a warning: that share of the bytes goes over the scale-out NICs), and the
// link between consecutive pipeline stages (NVLink or NIC).
#include <cstdint>
#include <string>
#include <vector>

#include "topologies/fabric.hpp"

namespace rs {

struct ParallelDegrees {
  int64_t tp = 1, ep = 1, pp = 1;
};
// file:line:col of each degree's key, for errors.
struct ParallelWhere {
  std::string tp, ep, pp;
};

struct PlacementReport {
  int64_t stage_gpus = 0, instance_gpus = 0, instances = 0, tp_groups = 0;
  int64_t idle_gpus = 0;  // left after the last whole instance (a warning)
  int64_t ep_groups = 0, ep_groups_spanning = 0;  // groups whose GPUs sit in more than one NVLink domain
  double ep_cross_mean = 0, ep_cross_max = 0;     // share of all-to-all bytes between domains (uniform all-to-all)
  std::string ep_tier;                            // highest switch tier the EP traffic crosses ("" = NVLink only)
  int64_t pp_boundaries = 0, pp_nvlink = 0, pp_nic = 0, pp_mixed = 0;
  std::vector<std::string> lines;     // what each group uses, one line each
  std::vector<std::string> warnings;  // valid but slower placements
};

// Throws InputError at the key's location for invalid placements.
PlacementReport check_placement(const Fabric& f, const ParallelDegrees& p, const ParallelWhere& w);

}  // namespace rs
