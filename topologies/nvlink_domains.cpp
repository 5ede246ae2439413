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
  if (d.gpus % domain != 0)
    fail(d.where, fmt::format("hardware.gpus={} is not a whole number of {} domains of {} GPUs", d.gpus, topo, domain));
}

FabricSpec domains_only(const GpuSpec& gpu, int64_t gpus, int64_t domain) {
  FabricSpec f;
  f.name = "none";
  f.domains = gpus / domain;
  f.domain_size = domain;
  f.nvlink_bw = gpu.nvlink_bandwidth.value;
  f.nvlink_latency = kNvlinkLinkLatency;
  return f;
}

std::vector<sg4::Host*> build_domains(int64_t gpus, int64_t domain, const std::string& prefix) {
  sg4::NetZone* root = sg4::create_full_zone("site");
  std::vector<sg4::Host*> hosts;
  hosts.reserve(static_cast<std::size_t>(gpus));
  for (int64_t d = 0; d < gpus / domain; ++d) {
    sg4::NetZone* zone = sg4::create_star_zone(fmt::format("{}-{}", prefix, d));
    zone->set_parent(root);
    for (int64_t g = 0; g < domain; ++g)
      hosts.push_back(zone->create_host(fmt::format("gpu-{}", d * domain + g), 1e15));
    zone->seal();
  }
  root->seal();
  return hosts;
}

}  // namespace rs
