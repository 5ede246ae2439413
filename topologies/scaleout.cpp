// NVLink domains (NVL72 racks or HGX nodes) under a scale-out fabric: AWS EFA
// or InfiniBand, rail-optimized leaves under a 2- or 3-tier fat tree
// (topologies/fabric.hpp). Kinds: nvl72-efa, nvl72-ib, hgx-efa, hgx-ib.
// Each number below has its source beside it, or is labelled an assumption.
#include <fmt/format.h>
#include <simgrid/s4u.hpp>

#include "sim/error.hpp"
#include "sim/registry.hpp"
#include "topologies/topology.hpp"

namespace rs {
namespace {

struct Src {
  double value;
  std::string source;  // "ASSUMPTION: ..." when not sourced
};

// A scale-out figure from the GPU preset (sourced there); absent: the topology key must give it.
Src from_preset(const Sourced& v, const GpuSpec& gpu, const char* preset_key, const std::string& topo_key,
                const std::string& where) {
  if (!v.present())
    fail(where, fmt::format("GPU '{}' has no {} in its preset (models/hardware/{}.yaml): set topology.{}", gpu.name,
                            preset_key, gpu.name, topo_key));
  return {v.value, fmt::format("{} preset: {}", gpu.name, v.provenance())};
}

// Switch radix on EFA: not per GPU (AWS does not publish it).
Src efa_radix() {
  return {128,
          "ASSUMPTION: AWS does not publish its EFA switch radix; 128 ports of 400 Gbit/s (a 51.2 Tbit/s switch ASIC "
          "such as Tomahawk 5) is assumed"};
}

Src latency_preset(const std::string& fabric) {
  if (fabric == "ib")
    return {0.5e-6,
            "ASSUMPTION: 0.5 us per cable hop (Quantum-2 port-to-port cut-through latency is quoted at 130-330 ns by "
            "secondary sources, plus NIC and cable), so a 2-tier path of 4 hops costs about 2 us, the order of "
            "published InfiniBand RDMA small-message latencies"};
  return {4e-6,
          "ASSUMPTION: 4 us per cable hop, so a 2-tier path of 4 hops costs about 16 us, the order of small-message "
          "latencies reported for EFA's SRD transport (not verified in this session)"};
}

template <bool Nvl72, bool Efa>
class ScaleOut final : public Topology {
 public:
  struct Params {
    int64_t domains = 0, gpus_per_node = 8, rails = 0, radix = 0, tiers = 0, pods = 0, per_pod = 0;
    double nic_bandwidth = 0, link_latency = 0, oversubscription = 1;
  };
  static const char* unit() { return Nvl72 ? "racks" : "nodes"; }
  static const char* per_pod_key() { return Nvl72 ? "racks_per_pod" : "nodes_per_pod"; }
  static const Schema<Params>& schema() {
    static const Schema<Params> s = [] {
      Schema<Params> x(fmt::format("{} on {}: NVLink domains under a rail-optimized fat tree",
                                   Nvl72 ? "NVL72 racks" : "HGX nodes", Efa ? "AWS EFA" : "InfiniBand"));
      x.integer(&Params::domains, unit(), "0",
                fmt::format("{} (NVLink domains); 0 = hardware.gpus / GPUs per {}, rounded up (the last one may be "
                            "partial); else must be that count",
                            unit(), Nvl72 ? "rack (72)" : "node"),
                0);
      if (!Nvl72) x.integer(&Params::gpus_per_node, "gpus_per_node", "8", "GPUs per node, one NVLink domain", 1, 8);
      x.quantity(&Params::nic_bandwidth, "nic_bandwidth", Dim::BytesPerSec, "0 Gbit/s",
                 "scale-out NIC bandwidth per GPU per direction; 0 = the preset for this GPU and fabric "
                 "(`rackscale topo show` prints it with its source)")
          .quantity(&Params::link_latency, "link_latency", Dim::Seconds, "0 s",
                    "latency of one scale-out cable hop; 0 = the fabric preset (labelled assumption)")
          .integer(&Params::rails, "rails", "0",
                   "NIC rails per domain: GPU g's NIC sits on rail g % rails, NIC k of every domain on rail k's leaf; "
                   "0 = one rail per GPU of an HGX node (8), 4 for NVL72 (one per GPU of a compute tray)",
                   0)
          .integer(&Params::radix, "switch_radix", "0", "ports per switch; 0 = the fabric preset", 0)
          .number(&Params::oversubscription, "oversubscription", "1",
                  "leaf down:up port ratio (1 = non-blocking); must be >= 1", 1)
          .integer(&Params::tiers, "tiers", "0", "fat-tree tiers: 2 or 3; 0 = the fewest that fit (3 when pods are given)",
                   0, 3)
          .integer(&Params::per_pod, per_pod_key(), "0",
                   fmt::format("{} per pod (3 tiers: domains under one pod's aggregation switches), whole leaf groups; "
                               "0 = as many as the aggregation switches reach (or {} / pods); the last pod may be partial",
                               unit(), unit()),
                   0)
          .integer(&Params::pods, "pods", "0",
                   fmt::format("pods (3 tiers); 0 = as many as needed; else {} must split into equal pods (pods x {} = {})",
                               unit(), per_pod_key(), unit()),
                   0);
      return x;
    }();
    return s;
  }

