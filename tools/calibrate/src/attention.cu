// attention group: decode attention over a paged KV cache (one query token
// per sequence), as in vLLM-style serving. Reference split-K kernel, not a
// tuned library kernel: treat the bandwidth as a lower bound for what a
// production kernel (FlashInfer, FlashAttention-3) achieves.
//
// Layout: K and V caches are [num_blocks][kv_heads][16 tokens][128] bf16;
// each sequence owns a block table of randomly scattered physical blocks.
// GQA with 8 KV heads and 8 query heads per KV head (Llama-3.1-70B). The
// kernel lives in decode_attention.cuh, shared with the layer group.
#include <cuda_bf16.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <random>

#include "cuda_util.hpp"
#include "decode_attention.cuh"
#include "groups.hpp"
#include "kernels.hpp"
#include "progress.hpp"

namespace calib {
namespace {

constexpr int KVH = 8;       // KV heads
constexpr int G = 8;         // query heads per KV head

// The shared kernel (decode_attention.cuh) with this group's fixed shape.
void launch_attention(const DecodeArgs& a, int batch, cudaStream_t s) { launch_decode<G>(a, batch, s); }

constexpr double kKvBytesPerToken = 2.0 * KVH * HD * 2;  // K and V, bf16
constexpr double kBlockBytes = double(KVH) * BS * HD * 2;   // one K (or V) block

struct Spec {
  int batch;
  int context;
  long long blocks() const { return (long long)batch * ((context + BS - 1) / BS); }
  double kv_bytes() const { return double(batch) * context * kKvBytesPerToken; }
};

std::vector<Spec> plan_specs(bool quick) {
  std::vector<int> batches = quick ? std::vector<int>{1, 32, 128} : std::vector<int>{1, 4, 16, 64, 256};
  std::vector<int> ctxs = quick ? std::vector<int>{1024, 8192}
                                : std::vector<int>{512, 2048, 8192, 32768, 131072};
  std::vector<Spec> v;
  for (int b : batches)
    for (int c : ctxs) v.push_back({b, c});
  return v;
}

// Caches shared by all points of the group; each point uses a random subset
// of physical blocks through its block table.
struct Cache {
  DevBuf k, v;
  long long blocks = 0;
  std::vector<int> perm;  // shuffled physical block ids; points take a prefix
  void alloc(long long nb, cudaStream_t s) {
    blocks = nb;
    perm.resize(size_t(nb));
    std::iota(perm.begin(), perm.end(), 0);
    std::shuffle(perm.begin(), perm.end(), std::mt19937(42));
    k.alloc(size_t(nb * kBlockBytes));
    v.alloc(size_t(nb * kBlockBytes));
    fill_random(k.get(), k.size(), FillKind::Bf16, 11, s);
    fill_random(v.get(), v.size(), FillKind::Bf16, 12, s);
    CUDA_TRY(cudaStreamSynchronize(s));
  }
};

// Per-point buffers: query, block table, partial results, output.
struct PointBufs {
  DevBuf q, bt, len, po, pm, pl, out;
  DecodeArgs args{};
  void setup(const Spec& sp, const Cache& cache, cudaStream_t s) {
    const int max_blocks = (sp.context + BS - 1) / BS;
    const int parts = (sp.context + PART - 1) / PART;
    const size_t qheads = size_t(sp.batch) * KVH * G;
    q.alloc(qheads * HD * 2);
    out.alloc(qheads * HD * 2);
    fill_random(q.get(), q.size(), FillKind::Bf16, 13, s);
    if (parts > 1) {
      po.alloc(qheads * parts * HD * sizeof(float));
      pm.alloc(qheads * parts * sizeof(float));
      pl.alloc(qheads * parts * sizeof(float));
    }
    // Distinct scattered physical blocks, like a long-running paged allocator.
    std::vector<int> table(cache.perm.begin(), cache.perm.begin() + long(sp.batch) * max_blocks);
    std::vector<int> lens(size_t(sp.batch), sp.context);
    bt.alloc(table.size() * sizeof(int));
    len.alloc(lens.size() * sizeof(int));
    CUDA_TRY(cudaMemcpyAsync(bt.get(), table.data(), bt.size(), cudaMemcpyHostToDevice, s));
    CUDA_TRY(cudaMemcpyAsync(len.get(), lens.data(), len.size(), cudaMemcpyHostToDevice, s));
    CUDA_TRY(cudaStreamSynchronize(s));
    args = DecodeArgs{q.as<bf16>(), cache.k.as<bf16>(), cache.v.as<bf16>(), bt.as<int>(),
                      len.as<int>(), KVH, max_blocks, parts, 1.0f / std::sqrt(float(HD)),
                      po.as<float>(), pm.as<float>(), pl.as<float>(), out.as<bf16>()};
  }
};

// Budget for the KV cache: most of free memory, minus room for partials.
size_t kv_budget(size_t free_bytes) { return size_t(double(free_bytes) * 0.75); }

double point_extra_bytes(const Spec& sp) {
  return double(sp.batch) * KVH * G * ((sp.context + PART - 1) / PART) * HD * 4.0 * 1.1;
}

Record spec_record(const Spec& sp) {
  Record r;
  r.set("batch", sp.batch);
  r.set("context", sp.context);
  r.set("kv_heads", KVH);
  r.set("q_heads", KVH * G);
  r.set("head_dim", HD);
  r.set("block_size", BS);
  r.set("kv_bytes", (long long)sp.kv_bytes());
  return r;
}

void measure_spec(Ctx& c, const Cache& cache, const Spec& sp, Record& r) {
  if (sp.blocks() > cache.blocks)
    throw Skip(strf("needs %.1f GiB of KV cache, budget is %.1f GiB", sp.kv_bytes() / kGiB,
                    cache.blocks * 2 * kBlockBytes / kGiB));
  PointBufs pb;
  pb.setup(sp, cache, c.stream);
  const DecodeArgs args = pb.args;
  const int batch = sp.batch;
  Measurement m = measure(c.stream, [=](cudaStream_t s, long long) { launch_attention(args, batch, s); }, c.cfg);
  Record d;
  d.set("gbps", sp.kv_bytes() / (m.us.median * 1e-6) / 1e9);
  d.set("partitions", args.num_parts);
  finish_point(c, r, m, d);
}

float bf(const __nv_bfloat16& x) { return __bfloat162float(x); }

// Small CPU reference check (several partitions, ragged lengths) so a wrong
// kernel is caught in the profile rather than silently reported as fast.
Record validate(cudaStream_t s) {
  const int batch = 3;
  const int lens[batch] = {1, 37, 3 * PART + 5};
  const int max_blocks = (lens[2] + BS - 1) / BS;
  const int parts = (lens[2] + PART - 1) / PART;
  const int nb = batch * max_blocks;
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> U(-1.f, 1.f);
  std::vector<__nv_bfloat16> hq(size_t(batch) * KVH * G * HD), hk(size_t(nb) * KVH * BS * HD), hv(hk.size());
  for (auto& x : hq) x = __float2bfloat16(U(rng));
  for (auto& x : hk) x = __float2bfloat16(U(rng));
  for (auto& x : hv) x = __float2bfloat16(U(rng));
  std::vector<int> perm(static_cast<size_t>(nb));
  std::iota(perm.begin(), perm.end(), 0);
  std::shuffle(perm.begin(), perm.end(), rng);
  std::vector<int> hl(lens, lens + batch);

  DevBuf q(hq.size() * 2), k(hk.size() * 2), v(hv.size() * 2), bt(perm.size() * 4), len(hl.size() * 4),
      po(size_t(batch) * KVH * G * parts * HD * 4), pm(size_t(batch) * KVH * G * parts * 4),
      pl(size_t(batch) * KVH * G * parts * 4), out(hq.size() * 2);
  CUDA_TRY(cudaMemcpy(q.get(), hq.data(), q.size(), cudaMemcpyHostToDevice));
  CUDA_TRY(cudaMemcpy(k.get(), hk.data(), k.size(), cudaMemcpyHostToDevice));
  CUDA_TRY(cudaMemcpy(v.get(), hv.data(), v.size(), cudaMemcpyHostToDevice));
  CUDA_TRY(cudaMemcpy(bt.get(), perm.data(), bt.size(), cudaMemcpyHostToDevice));
  CUDA_TRY(cudaMemcpy(len.get(), hl.data(), len.size(), cudaMemcpyHostToDevice));
  DecodeArgs a{q.as<bf16>(), k.as<bf16>(), v.as<bf16>(), bt.as<int>(), len.as<int>(), KVH, max_blocks, parts,
               1.0f / std::sqrt(float(HD)), po.as<float>(), pm.as<float>(), pl.as<float>(), out.as<bf16>()};
  launch_attention(a, batch, s);
  CUDA_TRY(cudaGetLastError());
  CUDA_TRY(cudaStreamSynchronize(s));
  std::vector<__nv_bfloat16> ho(hq.size());
  CUDA_TRY(cudaMemcpy(ho.data(), out.get(), out.size(), cudaMemcpyDeviceToHost));

  double max_err = 0;
  for (int b = 0; b < batch; ++b)
    for (int kh = 0; kh < KVH; ++kh)
      for (int g = 0; g < G; ++g) {
        const size_t qh = (size_t(b) * KVH + kh) * G + g;
        std::vector<double> sc(static_cast<size_t>(lens[b]));
        double mx = -1e30;
        for (int t = 0; t < lens[b]; ++t) {
          const size_t base = ((size_t(perm[size_t(b) * max_blocks + t / BS]) * KVH + kh) * BS + t % BS) * HD;
          double sdot = 0;
          for (int d = 0; d < HD; ++d) sdot += double(bf(hq[qh * HD + d])) * bf(hk[base + d]);
          sc[size_t(t)] = sdot / std::sqrt(double(HD));
          mx = std::max(mx, sc[size_t(t)]);
        }
        double l = 0;
        for (auto& x : sc) l += (x = std::exp(x - mx));
        for (int d = 0; d < HD; ++d) {
          double o = 0;
          for (int t = 0; t < lens[b]; ++t) {
            const size_t base = ((size_t(perm[size_t(b) * max_blocks + t / BS]) * KVH + kh) * BS + t % BS) * HD;
            o += sc[size_t(t)] * bf(hv[base + d]);
          }
          max_err = std::max(max_err, std::fabs(o / l - bf(ho[qh * HD + d])));
        }
      }
  Record r;
  r.set("validation_max_abs_err", max_err);
  r.set("validation_ok", max_err < 2e-2);
  return r;
}

}  // namespace

PlanSummary plan_attention(const Options& o, const Preset& p) {
  PlanSummary ps;
  MeasureCfg cfg = measure_cfg(o.quick);
  const double budget = kv_budget(size_t(p.hbm_gib * kGiB * 0.95));
  for (const auto& sp : plan_specs(o.quick)) {
    if (sp.kv_bytes() + point_extra_bytes(sp) > budget) {
      ps.lines.push_back(strf("batch=%d context=%d  skipped (%.1f GiB KV)", sp.batch, sp.context,
                              sp.kv_bytes() / kGiB));
      ++ps.points;
      continue;
    }
    double us = sp.kv_bytes() / (p.hbm_gbps * 0.6e9) * 1e6 + 8;
    ps.est_s += estimate_point_s(us, cfg, 3.0 + sp.blocks() * 2e-6);  // block-table upload
    ps.lines.push_back(strf("batch=%d context=%d  %.2f GiB KV  ~%.0f us", sp.batch, sp.context,
                            sp.kv_bytes() / kGiB, us));
    ++ps.points;
  }
  ps.est_s += 3.0;  // cache fill, block shuffle and validation
  ps.notes.push_back(strf("bf16 paged KV, block %d tokens, %d KV heads x %d q/kv, head_dim %d", BS, KVH, G, HD));
  return ps;
}

void run_attention(Ctx& c, GroupDoc& g) {
  std::vector<Spec> specs = plan_specs(c.opt.quick);
  g.meta.set("kernel", "reference split-K paged decode kernel (fp32 softmax/accumulate)");
  g.meta.set("partition_tokens", PART);
  g.meta.set("q_per_kv", G);
  g.meta.set("dtype", "bf16");
  g.meta.append(validate(c.stream));

  // Size the shared cache for the largest point that fits the budget.
  const double budget = double(kv_budget(free_device_bytes()));
  long long nb = 0;
  for (const auto& sp : specs)
    if (sp.kv_bytes() + point_extra_bytes(sp) <= budget) nb = std::max(nb, sp.blocks());
  Cache cache;
  cache.alloc(std::max(nb, 1LL), c.stream);
  g.meta.set("kv_pool_bytes", (long long)(2 * cache.blocks * kBlockBytes));

  c.warm_gpu(200);
  Progress prog("attention", int(specs.size()), c.opt.verbose);
  for (const auto& sp : specs) {
    Record r = spec_record(sp);
    try {
      if (sp.kv_bytes() + point_extra_bytes(sp) > budget + 1)
        throw Skip(strf("needs %.1f GiB of KV cache, budget is %.1f GiB", sp.kv_bytes() / kGiB, budget / kGiB));
      measure_spec(c, cache, sp, r);
    } catch (const Skip& e) {
      skip_point(r, e.what());
    }
    g.points.push_back(r);
    prog.tick(strf("batch=%d context=%d: %.0f GB/s", sp.batch, sp.context, r.num("gbps", NAN)));
  }
}

bool recheck_attention(Ctx& c, const Record& old, Record* fresh) {
  Spec sp{int(old.num("batch")), int(old.num("context"))};
  if (sp.batch <= 0 || sp.context <= 0) return false;
  if (sp.kv_bytes() + point_extra_bytes(sp) > double(kv_budget(free_device_bytes()))) return false;
  Cache cache;
  cache.alloc(sp.blocks(), c.stream);
  *fresh = spec_record(sp);
  measure_spec(c, cache, sp, *fresh);
  return true;
}

}  // namespace calib
