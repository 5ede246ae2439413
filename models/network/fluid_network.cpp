#include "models/network/fluid_network.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace rs {

int FluidNetwork::add_link(double bandwidth_Bps) {
  if (!(bandwidth_Bps > 0)) throw std::invalid_argument("fluid network: link bandwidth must be > 0");
  cap_.push_back(bandwidth_Bps);
  on_link_.emplace_back();
  rem_.push_back(0);
  unfrozen_.push_back(0);
  unfrozen_w_.push_back(0);
  link_seen_.push_back(0);
  return static_cast<int>(cap_.size()) - 1;
}

FluidNetwork::FlowId FluidNetwork::start(double now, const std::vector<int>& route, double latency_s, double bytes,
                                         double bound_Bps, double weight) {
  if (now < now_) throw std::invalid_argument("fluid network: flow started in the past");
  if (route.empty() && bound_Bps <= 0) throw std::invalid_argument("fluid network: a flow needs links or a bound");
  if (route.size() > static_cast<size_t>(max_route))
    throw std::invalid_argument("fluid network: route longer than " + std::to_string(max_route) + " links");
  if (!(weight > 0)) throw std::invalid_argument("fluid network: flow weight must be > 0");
  for (int l : route)
    if (l < 0 || l >= links()) throw std::invalid_argument("fluid network: unknown link " + std::to_string(l));
  if (!pending_.empty() && pending_.top().t < now)
    throw std::invalid_argument("fluid network: flow started after an unprocessed activation (advance first)");
  // Rates of flows activated since the last solve must hold from now_ on, before time moves.
  if (now > now_ && !dirty_links_.empty()) solve();
  now_ = now;
  Flow f;
  f.len = static_cast<int>(route.size());
  std::copy(route.begin(), route.end(), f.link.begin());
  f.size = f.ref_left = std::max(bytes, 0.0);
  f.ref_t = now;
  f.bound = bound_Bps;
  f.weight = weight;
  FlowId id;
  if (!free_ids_.empty()) {
    id = free_ids_.back();
    free_ids_.pop_back();
    flows_[static_cast<size_t>(id)] = f;
  } else {
    id = static_cast<FlowId>(flows_.size());
    flows_.push_back(f);
    frozen_.push_back(0);
    visit_.push_back(0);
    active_pos_.push_back(0);
  }
  if (latency_s > 0 || bytes <= 0) pending_.push({now + std::max(latency_s, 0.0), id});
  else activate(id);
  return id;
}

void FluidNetwork::set_rate(Flow& f, FlowId id, double rate) {
  f.ref_left -= f.rate * (now_ - f.ref_t);
  f.ref_t = now_;
  f.rate = rate;
  active_end_[active_pos_[static_cast<size_t>(id)]] = rate > 0 ? now_ + std::max(f.ref_left, 0.0) / rate : never;
}

void FluidNetwork::activate(FlowId id) {
  Flow& f = flows_[static_cast<size_t>(id)];
  f.active = true;
  active_pos_[static_cast<size_t>(id)] = active_.size();
  active_.push_back(id);
  active_end_.push_back(never);
  for (int i = 0; i < f.len; ++i) {
    auto& list = on_link_[static_cast<size_t>(f.link[i])];
    f.slot[i] = static_cast<int>(list.size());
    list.push_back(id);
    dirty_links_.push_back(f.link[i]);
  }
  if (f.len == 0) set_rate(f, id, f.bound);  // shares nothing: runs at its bound
}

void FluidNetwork::retire(FlowId id) {
  Flow& f = flows_[static_cast<size_t>(id)];
  // Swap-remove from each link's list, fixing the moved flow's slot.
  for (int i = 0; i < f.len; ++i) {
    auto& list = on_link_[static_cast<size_t>(f.link[i])];
    const auto at = static_cast<size_t>(f.slot[i]);
    const FlowId moved = list.back();
    list[at] = moved;
    list.pop_back();
    if (moved != id) {
      Flow& m = flows_[static_cast<size_t>(moved)];
      for (int j = 0; j < m.len; ++j)
        if (m.link[j] == f.link[i]) m.slot[j] = static_cast<int>(at);
    }
    dirty_links_.push_back(f.link[i]);
  }
  const size_t pos = active_pos_[static_cast<size_t>(id)];
  active_[pos] = active_.back();
  active_end_[pos] = active_end_.back();
  active_pos_[static_cast<size_t>(active_[pos])] = pos;
  active_.pop_back();
  active_end_.pop_back();
  f.active = false;
  f.rate = 0;
}

