#include "topologies/fabric.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <boost/graph/breadth_first_search.hpp>
#include <boost/graph/connected_components.hpp>
#include <boost/graph/push_relabel_max_flow.hpp>
#include <cmath>
#include <map>
#include <simgrid/s4u.hpp>
#include <sstream>

#include "sim/error.hpp"

namespace sg4 = simgrid::s4u;

namespace rs {

namespace {
int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }
// Smallest divisor of n that is >= lo (n itself at worst): switches of the next
// tier such that every lower switch has the same number of cables to each.
int64_t divisor_at_least(int64_t n, int64_t lo) {
  for (int64_t k = std::max<int64_t>(lo, 1); k < n; ++k)
    if (n % k == 0) return k;
  return n;
}
}  // namespace

std::string vertex_name(const VProp& v) {
  static const char* names[] = {"gpu", "nvswitch", "leaf", "spine", "agg", "core"};
  return fmt::format("{}-{}", names[static_cast<int>(v.kind)], v.index);
}

Fabric::Fabric(const FabricSpec& spec, const std::string& where, const std::string& where_pods) : s_(spec) {
  const std::string& wpod = where_pods.empty() ? where : where_pods;
  if (s_.domains < 1 || s_.domain_size < 1) fail(where, "a topology needs at least one GPU");
  if (s_.last_domain_gpus < 0 || s_.last_domain_gpus > s_.domain_size)
    fail(where, fmt::format("the last NVLink domain has {} GPUs, not 1 to {}", s_.last_domain_gpus, s_.domain_size));
  if (!scale_out()) return;
  if (s_.oversubscription < 1)
    fail(where, fmt::format("oversubscription {} < 1: a leaf cannot have more up than down ports", s_.oversubscription));
  if (s_.rails < 1 || s_.domain_size % s_.rails != 0)
    fail(where, fmt::format("rails={} must divide the {} GPUs of an NVLink domain", s_.rails, s_.domain_size));
  if (s_.radix < 4) fail(where, fmt::format("switch radix {} is too small (at least 4 ports)", s_.radix));
  // Up ports: as many as the ratio allows; down = up x ratio (a 64-port leaf at 2:1 uses 42 down / 21 up).
  up_ = std::max<int64_t>(1, static_cast<int64_t>(std::floor(static_cast<double>(s_.radix) / (1 + s_.oversubscription))));
  down_ = std::clamp<int64_t>(static_cast<int64_t>(std::floor(static_cast<double>(up_) * s_.oversubscription + 1e-9)), 1,
                              s_.radix - up_);
  domains_per_leaf_ = down_ / nics_per_rail();
  if (domains_per_leaf_ < 1)
    fail(where, fmt::format("a leaf has {} down ports but each domain puts {} NICs on each of its {} rails; raise "
                            "rails or the switch radix",
                            down_, nics_per_rail(), s_.rails));
  groups_ = ceil_div(s_.domains, domains_per_leaf_);
  const int64_t half = s_.radix / 2;
  if (s_.domains_per_pod > 0 && s_.tiers == 2)
    fail(wpod, "a pod size needs tiers: 3 (pods sit under a core tier)");
  tiers_ = s_.tiers ? s_.tiers : (leaves() <= s_.radix && s_.domains_per_pod == 0 ? 2 : 3);
  if (tiers_ == 2) {
    if (leaves() > s_.radix)
      fail(where, fmt::format("{} leaves do not fit 2 tiers of radix-{} switches (a spine reaches at most {} leaves); "
                              "use tiers: 3",
                              leaves(), s_.radix, s_.radix));
    spines_ = divisor_at_least(up_, ceil_div(leaves() * up_, s_.radix));
  } else {
    if (s_.rails > half)
      fail(where, fmt::format("{} rails do not fit a pod of {} leaves (radix {})", s_.rails, half, s_.radix));
    groups_per_pod_ = half / s_.rails;
    if (s_.domains_per_pod > 0) {
      // A leaf takes one rail of `domains_per_leaf_` domains: a pod is whole
      // leaf groups, except a pod that holds every domain (one pod).
      const bool one_pod = s_.domains_per_pod >= s_.domains;
      if (!one_pod && s_.domains_per_pod % domains_per_leaf_ != 0)
        fail(wpod, fmt::format("a pod of {} domains is not a whole number of leaf groups: a leaf's {} down ports take "
                               "one rail of {} domains",
                               s_.domains_per_pod, down_, domains_per_leaf_));
      const int64_t groups = one_pod ? groups_ : s_.domains_per_pod / domains_per_leaf_;
      if (groups > groups_per_pod_)
        fail(wpod, fmt::format("a pod of {} domains needs {} leaves, more than the {} that its aggregation switches "
                               "reach (radix {} / 2 down ports)",
                               std::min(s_.domains_per_pod, s_.domains), groups * s_.rails, groups_per_pod_ * s_.rails,
                               s_.radix));
      groups_per_pod_ = groups;
    }
    pods_ = ceil_div(groups_, groups_per_pod_);
    if (pods_ > s_.radix)
      fail(where, fmt::format("{} GPUs need {} pods, more than the {} a 3-tier fat tree of radix-{} switches connects",
                              gpus(), pods_, s_.radix, s_.radix));
    aggs_per_pod_ = divisor_at_least(up_, ceil_div(groups_per_pod_ * s_.rails * up_, half));
    cores_ = divisor_at_least(aggs_per_pod_ * half, ceil_div(pods_ * aggs_per_pod_ * half, s_.radix));
  }
}

