// launch group: fixed per-kernel overheads that dominate small decode steps.
//   stream_launch: back-to-back launches of an empty kernel; GPU-side
//                  interval per kernel (events) and host enqueue cost.
//   launch_sync:   launch + cudaStreamSynchronize round trip (host clock).
//   graph_replay:  CUDA graph of N empty-kernel nodes; time per node and
//                  per replay.
#include <vector>

#include "cuda_util.hpp"
#include "groups.hpp"
#include "progress.hpp"

namespace calib {
namespace {

__global__ void empty_kernel() {}

struct Graph {
  cudaGraph_t g = nullptr;
  cudaGraphExec_t x = nullptr;
  ~Graph() {
    if (x) cudaGraphExecDestroy(x);
    if (g) cudaGraphDestroy(g);
  }
};

void build_graph(cudaStream_t s, int nodes, Graph* gr) {
  CUDA_TRY(cudaStreamBeginCapture(s, cudaStreamCaptureModeThreadLocal));
  for (int i = 0; i < nodes; ++i) empty_kernel<<<1, 32, 0, s>>>();
  CUDA_TRY(cudaStreamEndCapture(s, &gr->g));
  CUDA_TRY(cudaGraphInstantiate(&gr->x, gr->g, 0));
  CUDA_TRY(cudaGraphUpload(gr->x, s));
}

std::vector<int> graph_nodes(bool quick) { return quick ? std::vector<int>{1, 100} : std::vector<int>{1, 10, 100, 1000}; }

}  // namespace

PlanSummary plan_launch(const Options& o, const Preset&) {
  PlanSummary ps;
  ps.lines.push_back("stream_launch: empty kernel, back-to-back");
  ps.lines.push_back("launch_sync: launch + stream synchronize");
  for (int n : graph_nodes(o.quick)) ps.lines.push_back(strf("graph_replay: %d nodes", n));
  ps.points = int(ps.lines.size());
  ps.est_s = o.quick ? 1.0 : 2.5;
  return ps;
}

void run_launch(Ctx& c, GroupDoc& g) {
  g.meta.set("kernel", "empty __global__, 1 block x 32 threads");
  c.warm_gpu(100);
  Progress prog("launch", 2 + int(graph_nodes(c.opt.quick).size()), c.opt.verbose);

  {  // Back-to-back stream launches.
    MeasureCfg cfg = c.cfg;
    cfg.graph = false;
    cfg.min_samples = std::max(cfg.min_samples, 10);
    Measurement m = measure(c.stream, [](cudaStream_t s, long long) { empty_kernel<<<1, 32, 0, s>>>(); }, cfg);
    // Host-side enqueue cost, short bursts so the launch queue never fills.
    std::vector<double> host;
    for (int rep = 0; rep < 20; ++rep) {
      const int n = 200;
      double t0 = now_s();
      for (int i = 0; i < n; ++i) empty_kernel<<<1, 32, 0, c.stream>>>();
      host.push_back((now_s() - t0) * 1e6 / n);
      CUDA_TRY(cudaStreamSynchronize(c.stream));
    }
    Stats hs = stats_of(host);
    Record r;
    r.set("kind", "stream_launch");
    r.set("nodes", 1);
    Record d;
    d.set("host_us_median", hs.median);
    d.set("host_us_p10", hs.p10);
    d.set("host_us_p90", hs.p90);
    finish_point(c, r, m, d);
    g.points.push_back(r);
    prog.tick(strf("stream_launch %.2f us", m.us.median));
  }

  {  // Launch + synchronize round trip, host clock.
    std::vector<double> rt;
    const int reps = c.opt.quick ? 200 : 1000;
    double t_begin = now_s();
    for (int i = 0; i < reps; ++i) {
      double t0 = now_s();
      empty_kernel<<<1, 32, 0, c.stream>>>();
      CUDA_TRY(cudaStreamSynchronize(c.stream));
      rt.push_back((now_s() - t0) * 1e6);
    }
    CUDA_TRY(cudaGetLastError());
    Measurement m;
    m.us = stats_of(rt);
    m.calls = reps;
    m.samples = reps;
    m.inner = 1;
    m.t0 = t_begin;
    m.t1 = now_s();
    Record r;
    r.set("kind", "launch_sync");
    r.set("nodes", 1);
    finish_point(c, r, m, Record());
    g.points.push_back(r);
    prog.tick(strf("launch_sync %.2f us", m.us.median));
  }

  for (int nodes : graph_nodes(c.opt.quick)) {  // Graph replay.
    Graph gr;
    build_graph(c.stream, nodes, &gr);
    MeasureCfg cfg = c.cfg;
    cfg.graph = false;  // each call is already a graph launch
    cfg.min_samples = std::max(cfg.min_samples, 10);
    cudaGraphExec_t x = gr.x;
    Measurement m = measure(c.stream, [x](cudaStream_t s, long long) { CUDA_TRY(cudaGraphLaunch(x, s)); }, cfg);
    Measurement per_node = m;
    per_node.us.median /= nodes;
    per_node.us.p10 /= nodes;
    per_node.us.p90 /= nodes;
    per_node.us.min /= nodes;
    per_node.us.max /= nodes;
    per_node.us.mean /= nodes;
    Record r;
    r.set("kind", "graph_replay");
    r.set("nodes", nodes);
    Record d;
    d.set("graph_us_median", m.us.median);
    finish_point(c, r, per_node, d);
    g.points.push_back(r);
    prog.tick(strf("graph_replay %d nodes: %.2f us/node", nodes, per_node.us.median));
  }
}

}  // namespace calib
