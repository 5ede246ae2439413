#pragma once
// A topology places GPUs in NVLink domains and builds the SimGrid platform.
// `nvl72`/`hgx`: NVLink domains only (one zone per domain, hosts per GPU, not
// connected to each other); `*-efa`/`*-ib`: the same domains under a scale-out
// fabric (topologies/fabric.hpp), which also gives the Boost.Graph view.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "models/catalog/gpu.hpp"
#include "topologies/fabric.hpp"

namespace simgrid::s4u {
class Host;
}

namespace rs {

class Topology {
 public:
  struct Deps {
    const GpuSpec* gpu;  // valid during construction only: copy what you need
    int64_t gpus;
    std::string where;  // for errors about the GPU count
    std::string where_params = {};  // for errors about the topology's own params (default: where)
    // file:line:col of topology.<key> (or of the nearest given parent); empty = use where_params
    std::function<std::string(const std::string& key)> locate = {};
  };
  virtual ~Topology() = default;
  virtual int64_t domain_size() const = 0;  // GPUs per (full) NVLink domain
  virtual Packaging packaging() const = 0;  // HGX nodes or NVL racks (rack grouping, layout words)
  virtual std::string describe() const = 0;
  // How hardware.gpus fill the domains (the last may be partial).
  DomainLayout layout() const { return fabric().layout(); }
  // Builds the SimGrid zones (engine must exist); returns one host per GPU, in GPU order.
  virtual std::vector<simgrid::s4u::Host*> build() const = 0;
  // The wiring (NVLink domains and, for scale-out kinds, the fabric).
  virtual const Fabric& fabric() const = 0;
  // Provenance of the fabric's numbers, one line each (for `topo show`).
  virtual std::vector<std::string> sources() const { return {}; }
};

// Latency of one NVLink link in flow-level models (a GPU-to-GPU route has two).
// ASSUMPTION: 0.5 us, so that a GPU-to-GPU hop costs about 1 us, the order of
// the fitted NCCL per-step alpha inside an H100 NVSwitch node
// (models/calibration/nccl/); intra-domain collectives use the alpha-beta
// model, not these links.
constexpr double kNvlinkLinkLatency = 0.5e-6;

// The wiring of NVLink domains without scale-out (kinds nvl72, hgx).
FabricSpec domains_only(const GpuSpec& gpu, int64_t gpus, int64_t domain);

// Checks shared by the NVLink-domain topologies (any hardware.gpus >= 1: the
// last domain may be partial).
void check_domains(const Topology::Deps& d, int64_t domain, const std::string& topo);
// One SimGrid zone per domain of `domain` GPUs (the last one partial), hosts named gpu-<i>.
std::vector<simgrid::s4u::Host*> build_domains(int64_t gpus, int64_t domain, const std::string& prefix);

}  // namespace rs