int64_t Fabric::nics_on_rail(int64_t d, int64_t rail) const {
  // GPU i of a domain is on rail i % rails: the first (gpus % rails) rails take one more.
  const int64_t g = gpus_in_domain(d), r = scale_out() ? s_.rails : 1;
  return g / r + (rail < g % r ? 1 : 0);
}

double Fabric::pod_up_bw(int64_t) const {
  return static_cast<double>(aggs_per_pod_ * (s_.radix / 2)) * s_.nic_bw;
}

FabricAnalysis Fabric::analyze() const {
  FabricAnalysis a;
  a.gpus = gpus();
  a.domains = s_.domains;
  a.nvlink_links = s_.domain_size > 1 ? gpus() : 0;
  const int64_t one_domain_diameter = gpus_in_domain(0) > 1 ? 2 : 0;  // GPU - NVSwitch - GPU
  a.bisection_exact = bisection_is_exact();
  if (!scale_out()) {
    a.connected = s_.domains == 1;
    a.diameter_hops = s_.domains > 1 ? -1 : one_domain_diameter;
    a.bisection_Bps = structural_bisection();
    return a;
  }
  a.nics = gpus();
  a.nic_links = gpus();
  a.leaves = leaves();
  a.tiers = tiers_;
  a.down_ports = down_;
  a.up_ports = up_;
  a.oversubscription = static_cast<double>(down_) / static_cast<double>(up_);
  a.leaf_up_links = leaves() * up_;
  if (tiers_ == 2) {
    a.spines = spines_;
  } else {
    a.pods = pods_;
    a.aggs = pods_ * aggs_per_pod_;
    a.cores = cores_;
    a.agg_up_links = a.aggs * (s_.radix / 2);
  }
  // Diameter: GPU -> leaf -> GPU when everything hangs off one leaf; GPU -> leaf
  // -> spine (or agg) -> leaf -> GPU across leaves (a GPU reaches another rail
  // through its NVSwitch in the same number of hops); 6 across pods.
  if (s_.domains == 1)
    a.diameter_hops = one_domain_diameter;
  else if (leaves() == 1)
    a.diameter_hops = 2;
  else
    a.diameter_hops = (tiers_ == 3 && pods_ > 1) ? 6 : 4;
  a.bisection_Bps = structural_bisection();
  return a;
}

