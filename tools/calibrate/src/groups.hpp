// Interface between main and the benchmark groups. Each group provides a
// plan (for --dry-run, never touches CUDA), a run that fills a GroupDoc, and a
// re-measurement of one stored point for --check.
#pragma once

#include <cuda_runtime.h>

#include <string>
#include <vector>

#include "common.hpp"
#include "nvml.hpp"
#include "record.hpp"
#include "timing.hpp"

namespace calib {

struct DeviceInfo {
  int index = 0;
  int count = 0;  // visible CUDA devices
  std::string name, pci_bus_id;
  int cc_major = 0, cc_minor = 0, sm_count = 0;
  size_t hbm_bytes = 0, l2_bytes = 0;
  int sm_clock_max_mhz = 0, mem_clock_max_mhz = 0, mem_bus_width_bits = 0;
};

struct Ctx {
  const Options& opt;
  const DeviceInfo& dev;
  const Preset& preset;
  cudaStream_t stream;
  const Nvml& nvml;
  const Sampler& sampler;
  MeasureCfg cfg;

  PowerStats power(double t0, double t1) const { return sampler.window(t0, t1); }
  // Brings clocks up before timing a group.
  void warm_gpu(double ms) const;
};

struct PlanSummary {
  int points = 0;
  double est_s = 0;
  std::vector<std::string> notes;  // printed under the group
  std::vector<std::string> lines;  // one per point, printed with --verbose
};

// Group names in default execution order.
const std::vector<std::string>& all_groups();

PlanSummary plan_gemm(const Options& o, const Preset& p);
void run_gemm(Ctx& c, GroupDoc& g);
bool recheck_gemm(Ctx& c, const Record& old, Record* fresh);
// m x n x k GEMM kept running for `seconds` (power group).
Record gemm_sustained(Ctx& c, const std::string& dtype, long long m, long long n, long long k,
                      double seconds);
// Which GEMM dtypes this GPU/toolkit can run, and why not.
bool gemm_dtype_supported(const DeviceInfo& d, const std::string& dtype, std::string* why);

PlanSummary plan_hbm(const Options& o, const Preset& p);
void run_hbm(Ctx& c, GroupDoc& g);
bool recheck_hbm(Ctx& c, const Record& old, Record* fresh);
Record hbm_sustained(Ctx& c, double seconds);

PlanSummary plan_attention(const Options& o, const Preset& p);
void run_attention(Ctx& c, GroupDoc& g);
bool recheck_attention(Ctx& c, const Record& old, Record* fresh);

PlanSummary plan_layer(const Options& o, const Preset& p);
void run_layer(Ctx& c, GroupDoc& g);
bool recheck_layer(Ctx& c, const Record& old, Record* fresh);

PlanSummary plan_launch(const Options& o, const Preset& p);
void run_launch(Ctx& c, GroupDoc& g);

PlanSummary plan_power(const Options& o, const Preset& p);
Record measure_idle(Ctx& c);  // call before anything heats the GPU
void run_power(Ctx& c, GroupDoc& g, const Record& idle);

PlanSummary plan_nccl(const Options& o, const Preset& p);
void run_nccl(Ctx& c, GroupDoc& g);
std::string nccl_version();  // "" when built without NCCL

// Common point epilogue: status, timing, derived metrics (e.g. tflops), then
// the NVML window of the timed batches.
void finish_point(Ctx& c, Record& r, const Measurement& m, const Record& derived);
// Marks a point skipped with a reason (no metrics).
void skip_point(Record& r, const std::string& reason);
// Marks a point failed with a reason, then goes on only if the CUDA context
// survived (check_context throws Error when a sticky error poisoned it).
void fail_point(Record& r, const std::string& reason);

}  // namespace calib
