#include <fmt/format.h>
#include <simgrid/s4u.hpp>

#include "sim/error.hpp"
#include "topologies/topology.hpp"

namespace sg4 = simgrid::s4u;

namespace rs {

void check_domains(const Topology::Deps& d, int64_t domain, const std::string& topo) {
  if (d.gpu->domain_size() < domain)
    fail(d.where, fmt::format("topology {} needs NVLink domains of {} GPUs but GPU '{}' supports {} (its nvlink_domain)",
                              topo, domain, d.gpu->name, d.gpu->domain_size()));
  if (d.gpus < 1) fail(d.where, fmt::format("hardware.gpus={}: a topology needs at least one GPU", d.gpus));
}

FabricSpec domains_only(const GpuSpec& gpu, int64_t gpus, int64_t domain) {
  FabricSpec f;
  f.name = "none";
  f.place({gpus, domain});
  f.nvlink_bw = gpu.nvlink_bandwidth.value;
  f.nvlink_latency = kNvlinkLinkLatency;
  return f;
}

std::vector<sg4::Host*> build_domains(int64_t gpus, int64_t domain, const std::string& prefix) {
  sg4::NetZone* root = sg4::create_full_zone("site");
  std::vector<sg4::Host*> hosts;
  hosts.reserve(static_cast<std::size_t>(gpus));
  const DomainLayout layout{gpus, domain};
  for (int64_t d = 0; d < layout.domains(); ++d) {
    sg4::NetZone* zone = sg4::create_star_zone(fmt::format("{}-{}", prefix, d));
    zone->set_parent(root);
    for (int64_t g = 0; g < layout.gpus_in(d); ++g)
      hosts.push_back(zone->create_host(fmt::format("gpu-{}", d * domain + g), 1e15));
    zone->seal();
  }
  root->seal();
  return hosts;
}

}  // namespace rs