TopoGraph Fabric::graph() const {
  TopoGraph g;
  const int64_t n = gpus();
  auto add_v = [&](VKind k, int64_t i) { return boost::add_vertex(VProp{k, i}, g); };
  for (int64_t i = 0; i < n; ++i) add_v(VKind::gpu, i);
  const auto nvs0 = static_cast<TopoGraph::vertex_descriptor>(n);
  for (int64_t d = 0; d < s_.domains; ++d) add_v(VKind::nvswitch, d);
  if (s_.domain_size > 1)
    for (int64_t i = 0; i < n; ++i)
      boost::add_edge(static_cast<size_t>(i), nvs0 + static_cast<size_t>(i / s_.domain_size), EProp{s_.nvlink_bw, 1}, g);
  if (!scale_out()) return g;
  const size_t leaf0 = boost::num_vertices(g);
  for (int64_t l = 0; l < leaves(); ++l) add_v(VKind::leaf, l);
  for (int64_t i = 0; i < n; ++i) {
    int64_t d = i / s_.domain_size, r = (i % s_.domain_size) % s_.rails;
    boost::add_edge(static_cast<size_t>(i), leaf0 + static_cast<size_t>(leaf_of(d, r)), EProp{s_.nic_bw, 1}, g);
  }
  std::map<std::pair<size_t, size_t>, int64_t> bundles;  // ordered: deterministic edge order
  if (tiers_ == 2) {
    const size_t sp0 = boost::num_vertices(g);
    for (int64_t s = 0; s < spines_; ++s) add_v(VKind::spine, s);
    for (int64_t l = 0; l < leaves(); ++l)
      for (int64_t p = 0; p < up_; ++p) ++bundles[{leaf0 + static_cast<size_t>(l), sp0 + static_cast<size_t>((l * up_ + p) % spines_)}];
  } else {
    const int64_t half = s_.radix / 2, leaves_per_pod = groups_per_pod_ * s_.rails;
    const size_t agg0 = boost::num_vertices(g);
    for (int64_t a = 0; a < pods_ * aggs_per_pod_; ++a) add_v(VKind::agg, a);
    const size_t core0 = boost::num_vertices(g);
    for (int64_t c = 0; c < cores_; ++c) add_v(VKind::core, c);
    for (int64_t l = 0; l < leaves(); ++l) {
      int64_t pod = l / leaves_per_pod, local = l % leaves_per_pod;
      for (int64_t p = 0; p < up_; ++p)
        ++bundles[{leaf0 + static_cast<size_t>(l),
                   agg0 + static_cast<size_t>(pod * aggs_per_pod_ + (local * up_ + p) % aggs_per_pod_)}];
    }
    for (int64_t a = 0; a < pods_ * aggs_per_pod_; ++a)
      for (int64_t q = 0; q < half; ++q)
        ++bundles[{agg0 + static_cast<size_t>(a), core0 + static_cast<size_t>(((a % aggs_per_pod_) * half + q) % cores_)}];
  }
  for (const auto& [uv, links] : bundles)
    boost::add_edge(uv.first, uv.second, EProp{static_cast<double>(links) * s_.nic_bw, links}, g);
  return g;
}

