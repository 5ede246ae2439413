#pragma once
// Scale-out fabric under NVLink domains: rail-optimized leaves (NIC k of each
// domain on rail k's leaf) under a 2- or 3-tier fat tree with an
// oversubscription ratio at the leaves. One object describes the wiring; it
//   - counts switches and links and analyses the wiring structurally
//     (bisection: exact min cut over balanced domain partitions, also for
//     partial leaf groups and pods; diameter),
//   - exports a Boost.Graph view (one vertex per GPU, NVSwitch domain and
//     switch; one edge per bundle of parallel cables) for generic algorithms
//     (connectivity, BFS diameter, max-flow bisection and disjoint paths),
//   - builds the SimGrid platform (nested star zones, C++ not XML).
//
// SimGrid platform (aggregated where per-GPU detail does not change the answer):
//   fabric (star) -+- rack-<d> (star): gpu-<i> hosts, one NVLink split-duplex link each
//                  +- [pod-<p> (star), uplink = the pod's aggregation->core capacity]  (3 tiers)
//                       +- leaf-<l> (star), uplink = the leaf's up ports x port bandwidth
//                            +- nic endpoints: one host per (domain, rail) whose link is that
//                               rail's NICs of the domain together (or one per GPU, per_gpu_nics)
// Parallel uplinks of a leaf (to all spines) are one link of their summed
// capacity: ideal ECMP spreading, the fluid view of adaptive routing. Routes:
// same leaf = 2 links (NIC, NIC), same pod = 4, across pods = 6; each link has
// the fabric's per-link latency, so a lone flow takes bytes / bw + links x latency.
// GPU hosts carry NVLink traffic; traffic between domains leaves from NIC endpoints
// (SIMGRID-NOTES pitfall 4: one route per host pair).
#include <boost/graph/adjacency_list.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "topologies/layout.hpp"

namespace simgrid::s4u {
class Host;
}

namespace rs {

struct FabricSpec {
  std::string name = "none";    // "efa", "ib", or "none" (NVLink domains only, not connected)
  int64_t domains = 1, domain_size = 1;
  int64_t last_domain_gpus = 0;  // GPUs in the last domain when it is partial; 0 = full like the others
  double nvlink_bw = 0;         // B/s per GPU per direction
  double nvlink_latency = 0;    // s per NVLink link (2 per GPU-to-GPU route)
  double nic_bw = 0;            // B/s per GPU per direction (one NIC port per GPU share)
  double link_latency = 0;      // s per scale-out cable
  int64_t rails = 1;            // NIC groups per domain; GPU g's NIC is on rail g % rails
  int64_t radix = 64;           // ports per switch
  double oversubscription = 1;  // leaf down:up ports
  int64_t tiers = 0;            // 0 = smallest that fits, 2 or 3
  int64_t domains_per_pod = 0;  // 3 tiers: domains under one pod's aggregation switches; 0 = as many as fit

  // Domains from a layout of GPUs (the last domain may be partial).
  void place(const DomainLayout& l) {
    domains = l.domains(), domain_size = l.domain_size, last_domain_gpus = l.partial_gpus();
  }
};

enum class VKind : uint8_t { gpu, nvswitch, leaf, spine, agg, core };
struct VProp {
  VKind kind = VKind::gpu;
  int64_t index = 0;
};
struct EProp {
  double bw = 0;      // B/s per direction, all cables of the bundle
  int64_t links = 1;  // cables in the bundle
};
using TopoGraph = boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS, VProp, EProp>;
std::string vertex_name(const VProp& v);

struct FabricAnalysis {
  int64_t gpus = 0, domains = 0, nics = 0, leaves = 0, spines = 0, aggs = 0, cores = 0, pods = 0, tiers = 0;
  int64_t nvlink_links = 0, nic_links = 0, leaf_up_links = 0, agg_up_links = 0;
  int64_t down_ports = 0, up_ports = 0;
  double oversubscription = 1;  // as built: leaf down ports / up ports
  double bisection_Bps = 0;     // per direction, exact (structural_bisection) unless bisection_exact is false
  bool bisection_exact = true;  // false: a partial last domain whose GPUs do not fill its rails evenly (upper bound)
  int64_t diameter_hops = 0;    // GPU to GPU, switches and NVSwitch counted as hops; -1 = disconnected
  bool connected = true;
};

class Fabric {
 public:
  // Computes the layout; wiring that cannot be built fails at `where` (InputError),
  // a pod size that does not fit at `where_pods` (default: where).
  Fabric(const FabricSpec& spec, const std::string& where, const std::string& where_pods = {});