  ScaleOut(const Params& p, const Deps& d)
      : fabric_(make_spec(p, d), d.where_params.empty() ? d.where : d.where_params, where_pods(p, d)) {}

  int64_t domain_size() const override { return fabric_.spec().domain_size; }
  Packaging packaging() const override { return Nvl72 ? Packaging::nvl_rack : Packaging::hgx_node; }
  std::string describe() const override {
    const FabricSpec& s = fabric_.spec();
    return fmt::format("{} on {} ({} Gbit/s per GPU, {}-tier rail-optimized fat tree, {} rails)",
                       layout().describe(packaging()), Efa ? "EFA" : "InfiniBand", s.nic_bw * 8 / 1e9, fabric_.tiers(),
                       s.rails);
  }
  std::vector<simgrid::s4u::Host*> build() const override { return fabric_.build(true, false).gpus; }
  const Fabric& fabric() const override { return fabric_; }
  std::vector<std::string> sources() const override { return sources_; }

 private:
  FabricSpec make_spec(const Params& p, const Deps& d) {
    const std::string fab = Efa ? "efa" : "ib";
    const int64_t domain = Nvl72 ? 72 : p.gpus_per_node;
    const std::string kind = fmt::format("{}-{}", Nvl72 ? "nvl72" : "hgx", fab);
    check_domains(d, domain, kind);
    const std::string wp = d.where_params.empty() ? d.where : d.where_params;
    const DomainLayout layout{d.gpus, domain};
    if (p.domains != 0 && p.domains != layout.domains())
      fail(wp, fmt::format("{} {} x {} GPUs = {} GPUs, but hardware.gpus={} fills {} {} ({}); leave {} at 0 to "
                           "follow hardware.gpus",
                           p.domains, unit(), domain, p.domains * domain, d.gpus, layout.domains(), unit(),
                           layout.describe(packaging()), unit()));
    if (p.tiers == 1) fail(wp, "tiers must be 2 or 3 (0 = automatic)");
    FabricSpec s;
    s.name = fab;
    s.place(layout);
    s.nvlink_bw = d.gpu->nvlink_bandwidth.value;
    s.nvlink_latency = kNvlinkLinkLatency;
    const GpuSpec& g = *d.gpu;
    Src nic = p.nic_bandwidth > 0 ? Src{p.nic_bandwidth, ""}
              : Efa ? from_preset(g.efa_nic_bandwidth, g, "efa_nic_bandwidth", "nic_bandwidth", wp)
                    : from_preset(g.ib_nic_bandwidth, g, "ib_nic_bandwidth", "nic_bandwidth", wp);
    Src radix = p.radix > 0 ? Src{static_cast<double>(p.radix), ""}
                : Efa ? efa_radix()
                      : from_preset(g.ib_switch_radix, g, "ib_switch_radix", "switch_radix", wp);
    Src lat = latency_preset(fab);
    s.nic_bw = p.nic_bandwidth > 0 ? p.nic_bandwidth : nic.value;
    s.link_latency = p.link_latency > 0 ? p.link_latency : lat.value;
    s.radix = p.radix > 0 ? p.radix : static_cast<int64_t>(radix.value);
    s.rails = p.rails > 0 ? p.rails : (Nvl72 ? 4 : domain);
    s.oversubscription = p.oversubscription;
    s.tiers = p.tiers;
    s.domains_per_pod = pod_size(p, d, s.domains);
    auto src = [](bool given, const char* what, const Src& x) {
      return given ? std::string(what) + ": given in the scenario" : std::string(what) + ": " + x.source;
    };
    sources_.push_back("nvlink_bandwidth: " + d.gpu->nvlink_bandwidth.provenance());
    sources_.push_back(src(p.nic_bandwidth > 0, "nic_bandwidth", nic));
    sources_.push_back(src(p.link_latency > 0, "link_latency", lat));
    sources_.push_back(src(p.radix > 0, "switch_radix", radix));
    if (p.rails == 0)
      sources_.push_back(Nvl72 ? "rails: ASSUMPTION: 4, one NIC per GPU of a 4-GPU GB200/GB300 compute tray, NIC k of "
                                 "every tray on rail k"
                               : "rails: one per GPU of the node, NIC k on rail k (rail-optimized DGX/HGX clusters)");
    return s;
  }