Fabric::Platform Fabric::build(bool with_gpus, bool per_gpu_nics) const {
  using LR = sg4::LinkInRoute;
  Platform pf;
  pf.per_gpu_nics = per_gpu_nics;
  pf.rails = per_gpu_nics ? s_.domain_size : s_.rails;
  sg4::NetZone* root = sg4::create_star_zone("fabric");
  if (with_gpus) {
    pf.gpus.reserve(static_cast<size_t>(gpus()));
    for (int64_t d = 0; d < s_.domains; ++d) {
      sg4::NetZone* rack = sg4::create_star_zone(fmt::format("rack-{}", d));
      rack->set_parent(root);
      for (int64_t i = 0; i < gpus_in_domain(d); ++i) {
        int64_t gi = d * s_.domain_size + i;
        sg4::Host* h = rack->create_host(fmt::format("gpu-{}", gi), 1e15);
        sg4::Link* l = rack->create_split_duplex_link(fmt::format("nvl-{}", gi), s_.nvlink_bw)->set_latency(s_.nvlink_latency);
        rack->add_route(h->get_netpoint(), nullptr, nullptr, nullptr, {LR(l, LR::Direction::UP)}, true);
        pf.gpus.push_back(h);
      }
      auto* gw = rack->create_router(fmt::format("rack-{}-gw", d));
      rack->add_route(gw, nullptr, nullptr, nullptr, {}, true);
      rack->seal();
      root->add_route(rack->get_netpoint(), nullptr, gw, nullptr, {}, true);
    }
  }
  if (!scale_out()) {
    root->seal();
    return pf;
  }
  // Pods (3 tiers) and leaves.
  std::vector<sg4::NetZone*> pod_zone;
  if (tiers_ == 3) {
    for (int64_t p = 0; p < pods_; ++p) {
      sg4::NetZone* z = sg4::create_star_zone(fmt::format("pod-{}", p));
      z->set_parent(root);
      pod_zone.push_back(z);
    }
  }
  std::vector<sg4::NetZone*> leaf_zone;
  std::vector<simgrid::kernel::routing::NetPoint*> leaf_gw;
  for (int64_t l = 0; l < leaves(); ++l) {
    sg4::NetZone* z = sg4::create_star_zone(fmt::format("leaf-{}", l));
    z->set_parent(tiers_ == 3 ? pod_zone[static_cast<size_t>(pod_of_leaf(l))] : root);
    leaf_zone.push_back(z);
    leaf_gw.push_back(z->create_router(fmt::format("leaf-{}-gw", l)));
  }
  pf.nics.resize(static_cast<size_t>(s_.domains * pf.rails));
  for (int64_t d = 0; d < s_.domains; ++d) {
    for (int64_t e = 0; e < pf.rails; ++e) {
      int64_t rail = e % s_.rails;
      // A partial last domain: no NIC for a GPU slot it lacks, fewer on some rails.
      const int64_t nics = per_gpu_nics ? (e < gpus_in_domain(d) ? 1 : 0) : nics_on_rail(d, rail);
      if (nics == 0) continue;
      sg4::NetZone* z = leaf_zone[static_cast<size_t>(leaf_of(d, rail))];
      std::string name = per_gpu_nics ? fmt::format("nic-{}", d * s_.domain_size + e) : fmt::format("nic-d{}-r{}", d, e);
      double bw = s_.nic_bw * static_cast<double>(nics);
      sg4::Host* h = z->create_host(name, 1e15);
      sg4::Link* l = z->create_split_duplex_link(name, bw)->set_latency(s_.link_latency);
      z->add_route(h->get_netpoint(), nullptr, nullptr, nullptr, {LR(l, LR::Direction::UP)}, true);
      pf.nics[static_cast<size_t>(d * pf.rails + e)] = h;
    }
  }
  for (int64_t l = 0; l < leaves(); ++l) {
    sg4::NetZone* z = leaf_zone[static_cast<size_t>(l)];
    z->add_route(leaf_gw[static_cast<size_t>(l)], nullptr, nullptr, nullptr, {}, true);
    z->seal();
    sg4::NetZone* parent = tiers_ == 3 ? pod_zone[static_cast<size_t>(pod_of_leaf(l))] : root;
    sg4::Link* up = parent->create_split_duplex_link(fmt::format("leaf-{}-up", l), leaf_up_bw())->set_latency(s_.link_latency);
    parent->add_route(z->get_netpoint(), nullptr, leaf_gw[static_cast<size_t>(l)], nullptr, {LR(up, LR::Direction::UP)}, true);
  }
  for (int64_t p = 0; p < static_cast<int64_t>(pod_zone.size()); ++p) {
    sg4::NetZone* z = pod_zone[static_cast<size_t>(p)];
    auto* gw = z->create_router(fmt::format("pod-{}-gw", p));
    z->add_route(gw, nullptr, nullptr, nullptr, {}, true);
    z->seal();
    sg4::Link* up = root->create_split_duplex_link(fmt::format("pod-{}-up", p), pod_up_bw(p))->set_latency(s_.link_latency);
    root->add_route(z->get_netpoint(), nullptr, gw, nullptr, {LR(up, LR::Direction::UP)}, true);
  }
  root->seal();
  return pf;
}