// Max-min rates decompose by connected component (flows linked by shared
// links), so only the components touched since the last solve are re-solved:
// collect them from the links of flows that started or ended.
void FluidNetwork::collect_touched() {
  used_.clear();
  comp_.clear();
  bounded_.clear();
  // Also sets up the solver's per-link state (one pass instead of two).
  auto see = [&](int l) {
    const auto i = static_cast<size_t>(l);
    if (link_seen_[i]) return;
    link_seen_[i] = 1;
    used_.push_back(l);
    rem_[i] = cap_[i];
    unfrozen_[i] = 0;
    unfrozen_w_[i] = 0;
  };
  for (int l : dirty_links_) see(l);
  dirty_links_.clear();
  for (size_t i = 0; i < used_.size(); ++i)
    for (FlowId id : on_link_[static_cast<size_t>(used_[i])]) {
      if (visit_[static_cast<size_t>(id)] == solves_) continue;
      visit_[static_cast<size_t>(id)] = solves_;
      comp_.push_back(id);
      frozen_[static_cast<size_t>(id)] = 0;
      const Flow& f = flows_[static_cast<size_t>(id)];
      if (f.bound > 0) bounded_.push_back(id);
      for (int k = 0; k < f.len; ++k) {
        see(f.link[k]);
        ++unfrozen_[static_cast<size_t>(f.link[k])];
        unfrozen_w_[static_cast<size_t>(f.link[k])] += f.weight;
      }
    }
  for (int l : used_) link_seen_[static_cast<size_t>(l)] = 0;
}

// Weighted water-filling (progressive filling): raise every unfrozen flow's
// rate in proportion to its weight; the link with the smallest remaining
// capacity per unit of unfrozen weight saturates first and freezes its flows
// at that level; a bounded flow freezes when the level reaches its bound.
// Repeat until every flow of the touched components is frozen.
void FluidNetwork::solve() {
  ++solves_;
  collect_touched();
  if (comp_.empty()) return;
  std::sort(used_.begin(), used_.end());  // deterministic tie-breaks
  auto level = [&](FlowId id) {  // the level at which a bounded flow reaches its bound
    const Flow& f = flows_[static_cast<size_t>(id)];
    return f.bound / f.weight;
  };
  std::sort(bounded_.begin(), bounded_.end(),
            [&](FlowId a, FlowId b) { return level(a) != level(b) ? level(a) < level(b) : a < b; });
  size_t next_bounded = 0;
  auto freeze = [&](FlowId id, double share) {
    Flow& f = flows_[static_cast<size_t>(id)];
    frozen_[static_cast<size_t>(id)] = 1;
    const double r = f.bound > 0 ? std::min(share * f.weight, f.bound) : share * f.weight;
    if (r != f.rate) set_rate(f, id, r);
    for (int k = 0; k < f.len; ++k) {
      const auto l = static_cast<size_t>(f.link[k]);
      rem_[l] -= r;
      --unfrozen_[l];
      unfrozen_w_[l] -= f.weight;
    }
  };
  size_t live = used_.size();
  for (;;) {
    size_t w = 0;  // compacts away links without unfrozen flows, keeping order
    int best = -1;
    double share = never;
    for (size_t i = 0; i < live; ++i) {
      const int l = used_[i];
      if (unfrozen_[static_cast<size_t>(l)] == 0) continue;
      used_[w++] = l;
      const double s = std::max(rem_[static_cast<size_t>(l)], 0.0) / unfrozen_w_[static_cast<size_t>(l)];
      if (s < share) share = s, best = l;
    }
    live = w;
    while (next_bounded < bounded_.size() && frozen_[static_cast<size_t>(bounded_[next_bounded])]) ++next_bounded;
    if (next_bounded < bounded_.size() && level(bounded_[next_bounded]) <= share) {
      freeze(bounded_[next_bounded], level(bounded_[next_bounded]));
      continue;
    }
    if (best < 0) break;
    for (FlowId id : on_link_[static_cast<size_t>(best)])
      if (!frozen_[static_cast<size_t>(id)]) freeze(id, share);
  }
}

double FluidNetwork::next_event() {
  if (!dirty_links_.empty()) solve();
  double t = pending_.empty() ? never : pending_.top().t;
  for (double e : active_end_) t = std::min(t, e);
  return t;
}

std::vector<FluidNetwork::FlowId> FluidNetwork::advance(double t) {
  if (t < now_) throw std::invalid_argument("fluid network: time goes backwards");
  if (!dirty_links_.empty()) solve();
  now_ = t;
  std::vector<FlowId> finished;
  for (size_t i = 0; i < active_.size(); ++i)
    if (active_end_[i] <= t) finished.push_back(active_[i]);
  while (!pending_.empty() && pending_.top().t <= t) {
    const FlowId id = pending_.top().f;
    pending_.pop();
    if (flows_[static_cast<size_t>(id)].size <= 0) finished.push_back(id);  // nothing to send: done after latency
    else activate(id);
  }
  std::sort(finished.begin(), finished.end());
  for (FlowId id : finished) {
    if (flows_[static_cast<size_t>(id)].active) retire(id);
    free_ids_.push_back(id);
  }
  if (!dirty_links_.empty()) solve();
  return finished;
}

}  // namespace rs
