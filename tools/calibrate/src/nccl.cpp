// nccl group: all-reduce and all-to-all across every visible GPU from one
// process (ncclCommInitAll). Sizes are per-rank buffer bytes; bus bandwidth
// follows the nccl-tests conventions so numbers compare with published ones.
#include <algorithm>
#include <cmath>

#include "cuda_util.hpp"
#include "groups.hpp"
#include "progress.hpp"

#ifdef CALIB_HAVE_NCCL
#include <nccl.h>
#endif

namespace calib {
namespace {

std::vector<size_t> sizes(bool quick) {
  std::vector<size_t> v;
  for (size_t s = 1024; s <= (1ull << 30); s *= quick ? 16 : 2) v.push_back(s);
  if (v.back() != (1ull << 30)) v.push_back(1ull << 30);
  return v;
}

}  // namespace

PlanSummary plan_nccl(const Options& o, const Preset& p) {
  PlanSummary ps;
  MeasureCfg cfg = measure_cfg(o.quick);
  for (const char* op : {"all_reduce", "all_to_all"})
    for (size_t s : sizes(o.quick)) {
      // Assume 8 GPUs on NVLink at ~400 GB/s bus bandwidth.
      double us = 2.0 * s / 400e9 * 1e6 + 15;
      ps.est_s += estimate_point_s(us, cfg, 1.0);
      ps.lines.push_back(strf("%s %zu bytes", op, s));
    }
  ps.points = int(ps.lines.size());
  ps.est_s += 5;  // communicator setup
  ps.notes.push_back(strf("only with > 1 GPU and NCCL at build time (%s); estimate assumes 8 GPUs",
#ifdef CALIB_HAVE_NCCL
                          "found"
#else
                          "not found"
#endif
                          ));
  (void)p;
  return ps;
}

std::string nccl_version() {
#ifdef CALIB_HAVE_NCCL
  int v = 0;
  if (ncclGetVersion(&v) != ncclSuccess) return "";
  // Codes >= 10000 are major*10000 + minor*100 + patch (NCCL >= 2.9).
  return v >= 10000 ? strf("%d.%d.%d", v / 10000, (v / 100) % 100, v % 100)
                    : strf("%d.%d.%d", v / 1000, (v / 100) % 10, v % 100);
#else
  return "";
#endif
}

#ifndef CALIB_HAVE_NCCL

void run_nccl(Ctx&, GroupDoc& g) {
  g.status = "skipped";
  g.reason = "built without NCCL (nccl.h/libnccl not found at configure time)";
}

#else

namespace {

#define NCCL_TRY(expr)                                                                        \
  do {                                                                                        \
    ncclResult_t r_ = (expr);                                                                 \
    if (r_ != ncclSuccess) throw Error(strf("%s failed: %s", #expr, ncclGetErrorString(r_))); \
  } while (0)

struct Comms {
  std::vector<ncclComm_t> comm;
  std::vector<cudaStream_t> stream;
  std::vector<cudaEvent_t> ev0, ev1;
  std::vector<void*> send, recv;
  ~Comms() {
    for (size_t i = 0; i < comm.size(); ++i) {
      cudaSetDevice(int(i));
      if (send[i]) cudaFree(send[i]);
      if (recv[i]) cudaFree(recv[i]);
      if (ev0[i]) cudaEventDestroy(ev0[i]);
      if (ev1[i]) cudaEventDestroy(ev1[i]);
      if (stream[i]) cudaStreamDestroy(stream[i]);
      if (comm[i]) ncclCommDestroy(comm[i]);
    }
  }
};

// One collective on every rank (inside a group call, as NCCL requires for a
// single thread driving several GPUs).
void run_op(Comms& cm, const std::string& op, size_t bytes) {
  const int n = int(cm.comm.size());
  const size_t count = bytes / 2;  // bf16 elements
  NCCL_TRY(ncclGroupStart());
  for (int r = 0; r < n; ++r) {
    if (op == "all_reduce") {
      NCCL_TRY(ncclAllReduce(cm.send[size_t(r)], cm.recv[size_t(r)], count, ncclBfloat16, ncclSum,
                             cm.comm[size_t(r)], cm.stream[size_t(r)]));
    } else {
      const size_t chunk = count / size_t(n);
      for (int p = 0; p < n; ++p) {
        const char* sb = static_cast<const char*>(cm.send[size_t(r)]) + size_t(p) * chunk * 2;
        char* rb = static_cast<char*>(cm.recv[size_t(r)]) + size_t(p) * chunk * 2;
        NCCL_TRY(ncclSend(sb, chunk, ncclBfloat16, p, cm.comm[size_t(r)], cm.stream[size_t(r)]));
        NCCL_TRY(ncclRecv(rb, chunk, ncclBfloat16, p, cm.comm[size_t(r)], cm.stream[size_t(r)]));
      }
    }
  }
  NCCL_TRY(ncclGroupEnd());
}

void sync_all(Comms& cm) {
  for (size_t i = 0; i < cm.comm.size(); ++i) {
    CUDA_TRY(cudaSetDevice(int(i)));
    CUDA_TRY(cudaStreamSynchronize(cm.stream[i]));
  }
}

// Time per collective: slowest rank's event interval over `inner` calls.
Measurement time_op(Comms& cm, const std::string& op, size_t bytes, const MeasureCfg& cfg) {
  const int n = int(cm.comm.size());
  for (int i = 0; i < 3; ++i) run_op(cm, op, bytes);  // warm-up (connection setup)
  sync_all(cm);
  auto batch = [&](int inner) {
    for (int r = 0; r < n; ++r) {
      CUDA_TRY(cudaSetDevice(r));
      CUDA_TRY(cudaEventRecord(cm.ev0[size_t(r)], cm.stream[size_t(r)]));
    }
    for (int i = 0; i < inner; ++i) run_op(cm, op, bytes);
    double worst = 0;
    for (int r = 0; r < n; ++r) {
      CUDA_TRY(cudaSetDevice(r));
      CUDA_TRY(cudaEventRecord(cm.ev1[size_t(r)], cm.stream[size_t(r)]));
    }
    for (int r = 0; r < n; ++r) {
      CUDA_TRY(cudaSetDevice(r));
      CUDA_TRY(cudaEventSynchronize(cm.ev1[size_t(r)]));
      float ms = 0;
      CUDA_TRY(cudaEventElapsedTime(&ms, cm.ev0[size_t(r)], cm.ev1[size_t(r)]));
      worst = std::max(worst, double(ms));
    }
    return worst * 1000.0 / inner;  // us per collective
  };
  double est = batch(1);
  Measurement m;
  m.inner = inner_calls(std::max(est, 1.0), cfg);
  m.samples = sample_count(est * m.inner, cfg);
  std::vector<double> v;
  m.t0 = now_s();
  for (int s = 0; s < m.samples; ++s) v.push_back(batch(m.inner));
  m.t1 = now_s();
  m.us = stats_of(v);
  m.calls = (long long)m.samples * m.inner;
  return m;
}

}  // namespace

void run_nccl(Ctx& c, GroupDoc& g) {
  if (c.dev.count < 2) {
    g.status = "skipped";
    g.reason = strf("needs more than one GPU (%d visible)", c.dev.count);
    return;
  }
  const int n = c.dev.count;
  const std::vector<size_t> sz = sizes(c.opt.quick);
  const size_t max_bytes = sz.back();
  Comms cm;
  cm.comm.assign(size_t(n), nullptr);
  cm.stream.assign(size_t(n), nullptr);
  cm.ev0.assign(size_t(n), nullptr);
  cm.ev1.assign(size_t(n), nullptr);
  cm.send.assign(size_t(n), nullptr);
  cm.recv.assign(size_t(n), nullptr);
  std::vector<int> devs(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) devs[size_t(i)] = i;
  NCCL_TRY(ncclCommInitAll(cm.comm.data(), n, devs.data()));
  for (int i = 0; i < n; ++i) {
    CUDA_TRY(cudaSetDevice(i));
    CUDA_TRY(cudaStreamCreateWithFlags(&cm.stream[size_t(i)], cudaStreamNonBlocking));
    CUDA_TRY(cudaEventCreate(&cm.ev0[size_t(i)]));
    CUDA_TRY(cudaEventCreate(&cm.ev1[size_t(i)]));
    CUDA_TRY(cudaMalloc(&cm.send[size_t(i)], max_bytes));
    CUDA_TRY(cudaMalloc(&cm.recv[size_t(i)], max_bytes));
    CUDA_TRY(cudaMemset(cm.send[size_t(i)], 0x3c, max_bytes));  // bf16 ~1.0: no NaN/overflow
  }
  g.meta.set("ranks", n);
  g.meta.set("nccl_version", nccl_version());
  g.meta.set("dtype", "bf16");
  g.meta.set("mode", "single process, ncclCommInitAll, one stream per GPU");
  g.meta.set("busbw", "all_reduce: algbw*2(n-1)/n; all_to_all: algbw*(n-1)/n");

  Progress prog("nccl", int(2 * sz.size()), c.opt.verbose);
  for (const char* op : {"all_reduce", "all_to_all"}) {
    for (size_t bytes : sz) {
      Record r;
      r.set("op", op);
      r.set("size_bytes", (long long)bytes);
      r.set("ranks", n);
      Measurement m = time_op(cm, op, bytes, c.cfg);
      const double algbw = double(bytes) / (m.us.median * 1e-6) / 1e9;
      const double factor = std::string(op) == "all_reduce" ? 2.0 * (n - 1) / n : double(n - 1) / n;
      Record d;
      d.set("algbw_gbps", algbw);
      d.set("busbw_gbps", algbw * factor);
      finish_point(c, r, m, d);
      g.points.push_back(r);
      prog.tick(strf("%s %zu B: %.1f GB/s bus", op, bytes, algbw * factor));
    }
  }
  CUDA_TRY(cudaSetDevice(c.dev.index));
}

#endif

}  // namespace calib