// ---- generic algorithms ----

bool graph_connected(const TopoGraph& g) {
  if (boost::num_vertices(g) == 0) return true;
  std::vector<int> comp(boost::num_vertices(g));
  return boost::connected_components(g, comp.data()) == 1;
}

int64_t graph_gpu_diameter(const TopoGraph& g) {
  const size_t nv = boost::num_vertices(g);
  std::vector<size_t> gpus;
  for (size_t v = 0; v < nv; ++v)
    if (g[v].kind == VKind::gpu) gpus.push_back(v);
  int64_t best = 0;
  std::vector<int64_t> dist(nv);
  for (size_t s : gpus) {
    std::fill(dist.begin(), dist.end(), -1);
    dist[s] = 0;
    std::vector<size_t> queue{s};
    for (size_t qi = 0; qi < queue.size(); ++qi) {
      size_t u = queue[qi];
      for (auto [it, end] = boost::adjacent_vertices(u, g); it != end; ++it)
        if (dist[*it] < 0) dist[*it] = dist[u] + 1, queue.push_back(*it);
    }
    for (size_t t : gpus) {
      if (dist[t] < 0) return -1;
      best = std::max(best, dist[t]);
    }
  }
  return best;
}

namespace {

using FlowTraits = boost::adjacency_list_traits<boost::vecS, boost::vecS, boost::directedS>;
using FlowGraph = boost::adjacency_list<
    boost::vecS, boost::vecS, boost::directedS, boost::no_property,
    boost::property<boost::edge_capacity_t, double,
                    boost::property<boost::edge_residual_capacity_t, double,
                                    boost::property<boost::edge_reverse_t, FlowTraits::edge_descriptor>>>>;

struct Flow {
  FlowGraph g;
  explicit Flow(size_t n) : g(n) {}
  void arc(size_t u, size_t v, double c) {
    auto cap = boost::get(boost::edge_capacity, g);
    auto rev = boost::get(boost::edge_reverse, g);
    auto e1 = boost::add_edge(u, v, g).first;
    auto e2 = boost::add_edge(v, u, g).first;
    cap[e1] = c, cap[e2] = 0, rev[e1] = e2, rev[e2] = e1;
  }
  double run(size_t s, size_t t) { return boost::push_relabel_max_flow(g, s, t); }
};

// Flow network of an undirected topology: each edge carries `cap(e)` per direction.
template <class Cap>
Flow flow_of(const TopoGraph& tg, Cap cap) {
  Flow f(boost::num_vertices(tg) + 2);
  for (auto [it, end] = boost::edges(tg); it != end; ++it) {
    size_t u = boost::source(*it, tg), v = boost::target(*it, tg);
    double c = cap(tg[*it]);
    f.arc(u, v, c);
    f.arc(v, u, c);
  }
  return f;
}

}  // namespace