  static std::string where_pods(const Params& p, const Deps& d) {
    if (!d.locate || (p.pods == 0 && p.per_pod == 0)) return {};
    return d.locate(p.per_pod > 0 ? per_pod_key() : "pods");
  }
  // Domains per pod from `pods` and/or `<unit>_per_pod` (0 = automatic), checked against the domain count.
  static int64_t pod_size(const Params& p, const Deps& d, int64_t domains) {
    auto at = [&](const char* key) { return d.locate ? d.locate(key) : d.where; };
    if (p.per_pod > domains)
      fail(at(per_pod_key()), fmt::format("{}={} is more than the {} {} of hardware.gpus={}", per_pod_key(), p.per_pod,
                                          domains, unit(), d.gpus));
    if (p.pods == 0) return p.per_pod;
    if (p.per_pod > 0 && p.pods * p.per_pod != domains)
      fail(at("pods"), fmt::format("pods={} x {}={} = {} {}, but hardware.gpus={} makes {}", p.pods, per_pod_key(),
                                   p.per_pod, p.pods * p.per_pod, unit(), d.gpus, domains));
    if (domains % p.pods != 0)
      fail(at("pods"), fmt::format("{} {} do not split into pods={} equal pods; set {} for a partial last pod", domains,
                                   unit(), p.pods, per_pod_key()));
    return domains / p.pods;
  }

  std::vector<std::string> sources_;
  Fabric fabric_;
};

const bool r1 = Registry<Topology>::add<ScaleOut<true, true>>("nvl72-efa", "NVL72 racks on AWS EFA (p6e-gb200-like)");
const bool r2 = Registry<Topology>::add<ScaleOut<true, false>>("nvl72-ib", "NVL72 racks on an InfiniBand fat tree");
const bool r3 = Registry<Topology>::add<ScaleOut<false, true>>("hgx-efa", "HGX 8-GPU nodes on AWS EFA (p5-like)");
const bool r4 = Registry<Topology>::add<ScaleOut<false, false>>("hgx-ib", "HGX 8-GPU nodes on an InfiniBand fat tree");

}  // namespace
}  // namespace rs
