#pragma once
// Collectives, nccl-tests style. Inside one NVLink domain: an alpha-beta model
// fitted to measured NCCL kernel times (models/calibration/nccl/, see
// nvlink_fit.hpp). Across domains: hierarchical algorithms whose inter-domain
// phases are SimGrid flows on the scale-out fabric (max-min sharing), one flow
// per (domain, rail) endpoint: the NICs of one rail of one domain carry
// identical per-GPU flows, so one flow of their summed bytes on their summed
// link gives the same times (checked against per-GPU flows in a test).
//
// Sizes follow nccl-tests: all_reduce and reduce_scatter: the input buffer of
// one rank; all_gather: the output buffer; all_to_all: what one rank sends in
// total (size / n to each peer); send_recv: what one rank sends (each rank to
// the next, a ring). algbw = size / time; busbw = algbw x factor:
// all_reduce 2(n-1)/n, all_gather, reduce_scatter, all_to_all (n-1)/n, send_recv 1.
//
// All-reduce algorithms (CollAlgo), as NCCL names them:
//  ring: inside a domain the alpha-beta ring; across domains reduce-scatter in
//        the domain, a ring over the domains per rail (2(D-1) flow steps), all-gather.
//  tree: across domains the same in-domain phases around NCCL's double binary
//        tree over the domains (tree.hpp): every tree edge's flows at once
//        (pipelined steady state) plus 2 x depth hop latencies to fill the
//        pipeline, so latency grows with log2(D). Inside one domain NCCL's tree
//        is a chain through the GPUs with the ring's step count: ring's time.
//  nvls: in-switch reduction inside the domain (nvls_all_reduce_time); across
//        domains NCCL's NVLSTree: NVLS in the domain, the tree between domains.
//  auto: the fastest modelled of those the GPU supports (ring on ties).
// Every inter-domain step also pays network_message_latency() (NCCL's cost of
// a network message, fitted; set_network_message_latency overrides).
#include <cstdint>
#include <string>
#include <vector>

#include "models/collectives/nvlink.hpp"
#include "topologies/fabric.hpp"

namespace rs {

enum class CollAlgo { automatic, ring, tree, nvls, direct };  // direct: all_to_all, send_recv

CollOp parse_coll_op(const std::string& s, const std::string& where);
// auto, ring, tree or nvls.
CollAlgo parse_coll_algo(const std::string& s, const std::string& where);
const char* to_string(CollAlgo a);
const char* to_string(CollOp op);
std::vector<std::string> coll_op_names();
double bus_factor(CollOp op, int64_t n);

struct CollectiveRow {
  CollOp op = CollOp::all_reduce;
  CollAlgo algo = CollAlgo::ring;  // the algorithm used (never automatic)
  int64_t gpus = 0;
  double bytes = 0, time_s = 0, algbw_Bps = 0, busbw_Bps = 0;
  double intra_s = 0, inter_s = 0;  // breakdown (inter = simulated flow time)
};

// Parses MIN[:MAX[:FACTOR]] with K/M/G = 2^10/2^20/2^30 (nccl-tests); FACTOR defaults to 2.
std::vector<double> parse_sizes(const std::string& text, const std::string& where);

class CollectiveRunner {
 public:
  // `per_gpu_nics`: one flow per GPU instead of per (domain, rail) (for checks).
  CollectiveRunner(const Fabric& fabric, NvlinkAB ab, bool per_gpu_nics = false);
  // Runs `op` at each size on the first `gpus` GPUs (<= one domain, or whole
  // domains) with `algo` (all_reduce; other ops take automatic or ring).
  // Creates the process's SimGrid engine if flows are needed. A bad GPU count
  // fails at `where`, an algorithm the GPU or op lacks at `algo_where`.
  std::vector<CollectiveRow> run(CollOp op, const std::vector<double>& sizes, int64_t gpus, const std::string& where,
                                 CollAlgo algo = CollAlgo::automatic, const std::string& algo_where = "algo");
  // Extra latency per inter-domain message (default: network_message_latency()).
  void set_network_message_latency(double s) { net_msg_s_ = s; }
  // Who solves the inter-domain flows: the fluid solver with equal weights
  // (default; rackscale's RDMA model, models/network), the same with SimGrid's
  // RTT weights, or SimGrid's own LMM (the last two agree; for checks).
  enum class FlowSolver { fluid, fluid_rtt, simgrid };
  void set_flow_solver(FlowSolver s) { solver_ = s; }
  // Number of flows simulated so far.
  int64_t flows() const { return flows_; }

 private:
  const Fabric& fabric_;
  NvlinkAB ab_;
  bool per_gpu_;
  double net_msg_s_;
  int64_t flows_ = 0;
  FlowSolver solver_ = FlowSolver::fluid;
};

}  // namespace rs