  const FabricSpec& spec() const { return s_; }
  bool scale_out() const { return s_.name != "none"; }
  int64_t gpus() const { return layout().gpus; }
  DomainLayout layout() const {
    return {(s_.domains - 1) * s_.domain_size + (s_.last_domain_gpus > 0 ? s_.last_domain_gpus : s_.domain_size),
            s_.domain_size};
  }
  int64_t gpus_in_domain(int64_t d) const { return layout().gpus_in(d); }
  // GPUs of domain d whose NIC sits on `rail` (fewer in a partial last domain).
  int64_t nics_on_rail(int64_t d, int64_t rail) const;
  int64_t nics_per_rail() const { return s_.domain_size / s_.rails; }
  int64_t groups() const { return groups_; }  // leaf groups (sets of domains sharing their rail leaves)
  int64_t leaves() const { return groups_ * s_.rails; }
  int64_t tiers() const { return tiers_; }
  int64_t pods() const { return pods_; }
  int64_t domains_per_leaf() const { return domains_per_leaf_; }
  int64_t domains_per_pod() const { return groups_per_pod_ * domains_per_leaf_; }  // 3 tiers
  int64_t leaf_of(int64_t domain, int64_t rail) const { return (domain / domains_per_leaf_) * s_.rails + rail; }
  int64_t pod_of_leaf(int64_t leaf) const { return leaf / (groups_per_pod_ * s_.rails); }
  double leaf_up_bw() const { return static_cast<double>(up_) * s_.nic_bw; }
  double pod_up_bw(int64_t pod) const;

  FabricAnalysis analyze() const;  // structural (any size)
  // Bisection (B/s per direction): min over balanced partitions of whole domains
  // (by count) of the min cut, computed on the tree the fat tree reduces to
  // (see fabric_bisection.cpp). Exact unless a partial last domain fills its
  // rails unevenly (bisection_is_exact()); then an upper bound.
  double structural_bisection() const;
  bool bisection_is_exact() const;
  TopoGraph graph() const;         // per-switch view

  struct Platform {
    std::vector<simgrid::s4u::Host*> gpus;  // GPU order (empty unless with_gpus)
    // per_gpu_nics: one per GPU slot (domain * domain_size + i); else index domain * rails + rail.
    // Null where a partial last domain has no GPU (no NIC) in that slot or on that rail.
    std::vector<simgrid::s4u::Host*> nics;
    bool per_gpu_nics = false;
    int64_t rails = 1;
    simgrid::s4u::Host* nic(int64_t domain, int64_t rail) const { return nics[static_cast<size_t>(domain * rails + rail)]; }
  };
  // Builds the SimGrid zones (an engine must exist, once per process).
  Platform build(bool with_gpus, bool per_gpu_nics) const;

 private:
  FabricSpec s_;
  int64_t down_ = 0, up_ = 0, domains_per_leaf_ = 1, groups_ = 0, groups_per_pod_ = 1, pods_ = 1, tiers_ = 0;
  int64_t spines_ = 0, aggs_per_pod_ = 0, cores_ = 0;
};

// Generic graph algorithms (Boost.Graph) used by `topo` and to check the
// structural formulas on small instances.
bool graph_connected(const TopoGraph& g);
// Longest shortest path (hops) between GPU vertices, BFS from every GPU; -1 if disconnected.
int64_t graph_gpu_diameter(const TopoGraph& g);
// Edge-disjoint paths between the NVSwitch vertices of two domains (max-flow, one unit per cable).
int64_t graph_disjoint_paths(const TopoGraph& g, int64_t domain_a, int64_t domain_b);
// Bisection bandwidth (B/s per direction): min over balanced partitions of whole
// domains (floor and ceil of half for odd counts) of the max-flow min cut between
// the halves. Exponential in domains: small instances.
double graph_bisection(const TopoGraph& g, int64_t domains);
// GraphViz DOT text.
std::string graph_dot(const TopoGraph& g);

}  // namespace rs
