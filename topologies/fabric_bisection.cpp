// Exact bisection of the rail-optimized fat tree, partial leaf groups and pods
// included, at any size.
//
// Balanced: floor(domains / 2) whole domains on one side, by count (a partial
// last domain counts as one).
//
// Why a tree is enough: a balanced cut puts every GPU of a domain on one side,
// so a domain is one terminal. Every domain has the same cables to each of its
// group's rail leaves; every leaf the same cables to each spine (2 tiers) or to
// each aggregation switch of its pod, and every pod the same cables to each core
// (the spine, aggregation and core counts divide the port counts, see the
// constructor). So any flow on the reduced tree
//     domain -(all its NICs)- leaf group -(its leaves' uplinks)- pod -(its aggregation uplinks)- root
// spreads evenly over the parallel switches within capacity, and any cut of the
// tree is a cut of the fat tree with parallel switches kept together: both have
// the same max flow, hence the same min cut. A partial last domain keeps this
// when its GPUs fill its rails evenly (a multiple of rails); otherwise some
// rail leaves carry more than others and the tree, which pools them, gives an
// upper bound (any flow of the fat tree is a flow of the tree). (tests/topology_test.cpp checks
// this against max-flow on the full graph for irregular trees.)
//
// On the tree, the min cut for a given number k of domains on side A is a
// dynamic program over subtrees: cost[k] for each side of the subtree's top
// switch; children merge by min-plus convolution. Bisection = the root's best
// cost at k = floor(domains / 2) (the other side holds the rest).
#include <algorithm>
#include <limits>
#include <vector>

#include "topologies/fabric.hpp"

namespace rs {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// Min cut inside a subtree with k of its domains on side A (index k), for the
// subtree's top switch on side A (`a`) or B (`b`).
struct CutTable {
  std::vector<double> a, b;
};

// A leaf group of `m` domains, each tied to the group by capacity `nics`, except
// the last one's `last` (a partial domain has fewer NICs; else last = nics).
// The cheapest k domains on side A: with the top switch on A the B domains are
// cut, so the small one stays on B; with the top on B it goes to A first.
CutTable group_table(int64_t m, double nics, double last) {
  CutTable t;
  for (int64_t k = 0; k <= m; ++k) {
    t.a.push_back(k == m ? 0 : static_cast<double>(m - k - 1) * nics + last);  // the B domains' NICs are cut
    t.b.push_back(k == 0 ? 0 : static_cast<double>(k - 1) * nics + last);
  }
  return t;
}

// min-plus convolution, keeping indices <= cap (more domains on A than the bisection needs are useless).
std::vector<double> min_plus(const std::vector<double>& x, const std::vector<double>& y, size_t cap) {
  std::vector<double> out(std::min(x.size() + y.size() - 1, cap + 1), kInf);
  for (size_t i = 0; i < x.size(); ++i)
    for (size_t j = 0; j < y.size() && i + j < out.size(); ++j) out[i + j] = std::min(out[i + j], x[i] + y[j]);
  return out;
}

// The parent of children `kids` (child table, how many of it), each tied to it by capacity `up`.
CutTable parent_table(const std::vector<std::pair<CutTable, int64_t>>& kids, double up, size_t cap) {
  CutTable t{{0.0}, {0.0}};
  for (const auto& [c, count] : kids) {
    // Seen from a parent on side A, a child costs its own cut, plus the link when its top is on B.
    std::vector<double> via_a(c.a.size()), via_b(c.a.size());
    for (size_t k = 0; k < c.a.size(); ++k) {
      via_a[k] = std::min(c.a[k], c.b[k] + up);
      via_b[k] = std::min(c.b[k], c.a[k] + up);
    }
    for (int64_t n = 0; n < count; ++n) t.a = min_plus(t.a, via_a, cap), t.b = min_plus(t.b, via_b, cap);
  }
  return t;
}

// Children of `total` domains in units of `per` (the last one partial): (table of a
// full unit, count), (partial, 1). make(m, holds_last): a unit of m domains, and
// whether it holds the last domain (which may be a partial domain).
template <class Make>
std::vector<std::pair<CutTable, int64_t>> units(int64_t total, int64_t per, bool holds_last, Make make) {
  std::vector<std::pair<CutTable, int64_t>> out;
  const int64_t full = total / per, rest = total % per;
  const int64_t plain = full - (holds_last && rest == 0 ? 1 : 0);  // full units that do not hold the last domain
  if (plain > 0) out.emplace_back(make(per, false), plain);
  if (plain < full) out.emplace_back(make(per, true), 1);
  if (rest > 0) out.emplace_back(make(rest, holds_last), 1);
  return out;
}

}  // namespace

double Fabric::structural_bisection() const {
  // One domain: a star of GPUs on one NVSwitch; the smaller half's links are cut.
  if (s_.domains == 1) return static_cast<double>(gpus() / 2) * s_.nvlink_bw;
  if (!scale_out()) return 0;  // domains not connected
  const double domain_nics = static_cast<double>(s_.domain_size) * s_.nic_bw;
  const double last_nics = static_cast<double>(gpus_in_domain(s_.domains - 1)) * s_.nic_bw;
  const double group_up = static_cast<double>(s_.rails) * leaf_up_bw();
  const size_t half = static_cast<size_t>(s_.domains / 2);
  auto group = [&](int64_t m, bool holds_last) { return group_table(m, domain_nics, holds_last ? last_nics : domain_nics); };
  CutTable root;
  if (tiers_ == 2) {
    root = parent_table(units(s_.domains, domains_per_leaf_, true, group), group_up, half);
  } else {
    auto pod = [&](int64_t m, bool holds_last) {
      return parent_table(units(m, domains_per_leaf_, holds_last, group), group_up, half);
    };
    root = parent_table(units(s_.domains, domains_per_pod(), true, pod), pod_up_bw(0), half);
  }
  return std::min(root.a[half], root.b[half]);
}

bool Fabric::bisection_is_exact() const {
  // The tree argument needs each domain to spread its NICs evenly over its rails.
  return !scale_out() || s_.domains == 1 || gpus_in_domain(s_.domains - 1) % s_.rails == 0;
}

}  // namespace rs
