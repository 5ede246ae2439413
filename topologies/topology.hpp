#pragma once
// A topology places GPUs in NVLink domains and builds the SimGrid platform.
// This slice builds one zone per NVLink domain with one host per GPU; links
// and scale-out fabrics (EFA, InfiniBand) come with the fabrics issue.
#include <memory>
#include <string>
#include <vector>

#include "models/catalog/gpu.hpp"

namespace simgrid::s4u {
class Host;
}

namespace rs {

class Topology {
 public:
  struct Deps {
    const GpuSpec* gpu;
    int64_t gpus;
    std::string where;  // for errors
  };
  virtual ~Topology() = default;
  virtual int64_t domain_size() const = 0;  // GPUs per NVLink domain
  virtual std::string describe() const = 0;
  // Builds the SimGrid zones (engine must exist); returns one host per GPU, in GPU order.
  virtual std::vector<simgrid::s4u::Host*> build() const = 0;
};

// Checks shared by the NVLink-domain topologies.
void check_domains(const Topology::Deps& d, int64_t domain, const std::string& topo);
// One SimGrid zone per domain of `domain` GPUs, hosts named gpu-<i>.
std::vector<simgrid::s4u::Host*> build_domains(int64_t gpus, int64_t domain, const std::string& prefix);

}  // namespace rs
