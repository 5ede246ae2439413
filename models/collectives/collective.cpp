#include "models/collectives/collective.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <simgrid/s4u.hpp>

#include "models/collectives/nvlink_fit.hpp"
#include "models/collectives/tree.hpp"
#include "models/network/fluid_service.hpp"
#include "sim/engine.hpp"
#include "sim/error.hpp"
#include "sim/suggest.hpp"

namespace sg4 = simgrid::s4u;

namespace rs {

std::vector<std::string> coll_op_names() { return {"all_reduce", "all_gather", "reduce_scatter", "all_to_all", "send_recv"}; }

CollOp parse_coll_op(const std::string& s, const std::string& where) {
  auto names = coll_op_names();
  for (size_t i = 0; i < names.size(); ++i)
    if (names[i] == s) return static_cast<CollOp>(i);
  fail(where, "unknown collective '" + s + "' (known: " + join(names) + ")" + did_you_mean(s, names));
}

const char* to_string(CollOp op) {
  static const char* n[] = {"all_reduce", "all_gather", "reduce_scatter", "all_to_all", "send_recv"};
  return n[static_cast<int>(op)];
}

CollAlgo parse_coll_algo(const std::string& s, const std::string& where) {
  const std::vector<std::string> names = {"auto", "ring", "tree", "nvls", "direct"};
  for (size_t i = 0; i < names.size(); ++i)
    if (names[i] == s) return static_cast<CollAlgo>(i);
  fail(where, "unknown algorithm '" + s + "' (known: " + join(names) + ")" + did_you_mean(s, names));
}

const char* to_string(CollAlgo a) {
  static const char* n[] = {"auto", "ring", "tree", "nvls", "direct"};
  return n[static_cast<int>(a)];
}

double bus_factor(CollOp op, int64_t n) {
  const double dn = static_cast<double>(n);
  switch (op) {
    case CollOp::all_reduce: return 2 * (dn - 1) / dn;
    case CollOp::send_recv: return 1;
    default: return (dn - 1) / dn;
  }
}

std::vector<double> parse_sizes(const std::string& text, const std::string& where) {
  // Every size is a whole byte count, exact as a double up to 2^53; the sweep
  // must grow at every step and stay short, or it would never end.
  constexpr double kMaxBytes = 9007199254740992.0;  // 2^53
  constexpr std::size_t kMaxSizes = 10000;
  auto one = [&](const std::string& t) -> double {
    if (t.empty()) fail(where, "empty size in '" + text + "' (expected MIN[:MAX[:FACTOR]], e.g. 1M:8G)");
    size_t pos = 0;
    double v = 0;
    try {
      v = std::stod(t, &pos);
    } catch (...) {
      fail(where, "bad size '" + t + "' (expected a number with an optional K, M or G suffix, e.g. 64K, 8G)");
    }
    std::string suf = t.substr(pos);
    double mul = suf.empty() || suf == "B" ? 1 : suf == "K" ? 1024.0 : suf == "M" ? 1048576.0 : suf == "G" ? 1073741824.0 : -1;
    if (mul < 0 || !std::isfinite(v) || v <= 0)
      fail(where, "bad size '" + t + "' (a positive number of bytes with K, M or G = 2^10, 2^20, 2^30)");
    const double bytes = std::floor(v * mul);
    if (bytes < 1) fail(where, "size '" + t + "' is below 1 byte");
    if (bytes > kMaxBytes) fail(where, "size '" + t + "' is above 2^53 bytes (8 PiB)");
    return bytes;
  };
  std::vector<std::string> parts;
  size_t start = 0;
  for (;;) {
    size_t c = text.find(':', start);
    parts.push_back(text.substr(start, c == std::string::npos ? std::string::npos : c - start));
    if (c == std::string::npos) break;
    start = c + 1;
  }
  if (parts.size() > 3) fail(where, "expected MIN[:MAX[:FACTOR]], got '" + text + "'");
  double lo = one(parts[0]), hi = parts.size() > 1 ? one(parts[1]) : lo;
  double factor = 2;
  if (parts.size() > 2) {
    size_t pos = 0;
    try {
      factor = std::stod(parts[2], &pos);
    } catch (...) {
      factor = 0;
    }
    if (pos != parts[2].size() || !std::isfinite(factor) || !(factor > 1))
      fail(where, "size factor must be a number > 1, got '" + parts[2] + "'");
  }
  if (hi < lo) fail(where, fmt::format("MAX {} is smaller than MIN {}", hi, lo));
  std::vector<double> out;
  for (double s = lo;;) {
    if (out.size() == kMaxSizes)
      fail(where, fmt::format("more than {} sizes from {} to {} with factor {:g}; use a larger factor", kMaxSizes, lo,
                              hi, factor));
    out.push_back(s);
    if (s >= hi) break;
    const double next = std::floor(s * factor);  // nccl-tests: whole bytes
    if (next <= s)
      fail(where, fmt::format("size factor {:g} does not grow {} bytes (floor({} x {:g}) = {}), so the sizes would "
                              "never reach MAX; use a larger MIN or factor",
                              factor, s, s, factor, next));
    if (next > hi) break;
    s = next;
  }
  return out;
}

CollectiveRunner::CollectiveRunner(const Fabric& fabric, NvlinkAB ab, bool per_gpu_nics)
    : fabric_(fabric), ab_(ab), per_gpu_(per_gpu_nics), net_msg_s_(network_message_latency()) {}

namespace {

using FlowSpec = FluidService::Transfer;

// Starts all flows at once and returns when the last one ends: through the
// fluid solver when there is one, else as SimGrid comms.
double flow_step(const std::vector<FlowSpec>& flows, FluidService* fluid) {
  const double t0 = sg4::Engine::get_clock();
  if (fluid) {
    std::vector<FlowSpec> sent;
    for (const auto& f : flows)
      if (f.bytes > 0) sent.push_back(f);
    fluid->transfer_all(sent);
    return sg4::Engine::get_clock() - t0;
  }
  std::vector<sg4::CommPtr> comms;
  comms.reserve(flows.size());
  for (const auto& f : flows) {
    if (f.bytes <= 0) continue;
    sg4::CommPtr c = sg4::Comm::sendto_init(f.src, f.dst);
    c->set_payload_size(static_cast<uint64_t>(std::llround(f.bytes)));
    c->start();
    comms.push_back(c);
  }
  sg4::Comm::wait_all(comms);
  return sg4::Engine::get_clock() - t0;
}

// Checks that `algo` applies to `op` on this GPU; returns the candidates to time.
std::vector<CollAlgo> candidates(CollOp op, CollAlgo algo, const NvlinkAB& ab, const std::string& where) {
  if (op != CollOp::all_reduce) {
    const CollAlgo only = op == CollOp::all_to_all || op == CollOp::send_recv ? CollAlgo::direct : CollAlgo::ring;
    if (algo != CollAlgo::automatic && algo != only)
      fail(where, fmt::format("algorithm '{}' is not modelled for {}: it runs '{}' only (--algo auto or {})",
                              to_string(algo), to_string(op), to_string(only), to_string(only)));
    return {only};
  }
  if (algo == CollAlgo::nvls && !ab.has_nvls())
    fail(where, "NVLS (NVLink SHARP, in-switch all-reduce) needs NVSwitches that reduce (third-generation NVSwitch "
                "or later: HGX H100/H200, HGX B200, GB200/GB300 NVL72); this GPU preset has no nvlink_sharp");
  if (algo != CollAlgo::automatic) return {algo};
  std::vector<CollAlgo> c = {CollAlgo::ring, CollAlgo::tree};
  if (ab.has_nvls()) c.push_back(CollAlgo::nvls);
  return c;
}

}  // namespace

std::vector<CollectiveRow> CollectiveRunner::run(CollOp op, const std::vector<double>& sizes, int64_t gpus,
                                                 const std::string& where, CollAlgo algo,
                                                 const std::string& algo_where) {
  const FabricSpec& fs = fabric_.spec();
  const int64_t g = fs.domain_size;
  const std::vector<CollAlgo> algos = candidates(op, algo, ab_, algo_where);
  if (gpus < 1) fail(where, "a collective needs at least one GPU");
  if (gpus > fabric_.gpus())
    fail(where, fmt::format("{} GPUs requested but the topology has {} ({} domains of {})", gpus, fabric_.gpus(),
                            fs.domains, g));
  std::vector<CollectiveRow> rows;
  // Keeps the fastest of the candidates timed for one size (the first on ties).
  struct Timed {
    CollAlgo algo;
    double intra, inter;
  };
  auto finish = [&](double bytes, const std::vector<Timed>& tried) {
    auto total = [&](const Timed& t) {
      return op == CollOp::all_to_all || op == CollOp::send_recv ? std::max(t.intra, t.inter) : t.intra + t.inter;
    };
    const Timed* best = &tried[0];
    for (const auto& t : tried)
      if (total(t) < total(*best)) best = &t;
    CollectiveRow r;
    r.op = op, r.algo = best->algo, r.gpus = gpus, r.bytes = bytes, r.intra_s = best->intra, r.inter_s = best->inter;
    r.time_s = total(*best);
    r.algbw_Bps = r.time_s > 0 ? bytes / r.time_s : 0;
    r.busbw_Bps = r.algbw_Bps * bus_factor(op, gpus);
    rows.push_back(r);
  };
  if (gpus <= g) {  // inside one NVLink domain: alpha-beta only
    for (double s : sizes) {
      std::vector<Timed> tried;
      for (CollAlgo a : algos)
        tried.push_back({a, a == CollAlgo::nvls ? nvls_all_reduce_time(s, gpus, ab_) : nvlink_time(op, s, gpus, ab_), 0});
      finish(s, tried);
    }
    return rows;
  }
  if (gpus % g != 0)
    fail(where, fmt::format("{} GPUs span NVLink domains of {}: use at most {} or a multiple of {}", gpus, g, g, g));
  if (!fabric_.scale_out())
    fail(where, fmt::format("{} GPUs span {} NVLink domains that this topology does not connect (no scale-out "
                            "fabric); use a kind such as nvl72-efa, nvl72-ib, hgx-efa or hgx-ib",
                            gpus, gpus / g));
  const int64_t D = gpus / g;
  const double n = static_cast<double>(gpus), dg = static_cast<double>(g), dD = static_cast<double>(D);

  Engine engine({"network/model:CM02", "network/TCP-gamma:0"});
  // send_recv: one GPU's flow must see its own NIC, not its rail's: per-GPU endpoints (D flows, cheap).
  const bool gpu_nics = per_gpu_ || op == CollOp::send_recv;
  Fabric::Platform pf = fabric_.build(false, gpu_nics);
  std::unique_ptr<FluidService> fluid;
  if (solver_ != FlowSolver::simgrid)
    fluid = std::make_unique<FluidService>(pf.nics[0], solver_ == FlowSolver::fluid_rtt ? FluidService::Sharing::rtt
                                                                                        : FluidService::Sharing::equal);
  const int64_t E = pf.rails;                              // endpoints per domain
  const double per_ep = dg / static_cast<double>(E);      // GPUs behind one endpoint
  const double L = net_msg_s_;
  auto step = [&](const std::vector<FlowSpec>& f) {
    flows_ += static_cast<int64_t>(f.size());
    return flow_step(f, fluid.get());
  };
  // Ring step between domains: each endpoint sends `per_gpu` x its GPUs to the same rail of the next domain.
  auto ring = [&](double per_gpu) {
    std::vector<FlowSpec> f;
    for (int64_t d = 0; d < D; ++d)
      for (int64_t e = 0; e < E; ++e) f.push_back({pf.nic(d, e), pf.nic((d + 1) % D, e), per_ep * per_gpu});
    return f;
  };
  // Double binary tree between domains on every rail, each tree half of `per_gpu`:
  // up (reduce) and down (broadcast) flows on every edge at once.
  auto tree = [&](double per_gpu) {
    std::vector<FlowSpec> f;
    for (int which = 0; which < 2; ++which)
      for (int64_t d = 0; d < D; ++d) {
        int64_t p = dbtree_parent(D, d, which);
        if (p < 0) continue;
        for (int64_t e = 0; e < E; ++e) {
          f.push_back({pf.nic(d, e), pf.nic(p, e), per_ep * per_gpu / 2});
          f.push_back({pf.nic(p, e), pf.nic(d, e), per_ep * per_gpu / 2});
        }
      }
    return f;
  };
  const double depth = static_cast<double>(dbtree_depth(D));
  auto tree_time = [&](double per_gpu) {
    const double hop = step(tree(1));  // per_ep / 2 bytes per flow: the slowest edge's latency
    return step(tree(per_gpu)) + (2 * depth - 1) * hop + 2 * depth * L;
  };
  sg4::Actor::create("collective", pf.nics[0], Engine::guard([&] {
                       for (double s : sizes) {
                         std::vector<Timed> tried;
                         for (CollAlgo a : algos) {
                           double intra = 0, inter = 0;
                           switch (op) {
                             case CollOp::all_reduce:
                               intra = a == CollAlgo::nvls ? nvls_all_reduce_time(s, g, ab_)
                                                           : nvlink_time(CollOp::reduce_scatter, s, g, ab_) +
                                                                 nvlink_time(CollOp::all_gather, s, g, ab_);
                               inter = a == CollAlgo::ring ? 2 * (dD - 1) * (step(ring(s / dg / dD)) + L)
                                                           : tree_time(s / dg);
                               break;
                             case CollOp::all_gather:
                             case CollOp::reduce_scatter:
                               intra = nvlink_time(op, s, g, ab_);
                               inter = (dD - 1) * (step(ring(s / n)) + L);
                               break;
                             case CollOp::all_to_all: {
                               intra = nvlink_time(CollOp::all_to_all, s * dg / n, g, ab_);
                               std::vector<FlowSpec> f;
                               for (int64_t x = 0; x < D; ++x)
                                 for (int64_t y = 0; y < D; ++y)
                                   if (x != y)
                                     for (int64_t e = 0; e < E; ++e) f.push_back({pf.nic(x, e), pf.nic(y, e), per_ep * dg * s / n});
                               inter = step(f) + L;
                               break;
                             }
                             case CollOp::send_recv: {
                               intra = nvlink_time(CollOp::send_recv, s, 2, ab_);
                               // Last GPU of each domain sends to the first GPU of the next, through its own NIC.
                               std::vector<FlowSpec> f;
                               for (int64_t d = 0; d < D; ++d) f.push_back({pf.nic(d, g - 1), pf.nic((d + 1) % D, 0), s});
                               inter = step(f) + L;
                               break;
                             }
                           }
                           tried.push_back({a, intra, inter});
                         }
                         finish(s, tried);
                       }
                     }));
  engine.run();
  return rows;
}

}  // namespace rs