int64_t graph_disjoint_paths(const TopoGraph& g, int64_t domain_a, int64_t domain_b) {
  size_t a = 0, b = 0;
  bool fa = false, fb = false;
  for (size_t v = 0; v < boost::num_vertices(g); ++v) {
    if (g[v].kind != VKind::nvswitch) continue;
    if (g[v].index == domain_a) a = v, fa = true;
    if (g[v].index == domain_b) b = v, fb = true;
  }
  if (!fa || !fb || a == b) return 0;
  Flow f = flow_of(g, [](const EProp& e) { return static_cast<double>(e.links); });
  return std::llround(f.run(a, b));
}

double graph_bisection(const TopoGraph& g, int64_t domains) {
  if (domains < 2) return 0;
  const size_t nv = boost::num_vertices(g);
  // A GPU's domain is its NVSwitch's (domains of one GPU have no NVLink edge: GPU i is domain i).
  std::vector<std::vector<size_t>> gpus_of(static_cast<size_t>(domains));
  for (size_t v = 0; v < nv; ++v) {
    if (g[v].kind != VKind::gpu) continue;
    int64_t d = g[v].index;
    for (auto [it, end] = boost::adjacent_vertices(v, g); it != end; ++it)
      if (g[*it].kind == VKind::nvswitch) d = g[*it].index;
    gpus_of[static_cast<size_t>(d)].push_back(v);
  }
  const double inf = 1e18;
  double best = inf;
  // Side A holds domains/2 domains (combinations in lexicographic order). With an
  // even count, domain 0 on side A loses nothing (swap the sides); with an odd
  // count the sides differ in size, so every choice is tried.
  const bool even = domains % 2 == 0;
  const int64_t first = even ? 1 : 0, k = domains / 2 - (even ? 1 : 0);
  std::vector<int64_t> pick(static_cast<size_t>(k));
  for (int64_t i = 0; i < k; ++i) pick[static_cast<size_t>(i)] = first + i;
  for (;;) {
    std::vector<char> side_a(static_cast<size_t>(domains), 0);
    if (even) side_a[0] = 1;
    for (int64_t p : pick) side_a[static_cast<size_t>(p)] = 1;
    Flow f = flow_of(g, [](const EProp& e) { return e.bw / 1e9; });
    const size_t s = nv, t = nv + 1;
    for (int64_t d = 0; d < domains; ++d)
      for (size_t v : gpus_of[static_cast<size_t>(d)]) side_a[static_cast<size_t>(d)] ? f.arc(s, v, inf) : f.arc(v, t, inf);
    best = std::min(best, f.run(s, t) * 1e9);
    // next combination
    int64_t i = k - 1;
    while (i >= 0 && pick[static_cast<size_t>(i)] == domains - k + i) --i;
    if (i < 0) break;
    ++pick[static_cast<size_t>(i)];
    for (int64_t j = i + 1; j < k; ++j) pick[static_cast<size_t>(j)] = pick[static_cast<size_t>(j - 1)] + 1;
  }
  return best;
}

std::string graph_dot(const TopoGraph& g) {
  std::ostringstream o;
  o << "graph topology {\n  node [fontsize=10];\n";
  static const char* shapes[] = {"circle", "box", "box", "box", "box", "box"};
  static const char* colors[] = {"palegreen", "gold", "lightblue", "lightsalmon", "plum", "lightgrey"};
  for (size_t v = 0; v < boost::num_vertices(g); ++v) {
    const VProp& p = g[v];
    o << fmt::format("  \"{}\" [shape={}, style=filled, fillcolor={}];\n", vertex_name(p), shapes[static_cast<int>(p.kind)],
                     colors[static_cast<int>(p.kind)]);
  }
  for (auto [it, end] = boost::edges(g); it != end; ++it) {
    const EProp& e = g[*it];
    o << fmt::format("  \"{}\" -- \"{}\" [label=\"{}x {:g} GB/s\"];\n", vertex_name(g[boost::source(*it, g)]),
                     vertex_name(g[boost::target(*it, g)]), e.links, e.bw / 1e9 / static_cast<double>(e.links));
  }
  o << "}\n";
  return o.str();
}

}  // namespace rs
