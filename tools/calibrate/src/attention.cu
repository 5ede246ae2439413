// attention group: decode attention over a paged KV cache (one query token
// per sequence), as in vLLM-style serving. Reference split-K kernel, not a
// tuned library kernel: treat the bandwidth as a lower bound for what a
// production kernel (FlashInfer, FlashAttention-3) achieves.
//
// Layout: K and V caches are [num_blocks][kv_heads][16 tokens][128] bf16;
// each sequence owns a block table of randomly scattered physical blocks.
// GQA with 8 KV heads and 8 query heads per KV head (Llama-3.1-70B).
#include <cuda_bf16.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <random>

#include "cuda_util.hpp"
#include "groups.hpp"
#include "kernels.hpp"
#include "progress.hpp"

namespace calib {
namespace {

constexpr int HD = 128;      // head dim
constexpr int BS = 16;       // tokens per KV block
constexpr int KVH = 8;       // KV heads
constexpr int G = 8;         // query heads per KV head
constexpr int PART = 256;    // tokens per CTA (split-K partition)
constexpr int THREADS = 128;
constexpr int WARPS = THREADS / 32;
constexpr int ROWS = THREADS / 16;  // V-phase token rows in flight
static_assert(G == 8, "the score reduce-scatter below assumes 8 heads per half-warp");

struct Args {
  const __nv_bfloat16* q;      // [B][KVH*G][HD]
  const __nv_bfloat16* k;      // [NB][KVH][BS][HD]
  const __nv_bfloat16* v;
  const int* block_table;      // [B][max_blocks]
  const int* ctx_len;          // [B]
  int max_blocks, num_parts;
  float scale;
  float* part_o;               // [B*KVH*G][num_parts][HD] unnormalised
  float* part_m;               // [B*KVH*G][num_parts] running max
  float* part_l;               // [B*KVH*G][num_parts] sum of exp
  __nv_bfloat16* out;          // [B][KVH*G][HD]
};

__device__ __forceinline__ void unpack8(const uint4& u, float f[8]) {
  const __nv_bfloat162* h = reinterpret_cast<const __nv_bfloat162*>(&u);
#pragma unroll
  for (int i = 0; i < 4; ++i) {
    float2 t = __bfloat1622float2(h[i]);
    f[2 * i] = t.x;
    f[2 * i + 1] = t.y;
  }
}

// grid (num_parts, KVH, B). Phase 1: each half-warp scores one token (16
// lanes x 8 dims) for all G heads, then a reduce-scatter leaves one head's
// score per lane pair. Phase 2: softmax statistics per head. Phase 3: 16
// lanes cover one V row; 8 rows in flight; partial outputs reduced in smem.
__global__ void __launch_bounds__(THREADS) attn_partial(Args a) {
  const int part = blockIdx.x, kvh = blockIdx.y, b = blockIdx.z;
  const int len = a.ctx_len[b];
  const int t_begin = part * PART;
  if (t_begin >= len) return;
  const int n_tok = min(len - t_begin, PART);
  const int n_blk = (n_tok + BS - 1) / BS;
  const int* bt = a.block_table + size_t(b) * a.max_blocks + t_begin / BS;

  __shared__ float s_p[G][PART];
  __shared__ float s_red[ROWS][G][HD];
  __shared__ float s_m[G], s_l[G];

  const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
  const int c = lane & 15, half = lane >> 4;

  float q[G][8];
#pragma unroll
  for (int h = 0; h < G; ++h) {
    const uint4 u = reinterpret_cast<const uint4*>(a.q + ((size_t(b) * KVH + kvh) * G + h) * HD)[c];
    unpack8(u, q[h]);
#pragma unroll
    for (int d = 0; d < 8; ++d) q[h][d] *= a.scale;
  }

  for (int jb = warp; jb < n_blk; jb += WARPS) {
    const uint4* kp = reinterpret_cast<const uint4*>(a.k + (size_t(bt[jb]) * KVH + kvh) * BS * HD);
    uint4 kr[8];
#pragma unroll
    for (int i = 0; i < 8; ++i) kr[i] = kp[i * 32 + lane];  // token 2i+half, dims 8c..8c+7
#pragma unroll
    for (int i = 0; i < 8; ++i) {
      float kf[8], p[G];
      unpack8(kr[i], kf);
#pragma unroll
      for (int h = 0; h < G; ++h) {
        float s = 0;
#pragma unroll
        for (int d = 0; d < 8; ++d) s = fmaf(q[h][d], kf[d], s);
        p[h] = s;
      }
      // Reduce-scatter over the 16 lanes: 4+2+1+1 shuffles for 8 heads.
      const bool u8 = c & 8, u4 = c & 4, u2 = c & 2;
#pragma unroll
      for (int j = 0; j < 4; ++j) {
        float keep = u8 ? p[j + 4] : p[j], give = u8 ? p[j] : p[j + 4];
        p[j] = keep + __shfl_xor_sync(0xffffffffu, give, 8);
      }
#pragma unroll
      for (int j = 0; j < 2; ++j) {
        float keep = u4 ? p[j + 2] : p[j], give = u4 ? p[j] : p[j + 2];
        p[j] = keep + __shfl_xor_sync(0xffffffffu, give, 4);
      }
      {
        float keep = u2 ? p[1] : p[0], give = u2 ? p[0] : p[1];
        p[0] = keep + __shfl_xor_sync(0xffffffffu, give, 2);
      }
      p[0] += __shfl_xor_sync(0xffffffffu, p[0], 1);
      const int head = (u8 ? 4 : 0) + (u4 ? 2 : 0) + (u2 ? 1 : 0);
      const int tok = jb * BS + 2 * i + half;
      if ((c & 1) == 0) s_p[head][tok] = tok < n_tok ? p[0] : -INFINITY;
    }
  }
  __syncthreads();

  for (int h = warp; h < G; h += WARPS) {
    float m = -INFINITY;
    for (int t = lane; t < n_tok; t += 32) m = fmaxf(m, s_p[h][t]);
#pragma unroll
    for (int o = 16; o; o >>= 1) m = fmaxf(m, __shfl_xor_sync(0xffffffffu, m, o));
    float l = 0;
    for (int t = lane; t < n_tok; t += 32) {
      float e = __expf(s_p[h][t] - m);
      s_p[h][t] = e;
      l += e;
    }
#pragma unroll
    for (int o = 16; o; o >>= 1) l += __shfl_xor_sync(0xffffffffu, l, o);
    if (lane == 0) {
      s_m[h] = m;
      s_l[h] = l;
    }
  }
  __syncthreads();

  const int r = threadIdx.x / 16, cc = threadIdx.x % 16;
  float acc[G][8];
#pragma unroll
  for (int h = 0; h < G; ++h)
#pragma unroll
    for (int d = 0; d < 8; ++d) acc[h][d] = 0;
  for (int t0 = r; t0 < n_tok; t0 += 4 * ROWS) {
    uint4 vr[4];
#pragma unroll
    for (int u = 0; u < 4; ++u) {  // 4 independent loads in flight
      const int t = t0 + u * ROWS;
      vr[u] = t < n_tok ? reinterpret_cast<const uint4*>(
                              a.v + ((size_t(bt[t / BS]) * KVH + kvh) * BS + t % BS) * HD)[cc]
                        : make_uint4(0, 0, 0, 0);
    }
#pragma unroll
    for (int u = 0; u < 4; ++u) {
      const int t = t0 + u * ROWS;
      if (t >= n_tok) break;
      float vf[8];
      unpack8(vr[u], vf);
#pragma unroll
      for (int h = 0; h < G; ++h) {
        const float pw = s_p[h][t];
#pragma unroll
        for (int d = 0; d < 8; ++d) acc[h][d] = fmaf(pw, vf[d], acc[h][d]);
      }
    }
  }
#pragma unroll
  for (int h = 0; h < G; ++h)
#pragma unroll
    for (int d = 0; d < 8; ++d) s_red[r][h][cc * 8 + d] = acc[h][d];
  __syncthreads();

  const size_t qh0 = (size_t(b) * KVH + kvh) * G;
  for (int o = threadIdx.x; o < G * HD; o += THREADS) {
    const int h = o / HD, d = o % HD;
    float s = 0;
#pragma unroll
    for (int rr = 0; rr < ROWS; ++rr) s += s_red[rr][h][d];
    if (a.num_parts == 1) a.out[(qh0 + h) * HD + d] = __float2bfloat16(s / s_l[h]);
    else a.part_o[((qh0 + h) * a.num_parts + part) * HD + d] = s;
  }
  if (a.num_parts > 1 && threadIdx.x < G) {
    a.part_m[(qh0 + threadIdx.x) * a.num_parts + part] = s_m[threadIdx.x];
    a.part_l[(qh0 + threadIdx.x) * a.num_parts + part] = s_l[threadIdx.x];
  }
}

// grid (KVH*G, B), block HD: merges the partitions of one query head.
__global__ void __launch_bounds__(HD) attn_reduce(Args a) {
  const int b = blockIdx.y;
  const size_t qh = size_t(b) * KVH * G + blockIdx.x;
  const int np = (a.ctx_len[b] + PART - 1) / PART;
  float M = -INFINITY;
  for (int p = 0; p < np; ++p) M = fmaxf(M, a.part_m[qh * a.num_parts + p]);
  float L = 0, o = 0;
  for (int p = 0; p < np; ++p) {
    const float w = __expf(a.part_m[qh * a.num_parts + p] - M);
    L += w * a.part_l[qh * a.num_parts + p];
    o += w * a.part_o[(qh * a.num_parts + p) * HD + threadIdx.x];
  }
  a.out[qh * HD + threadIdx.x] = __float2bfloat16(o / L);
}

void launch_attention(const Args& a, int batch, cudaStream_t s) {
  attn_partial<<<dim3(a.num_parts, KVH, batch), THREADS, 0, s>>>(a);
  if (a.num_parts > 1) attn_reduce<<<dim3(KVH * G, batch), HD, 0, s>>>(a);
}

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
  Args args{};
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
    args = Args{q.as<__nv_bfloat16>(), cache.k.as<__nv_bfloat16>(), cache.v.as<__nv_bfloat16>(),
                bt.as<int>(), len.as<int>(), max_blocks, parts, 1.0f / std::sqrt(float(HD)),
                po.as<float>(), pm.as<float>(), pl.as<float>(), out.as<__nv_bfloat16>()};
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
  const Args args = pb.args;
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
  Args a{q.as<__nv_bfloat16>(), k.as<__nv_bfloat16>(), v.as<__nv_bfloat16>(), bt.as<int>(), len.as<int>(),
         max_blocks, parts, 1.0f / std::sqrt(float(HD)), po.as<float>(), pm.as<float>(), pl.as<float>(),
         out.as<__nv_bfloat16>()};
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
