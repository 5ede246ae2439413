// hbm group: device-memory bandwidth with simple streaming kernels.
// copy = read + write of a buffer, read = reduction-style read-only stream,
// write = store-only stream, memcpy = cudaMemcpyAsync device-to-device.
// Sizes below a few times the L2 size measure L2, and are flagged as such.
#include <algorithm>
#include <cstdint>

#include "cuda_util.hpp"
#include "groups.hpp"
#include "kernels.hpp"
#include "progress.hpp"

namespace calib {
namespace {

constexpr int kThreads = 256;

// Grid-stride loops with 4 independent 16-byte accesses in flight per thread.
__global__ void copy_kernel(const uint4* __restrict__ src, uint4* __restrict__ dst, size_t n) {
  size_t stride = size_t(gridDim.x) * blockDim.x;
  size_t i = size_t(blockIdx.x) * blockDim.x + threadIdx.x;
  for (; i + 3 * stride < n; i += 4 * stride) {
    uint4 a = src[i], b = src[i + stride], c = src[i + 2 * stride], d = src[i + 3 * stride];
    dst[i] = a;
    dst[i + stride] = b;
    dst[i + 2 * stride] = c;
    dst[i + 3 * stride] = d;
  }
  for (; i < n; i += stride) dst[i] = src[i];
}

__global__ void read_kernel(const uint4* __restrict__ src, size_t n, unsigned* sink) {
  size_t stride = size_t(gridDim.x) * blockDim.x;
  size_t i = size_t(blockIdx.x) * blockDim.x + threadIdx.x;
  unsigned acc = 0;
  for (; i + 3 * stride < n; i += 4 * stride) {
    uint4 a = src[i], b = src[i + stride], c = src[i + 2 * stride], d = src[i + 3 * stride];
    acc ^= a.x ^ a.y ^ a.z ^ a.w ^ b.x ^ b.y ^ b.z ^ b.w ^ c.x ^ c.y ^ c.z ^ c.w ^ d.x ^ d.y ^ d.z ^ d.w;
  }
  for (; i < n; i += stride) {
    uint4 a = src[i];
    acc ^= a.x ^ a.y ^ a.z ^ a.w;
  }
  if (acc == 0x9e3779b9u) *sink = acc;  // data-dependent store keeps the loads alive
}

__global__ void write_kernel(uint4* __restrict__ dst, size_t n, unsigned v) {
  size_t stride = size_t(gridDim.x) * blockDim.x;
  uint4 val = make_uint4(v, v ^ 1u, v ^ 2u, v ^ 3u);
  for (size_t i = size_t(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += stride) dst[i] = val;
}

struct Spec {
  std::string kind;
  size_t size;  // buffer bytes
  double moved() const { return (kind == "copy" || kind == "memcpy" ? 2.0 : 1.0) * double(size); }
};

std::vector<size_t> sizes(bool quick) {
  const size_t M = 1ull << 20;
  if (quick) return {256 * M, 2048 * M};
  return {8 * M, 32 * M, 128 * M, 512 * M, 2048 * M};
}

std::vector<Spec> plan_specs(bool quick) {
  std::vector<Spec> v;
  std::vector<size_t> sz = sizes(quick);
  for (const char* k : {"copy", "read", "write"})
    for (size_t s : sz) v.push_back({k, s});
  v.push_back({"memcpy", sz.back()});
  return v;
}

struct Buffers {
  DevBuf a, b, sink;
  size_t max_size = 0;
  void alloc(size_t want) {
    // Two buffers of `want` bytes, shrinking if memory is short.
    size_t fr = free_device_bytes();
    max_size = want;
    while (max_size > (64ull << 20) && 2 * max_size + (512ull << 20) > fr) max_size /= 2;
    a.alloc(max_size);
    b.alloc(max_size);
    sink.alloc(256);
  }
};

LaunchFn make_fn(const Spec& s, Buffers& b, int blocks) {
  size_t n = s.size / sizeof(uint4);
  const uint4* src = b.a.as<const uint4>();
  uint4* dst = b.b.as<uint4>();
  unsigned* sink = b.sink.as<unsigned>();
  if (s.kind == "copy")
    return [=](cudaStream_t st, long long) { copy_kernel<<<blocks, kThreads, 0, st>>>(src, dst, n); };
  if (s.kind == "read")
    return [=](cudaStream_t st, long long) { read_kernel<<<blocks, kThreads, 0, st>>>(src, n, sink); };
  if (s.kind == "write")
    return [=](cudaStream_t st, long long i) { write_kernel<<<blocks, kThreads, 0, st>>>(dst, n, unsigned(i)); };
  size_t bytes = s.size;
  return [=](cudaStream_t st, long long) {
    CUDA_TRY(cudaMemcpyAsync(dst, src, bytes, cudaMemcpyDeviceToDevice, st));
  };
}

Record spec_record(const Spec& s) {
  Record r;
  r.set("kind", s.kind);
  r.set("size_bytes", (long long)s.size);
  r.set("bytes_moved", (long long)s.moved());
  return r;
}

void measure_spec(Ctx& c, Buffers& b, const Spec& s, Record& r) {
  if (s.size > b.max_size) throw Skip(strf("buffer of %.2f GiB does not fit in free memory", s.size / kGiB));
  r.set("l2_resident", s.moved() <= 2.0 * double(c.dev.l2_bytes));
  int blocks = c.dev.sm_count * (2048 / kThreads);
  Measurement m = measure(c.stream, make_fn(s, b, blocks), c.cfg);
  Record d;
  d.set("gbps", s.moved() / (m.us.median * 1e-6) / 1e9);
  d.set("gbps_best", s.moved() / (m.us.min * 1e-6) / 1e9);
  finish_point(c, r, m, d);
}

}  // namespace

PlanSummary plan_hbm(const Options& o, const Preset& p) {
  PlanSummary ps;
  MeasureCfg cfg = measure_cfg(o.quick);
  for (const auto& s : plan_specs(o.quick)) {
    double us = s.moved() / (p.hbm_gbps * 0.85e9) * 1e6 + 3;
    ps.est_s += estimate_point_s(us, cfg, 1.0);
    ps.lines.push_back(strf("%s %.0f MiB  ~%.0f us", s.kind.c_str(), s.size / kMiB, us));
  }
  ps.points = int(ps.lines.size());
  ps.notes.push_back("kinds copy/read/write over sizes, plus cudaMemcpy D2D at the largest size");
  return ps;
}

void run_hbm(Ctx& c, GroupDoc& g) {
  std::vector<Spec> specs = plan_specs(c.opt.quick);
  Buffers b;
  b.alloc(sizes(c.opt.quick).back());
  fill_random(b.a.get(), b.a.size(), FillKind::RandomBytes, 3, c.stream);
  CUDA_TRY(cudaStreamSynchronize(c.stream));
  g.meta.set("threads_per_block", kThreads);
  g.meta.set("blocks", c.dev.sm_count * (2048 / kThreads));
  g.meta.set("access", "16-byte vector loads/stores, 4 in flight per thread");
  g.meta.set("l2_bytes", (long long)c.dev.l2_bytes);
  c.warm_gpu(200);
  Progress prog("hbm", int(specs.size()), c.opt.verbose);
  for (const auto& s : specs) {
    Record r = spec_record(s);
    try {
      measure_spec(c, b, s, r);
    } catch (const Skip& e) {
      skip_point(r, e.what());
    }
    g.points.push_back(r);
    prog.tick(strf("%s %.0f MiB: %.0f GB/s", s.kind.c_str(), s.size / kMiB, r.num("gbps", NAN)));
  }
}

bool recheck_hbm(Ctx& c, const Record& old, Record* fresh) {
  Spec s{old.str("kind"), size_t(old.num("size_bytes"))};
  if (s.size == 0 || (s.kind != "copy" && s.kind != "read" && s.kind != "write" && s.kind != "memcpy"))
    return false;
  Buffers b;
  b.alloc(s.size);
  fill_random(b.a.get(), b.a.size(), FillKind::RandomBytes, 3, c.stream);
  *fresh = spec_record(s);
  measure_spec(c, b, s, *fresh);
  return true;
}

Record hbm_sustained(Ctx& c, double seconds) {
  Spec s{"copy", 1ull << 30};
  Buffers b;
  b.alloc(s.size);
  s.size = std::min(s.size, b.max_size);
  fill_random(b.a.get(), b.a.size(), FillKind::RandomBytes, 3, c.stream);
  int blocks = c.dev.sm_count * (2048 / kThreads);
  LaunchFn fn = make_fn(s, b, blocks);
  Measurement m0 = measure(c.stream, fn, measure_cfg(true));
  Sustained su = sustain(c.stream, fn, seconds, m0.us.median);
  Record r;
  r.set("load", "hbm_copy");
  r.set("size_bytes", (long long)s.size);
  r.set("gbps", s.moved() * double(su.calls) / su.gpu_s / 1e9);
  r.set("duration_s", su.t1 - su.t0);
  put_power(r, c.power(su.t0 + 0.5 * (su.t1 - su.t0), su.t1));
  return r;
}

}  // namespace calib
