// The power governor keeps only the replicas that ran a step: its shares are
// checked against dividing the budgets replica by replica (a second,
// straightforward implementation of the rule stated in governor.hpp).
#include <doctest/doctest.h>

#include <algorithm>
#include <set>

#include "models/power/governor.hpp"
#include "tests/power_fixture.hpp"

using namespace rs;

namespace {
struct Fixture : test::H100PowerModel {

  // 100 GPUs in racks of 32 (the last one holds 4), tp=2: 50 replicas, 16 per rack.
  PowerPlan plan() const {
    PowerPlan p;
    p.gpus = 100;
    p.tp = 2;
    p.replicas = 50;
    p.domain = 4;
    p.domains = 25;
    p.gpus_per_rack = 32;
    p.racks = 4;
    p.gpu = gp;
    p.idle_w = gpu.idle_power.value;
    p.full_w = p.tdp_w = p.gpu_cap_w = gpu.tdp.value;
    p.host_w = 1000;
    p.pue = 1.25;
    p.network_per_gpu_w = 20;
    p.rack_budget_w = 32 * p.idle_w + 8 * p.host_w + 3000;
    p.site_budget_w = ((100 * p.idle_w + 25 * p.host_w + 9000) * p.pue) + 100 * 20;
    return p;
  }
};

// Replica by replica: per GPU share = idle + headroom x (w / sum of w) / tp, rack by rack then site-wide.
std::vector<double> dense_shares(const PowerPlan& p, const std::vector<double>& w) {
  const std::size_t n = w.size();
  const double tp = static_cast<double>(p.tp);
  std::vector<double> share(n, p.gpu_cap_w);
  auto split = [&](double budget, std::size_t first, std::size_t last) {
    double wsum = 0;
    for (std::size_t r = first; r < last; ++r) wsum += w[r];
    double headroom = budget - static_cast<double>(last - first) * tp * p.idle_w;
    for (std::size_t r = first; r < last; ++r) share[r] = std::min(share[r], p.idle_w + headroom * (w[r] / wsum) / tp);
  };
  const std::size_t per_rack = static_cast<std::size_t>(p.gpus_per_rack / p.tp);
  for (int64_t k = 0; k < p.racks; ++k) {
    std::size_t first = static_cast<std::size_t>(k) * per_rack;
    split(p.rack_budget_w - p.host_w_in_rack(k), first, std::min(n, first + per_rack));
  }
  split((p.site_budget_w - p.network_total_w()) / p.pue - p.host_total_w(), 0, n);
  return share;
}
}  // namespace

TEST_CASE("governor shares equal dividing the rack and site budgets replica by replica") {
  Fixture f;
  const PowerPlan p = f.plan();
  PowerGovernor g(f.pm, p);
  const double idle_weight = std::max(p.idle_share, 1e-3);
  const TimeNs second = 1'000'000'000;
  // Busy replicas per interval; interval 4 is skipped (nobody runs): interval 5 weighs everyone as idle.
  const std::vector<std::vector<int32_t>> busy = {{0, 3, 17}, {49, 48}, {}, {5, 6, 7, 20, 33, 34, 40}, {}, {1}};
  std::vector<double> w(50, 1.0);  // first interval: all weights 1
  for (std::size_t k = 0; k < busy.size(); ++k) {
    CAPTURE(k);
    if (k > 0) {
      // Interval k's weights come from interval k - 1.
      std::fill(w.begin(), w.end(), idle_weight);
      for (int32_t r : busy[k - 1]) w[static_cast<std::size_t>(r)] = 1.0;
      if (k == 5) std::fill(w.begin(), w.end(), idle_weight);  // interval 4 had no step
    }
    if (busy[k].empty()) continue;  // nobody asks: the governor sees nothing this interval
    const TimeNs t = static_cast<TimeNs>(k) * second + 1000;
    for (int32_t r : busy[k]) g.decode(r, 1, 100, t);
    const std::vector<double> want = dense_shares(p, w);
    for (int32_t r = 0; r < 50; ++r) {
      CAPTURE(r);
      CHECK(g.share_w(r) == want[static_cast<std::size_t>(r)]);  // same arithmetic: bit for bit
    }
  }
  // The budgets bind: with only the rack budget, or only the site budget, shares differ from both.
  PowerPlan rack_only = p, site_only = p;
  rack_only.site_budget_w = 0;
  site_only.rack_budget_w = 0;
  PowerGovernor both(f.pm, p), a(f.pm, rack_only), b(f.pm, site_only);
  CHECK(both.share_w(0) < p.gpu_cap_w);
  CHECK(a.share_w(48) != b.share_w(48));  // the last rack (4 GPUs) gets more per GPU than the site share
}
