#include "timing.hpp"

#include <algorithm>
#include <cmath>

#include "cuda_util.hpp"

namespace calib {

Stats stats_of(std::vector<double> v) {
  Stats s;
  s.n = int(v.size());
  if (v.empty()) return s;
  std::sort(v.begin(), v.end());
  auto pct = [&](double q) {
    double pos = q * double(v.size() - 1);
    size_t lo = size_t(std::floor(pos));
    size_t hi = std::min(lo + 1, v.size() - 1);
    return v[lo] + (v[hi] - v[lo]) * (pos - double(lo));
  };
  s.median = pct(0.5);
  s.p10 = pct(0.1);
  s.p90 = pct(0.9);
  s.min = v.front();
  s.max = v.back();
  double sum = 0;
  for (double x : v) sum += x;
  s.mean = sum / double(v.size());
  return s;
}

MeasureCfg measure_cfg(bool quick) {
  MeasureCfg c;
  if (quick) {
    c.warmup_ms = 2;
    c.target_ms = 8;
    c.min_samples = 3;
    c.max_samples = 15;
    c.batch_us = 100;
  }
  return c;
}

namespace {

// Events created once per measurement; destroyed on scope exit.
struct Events {
  std::vector<cudaEvent_t> ev;
  explicit Events(int n) : ev(size_t(n), nullptr) {
    for (auto& e : ev) CUDA_TRY(cudaEventCreate(&e));
  }
  ~Events() {
    for (auto e : ev)
      if (e) cudaEventDestroy(e);
  }
  double ms(int a, int b) const {
    float t = 0;
    CUDA_TRY(cudaEventElapsedTime(&t, ev[size_t(a)], ev[size_t(b)]));
    return t;
  }
};

struct GraphExec {
  cudaGraph_t g = nullptr;
  cudaGraphExec_t x = nullptr;
  ~GraphExec() {
    if (x) cudaGraphExecDestroy(x);
    if (g) cudaGraphDestroy(g);
  }
};

// Captures `inner` calls into a graph. Returns false (and clears the error)
// if the operation cannot be captured; the caller then launches directly.
bool capture(cudaStream_t s, const LaunchFn& fn, int inner, long long& iter, GraphExec* ge) {
  if (cudaStreamBeginCapture(s, cudaStreamCaptureModeThreadLocal) != cudaSuccess) {
    (void)cudaGetLastError();
    return false;
  }
  bool launched_ok = true;
  try {
    for (int j = 0; j < inner; ++j) fn(s, iter++);
  } catch (const std::exception&) {
    launched_ok = false;
  }
  cudaError_t e = cudaStreamEndCapture(s, &ge->g);
  if (!launched_ok || e != cudaSuccess || !ge->g) {
    (void)cudaGetLastError();
    return false;
  }
  if (cudaGraphInstantiate(&ge->x, ge->g, 0) != cudaSuccess) {
    (void)cudaGetLastError();
    ge->x = nullptr;
    return false;
  }
  return true;
}

}  // namespace

// Calls per timed batch: long enough for event resolution and, together with
// max_samples, long enough to fill target_ms (so NVML sees the point).
int inner_calls(double call_us, const MeasureCfg& cfg) {
  double batch = std::max(cfg.batch_us, cfg.target_ms * 1000.0 / cfg.max_samples);
  double n = std::max(std::ceil(batch / call_us), double(cfg.min_inner));
  return int(std::clamp(n, 1.0, double(cfg.max_inner)));
}

int sample_count(double batch_us, const MeasureCfg& cfg) {
  return int(std::clamp(std::ceil(cfg.target_ms * 1000.0 / batch_us), double(cfg.min_samples),
                        double(cfg.max_samples)));
}

Measurement measure(cudaStream_t s, const LaunchFn& fn, const MeasureCfg& cfg) {
  long long iter = 0;
  Events ev(cfg.max_samples + 1);

  // Untimed first call: lazy loading, cuBLASLt kernel selection, page faults.
  fn(s, iter++);
  CUDA_TRY(cudaGetLastError());
  CUDA_TRY(cudaStreamSynchronize(s));

  // Warm-up doubling the batch until it covers warmup_ms; its last batch gives
  // the per-call estimate used to size the timed batches.
  double est_us = 0;
  for (int n = 1;; n = std::min(n * 4, 100000)) {
    CUDA_TRY(cudaEventRecord(ev.ev[0], s));
    for (int j = 0; j < n; ++j) fn(s, iter++);
    CUDA_TRY(cudaEventRecord(ev.ev[1], s));
    CUDA_TRY(cudaEventSynchronize(ev.ev[1]));
    double ms = ev.ms(0, 1);
    est_us = std::max(ms * 1000.0 / n, 0.05);
    if (ms >= cfg.warmup_ms || n >= 100000) break;
  }

  Measurement m;
  m.inner = inner_calls(est_us, cfg);
  m.samples = sample_count(est_us * m.inner, cfg);

  GraphExec ge;
  m.graph = cfg.graph && capture(s, fn, m.inner, iter, &ge);
  if (m.graph) {
    CUDA_TRY(cudaGraphUpload(ge.x, s));
    CUDA_TRY(cudaGraphLaunch(ge.x, s));  // first replay is slower; keep it untimed
    CUDA_TRY(cudaStreamSynchronize(s));
  }

  m.t0 = now_s();
  CUDA_TRY(cudaEventRecord(ev.ev[0], s));
  for (int i = 0; i < m.samples; ++i) {
    if (m.graph) {
      CUDA_TRY(cudaGraphLaunch(ge.x, s));
    } else {
      for (int j = 0; j < m.inner; ++j) fn(s, iter++);
    }
    CUDA_TRY(cudaEventRecord(ev.ev[size_t(i + 1)], s));
  }
  CUDA_TRY(cudaGetLastError());
  CUDA_TRY(cudaStreamSynchronize(s));
  m.t1 = now_s();

  std::vector<double> per_call;
  for (int i = 0; i < m.samples; ++i) per_call.push_back(ev.ms(i, i + 1) * 1000.0 / m.inner);
  m.us = stats_of(per_call);
  m.calls = (long long)m.samples * m.inner;
  return m;
}

Sustained sustain(cudaStream_t s, const LaunchFn& fn, double seconds, double call_us_estimate) {
  // Batches of ~20 ms, two in flight, so the GPU never idles while the host
  // checks the clock.
  int batch = int(std::clamp(20000.0 / std::max(call_us_estimate, 1.0), 1.0, 20000.0));
  Events ev(3);  // 0: start, 1/2: alternating batch ends
  Sustained r;
  long long iter = 0;
  r.t0 = now_s();
  CUDA_TRY(cudaEventRecord(ev.ev[0], s));
  int last = 0;
  for (int b = 0;; ++b) {
    for (int j = 0; j < batch; ++j) fn(s, iter++);
    last = 1 + (b & 1);
    CUDA_TRY(cudaEventRecord(ev.ev[size_t(last)], s));
    if (b > 0) CUDA_TRY(cudaEventSynchronize(ev.ev[size_t(1 + ((b - 1) & 1))]));
    if (now_s() - r.t0 >= seconds) break;
  }
  CUDA_TRY(cudaGetLastError());
  CUDA_TRY(cudaEventSynchronize(ev.ev[size_t(last)]));
  r.t1 = now_s();
  r.gpu_s = ev.ms(0, last) / 1000.0;
  r.calls = iter;
  return r;
}

double estimate_point_s(double call_us, const MeasureCfg& cfg, double setup_ms) {
  double est = std::max(call_us, 0.05);
  // First call, warm-up batches (geometric: about 1.33x the final one) and
  // the timed batches.
  double warm_ms = std::max(cfg.warmup_ms * 1.4, est * 2 / 1000.0);
  int inner = inner_calls(est, cfg);
  double batch_ms = est * inner / 1000.0;
  int samples = sample_count(est * inner, cfg);
  double timed_ms = samples * batch_ms + batch_ms;  // + untimed graph replay
  return (setup_ms + est / 1000.0 + warm_ms + timed_ms) / 1000.0;
}

void put_timing(Record& r, const Measurement& m) {
  r.set("time_us_median", m.us.median);
  r.set("time_us_p10", m.us.p10);
  r.set("time_us_p90", m.us.p90);
  r.set("time_us_min", m.us.min);
  r.set("time_us_max", m.us.max);
  r.set("reps", m.calls);
  r.set("samples", m.samples);
  r.set("graph", m.graph);
}

}  // namespace calib
