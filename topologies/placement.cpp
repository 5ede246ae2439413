#include "topologies/placement.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "sim/error.hpp"

namespace rs {
namespace {

std::string fabric_words(const Fabric& f) {
  const std::string name = f.spec().name == "efa" ? "EFA" : f.spec().name == "ib" ? "InfiniBand" : f.spec().name;
  return fmt::format("{} NICs ({:g} Gbit/s per GPU per direction)", name, f.spec().nic_bw * 8 / 1e9);
}

// Highest switch tier between two domains of the rail-optimized tree (PXN: a
// GPU first moves data over NVLink to the GPU on the right rail, so only the
// domains' leaf groups and pods matter). 1 leaf, 2 spine/aggregation, 3 core.
int tier_between(const Fabric& f, int64_t d1, int64_t d2) {
  int64_t g1 = d1 / f.domains_per_leaf(), g2 = d2 / f.domains_per_leaf();
  if (g1 == g2) return 1;
  if (f.tiers() == 3 && d1 / f.domains_per_pod() != d2 / f.domains_per_pod()) return 3;
  return 2;
}

std::string tier_name(const Fabric& f, int tier) {
  if (tier == 1) return "the rail leaf switches";
  if (tier == 2) return f.tiers() == 3 ? "the pods' aggregation switches" : "the spine switches";
  return "the core switches (across pods)";
}

void check_tp(const Fabric& f, const ParallelDegrees& p, const ParallelWhere& w) {
  const int64_t domain = f.spec().domain_size;
  if (p.tp > domain) fail(w.tp, fmt::format("tp={} is larger than the NVLink domain ({} GPUs)", p.tp, domain));
  if (domain % p.tp != 0)
    fail(w.tp, fmt::format("tp={} does not divide the NVLink domain of {} GPUs: some TP group would span two domains",
                           p.tp, domain));
  if (p.tp > f.gpus_in_domain(0))
    fail(w.tp, fmt::format("tp={} is larger than the NVLink domain: hardware.gpus={} makes one domain of {} GPUs", p.tp,
                           f.gpus(), f.gpus_in_domain(0)));
}

void report_ep(const Fabric& f, const ParallelDegrees& p, PlacementReport& r) {
  const int64_t n = f.spec().domain_size, gpus = r.instances * r.instance_gpus;  // the GPUs in use
  r.ep_groups = gpus / p.ep;
  int tier = 0;
  double sum = 0;
  for (int64_t start = 0; start < gpus; start += p.ep) {
    std::map<int64_t, int64_t> per_domain;  // GPUs of the group in each domain
    for (int64_t d = start / n; d * n < start + p.ep; ++d)
      per_domain[d] = std::min(start + p.ep, (d + 1) * n) - std::max(start, d * n);
    if (per_domain.size() < 2) continue;
    // Uniform all-to-all: every rank sends the same bytes to each of the ep - 1 others.
    double same = 0;
    for (auto [d, k] : per_domain) same += static_cast<double>(k) * static_cast<double>(k - 1);
    const double pairs = static_cast<double>(p.ep) * static_cast<double>(p.ep - 1);
    const double cross = 1 - same / pairs;
    ++r.ep_groups_spanning;
    sum += cross;
    r.ep_cross_max = std::max(r.ep_cross_max, cross);
    tier = std::max(tier, tier_between(f, per_domain.begin()->first, per_domain.rbegin()->first));
  }
  r.ep_cross_mean = sum / static_cast<double>(r.ep_groups);
  if (tier > 0) r.ep_tier = tier_name(f, tier);
  if (r.ep_groups_spanning == 0) {
    r.lines.push_back(fmt::format("EP: {} group(s) of ep={} ({} TP group(s) each), each inside one NVLink domain: "
                                  "all-to-all on NVLink",
                                  r.ep_groups, p.ep, p.ep / p.tp));
    return;
  }
  r.lines.push_back(fmt::format("EP: {} group(s) of ep={} ({} TP group(s) each); {} of them span NVLink domains",
                                r.ep_groups, p.ep, p.ep / p.tp, r.ep_groups_spanning));
  r.warnings.push_back(fmt::format(
      "EP all-to-all crosses NVLink domains: {:.1f}% of its bytes on average over all groups ({:.1f}% in the worst "
      "group) go over {} through {} instead of NVLink",
      100 * r.ep_cross_mean, 100 * r.ep_cross_max, fabric_words(f), r.ep_tier));
}

void report_pp(const Fabric& f, const ParallelDegrees& p, PlacementReport& r) {
  const int64_t n = f.spec().domain_size, g = r.stage_gpus;
  for (int64_t i = 0; i < r.instances; ++i)
    for (int64_t s = 0; s + 1 < p.pp; ++s) {
      // Rank j of stage s sends its activations to rank j of stage s + 1.
      const int64_t first = i * r.instance_gpus + s * g;
      int64_t same = 0;
      for (int64_t x = first; x < first + g; ++x) same += x / n == (x + g) / n;
      ++r.pp_boundaries;
      (same == g ? r.pp_nvlink : same == 0 ? r.pp_nic : r.pp_mixed) += 1;
    }
  std::string how = fmt::format("{} over NVLink", r.pp_nvlink);
  if (r.pp_nic + r.pp_mixed > 0)
    how += fmt::format(", {} over the scale-out NICs, {} partly (some rank pairs in different domains), on {}",
                       r.pp_nic, r.pp_mixed, f.scale_out() ? fabric_words(f) : "none (not connected)");
  r.lines.push_back(fmt::format("PP: {} stages of {} GPUs per instance; {} stage boundaries: {}", p.pp, g,
                                r.pp_boundaries, how));
}

}  // namespace

PlacementReport check_placement(const Fabric& f, const ParallelDegrees& p, const ParallelWhere& w) {
  PlacementReport r;
  check_tp(f, p, w);
  if (p.ep > 1 && p.ep % p.tp != 0)
    fail(w.ep, fmt::format("ep={} is not a multiple of tp={}: EP reuses the TP x DP ranks (as vLLM), so ep = tp x "
                           "data-parallel attention ranks",
                           p.ep, p.tp));
  r.stage_gpus = std::max(p.tp, p.ep);
  r.instance_gpus = p.pp * r.stage_gpus;
  // Instances are consecutive; with tp alone each TP group sits in one domain (tp divides the
  // domain), so a partial last domain takes floor(its GPUs / tp) of them.
  r.instances = p.ep == 1 && p.pp == 1 ? replicas_on(f.layout(), p.tp).replicas : f.gpus() / r.instance_gpus;
  if (r.instances < 1)
    fail(p.pp > 1 ? w.pp : w.ep,
         fmt::format("a model instance of pp={} x {}={} = {} GPUs needs more than the {} GPUs", p.pp,
                     p.ep > 1 ? "ep" : "tp", r.stage_gpus, r.instance_gpus, f.gpus()));
  r.idle_gpus = f.gpus() - r.instances * r.instance_gpus;
  r.tp_groups = r.instances * r.instance_gpus / p.tp;
  r.lines.push_back(fmt::format("instances: {} of {} GPUs (pp={} stage(s) of {} GPUs)", r.instances, r.instance_gpus,
                                p.pp, r.stage_gpus));
  r.lines.push_back(fmt::format("TP: {} group(s) of tp={}, each inside one NVLink domain of {} GPUs (all-reduce on "
                                "NVLink)",
                                r.tp_groups, p.tp, f.spec().domain_size));
  if (p.ep > 1) report_ep(f, p, r);
  if (p.pp > 1) report_pp(f, p, r);
  if (r.idle_gpus > 0)
    r.warnings.push_back(fmt::format("{} of the {} GPUs stay idle: they do not make a whole model instance of {} GPUs "
                                     "(they still count in power and cost)",
                                     r.idle_gpus, f.gpus(), r.instance_gpus));
  return r;
}

}  // namespace rs
