// Timing and statistics shared by all benchmark groups.
//
// A point is measured as: one untimed call (lazy module load, algorithm
// setup), a warm-up that also estimates the per-call time, then `samples`
// batches of `inner` back-to-back calls, each batch bracketed by CUDA events.
// Batching keeps event resolution and launch gaps out of short kernels; the
// batch is captured into a CUDA graph when possible so CPU launch cost does
// not hide GPU time (inference engines replay graphs too).
#pragma once

#include <cuda_runtime.h>

#include <functional>
#include <vector>

#include "record.hpp"

namespace calib {

struct Stats {
  int n = 0;
  double median = 0, p10 = 0, p90 = 0, min = 0, max = 0, mean = 0;
};
Stats stats_of(std::vector<double> v);  // percentiles by linear interpolation

struct MeasureCfg {
  double warmup_ms = 5;     // GPU time spent warming up per point
  double target_ms = 30;    // GPU time spent in timed batches per point
  int min_samples = 5;
  int max_samples = 40;
  double batch_us = 200;    // minimum length of one timed batch
  int min_inner = 1;        // e.g. cover a whole buffer-rotation cycle per batch
  int max_inner = 256;
  bool graph = true;        // capture each batch into a CUDA graph
};
MeasureCfg measure_cfg(bool quick);

struct Measurement {
  Stats us;               // per call, microseconds
  long long calls = 0;    // timed calls in total
  int samples = 0, inner = 0;
  bool graph = false;
  double t0 = 0, t1 = 0;  // host steady-clock window of the timed batches
};

// Launches one call of the benchmarked operation; iter lets callers rotate
// buffers. Must only enqueue work on `s`.
using LaunchFn = std::function<void(cudaStream_t s, long long iter)>;

Measurement measure(cudaStream_t s, const LaunchFn& fn, const MeasureCfg& cfg);

// Batch sizing used by measure() (exposed for the NCCL timer and estimates).
int inner_calls(double call_us, const MeasureCfg& cfg);
int sample_count(double batch_us, const MeasureCfg& cfg);

// Keeps the GPU busy with fn for `seconds` (power measurements).
struct Sustained {
  double t0 = 0, t1 = 0;  // host window
  double gpu_s = 0;       // GPU time between first and last call
  long long calls = 0;
};
Sustained sustain(cudaStream_t s, const LaunchFn& fn, double seconds, double call_us_estimate);

// Dry-run estimate (seconds) of measure() for a call of duration call_us,
// plus a fixed per-point setup cost.
double estimate_point_s(double call_us, const MeasureCfg& cfg, double setup_ms);

// Adds time_us_{median,p10,p90,min,max}, reps, samples, graph to r.
void put_timing(Record& r, const Measurement& m);

}  // namespace calib
