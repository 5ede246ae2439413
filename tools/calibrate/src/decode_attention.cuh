// Split-K paged decode attention (one query token per sequence), shared by
// the attention group (GQA 8, 8 KV heads) and the layer group (GQA 4 and 8,
// KV heads of the shard): one implementation, so the layer's decode timing
// and the attention fit measure the same kernel. Reference kernel, not a
// tuned library kernel.
//
// Layout: K and V caches are [blocks][kv_heads][BS tokens][HD] bf16; each
// sequence owns a block table of physical blocks. Partition p of a sequence
// covers tokens [p * PART, (p + 1) * PART); with more than one partition the
// unnormalised partials are merged by decode_reduce.
//
// Everything here has internal linkage (unnamed namespace), as the kernels
// had in their groups: each including .cu compiles its own instantiations.
#pragma once

#include <cuda_bf16.h>
#include <cuda_runtime.h>

#include <cmath>
#include <cstddef>

#include "bf16x8.cuh"

namespace calib {
namespace {

using bf16 = __nv_bfloat16;

constexpr int HD = 128;        // head dim (all attention kernels assume it)
constexpr int BS = 16;         // tokens per KV block
constexpr int PART = 256;      // decode: tokens per CTA (split-K partition)
constexpr int DTHREADS = 128;  // decode CTA
constexpr int DWARPS = DTHREADS / 32;
constexpr int DROWS = DTHREADS / 16;  // decode V-phase token rows in flight

struct DecodeArgs {
  const bf16* q;            // [B][kv_heads * G][HD]
  const bf16* k;            // [blocks][kv_heads][BS][HD]
  const bf16* v;
  const int* block_table;   // [B][max_blocks]
  const int* ctx_len;       // [B]
  int kv_heads, max_blocks, num_parts;
  float scale;
  float* part_o;            // [B * heads][num_parts][HD] unnormalised
  float* part_m;            // [B * heads][num_parts] running max
  float* part_l;            // [B * heads][num_parts] sum of exp
  bf16* out;                // [B][heads * HD]
};

// Reduce-scatter of N per-head partial dot products over the 16 lanes of a
// half-warp (lane offsets OFF, OFF/2, ...): afterwards lane c holds the full
// score of head `head` (valid on lanes with c % (16 / N) == 0).
template <int N, int OFF>
__device__ __forceinline__ void head_reduce(float* p, int c, int& head) {
  if constexpr (N > 1) {
    constexpr int H = N / 2;
    const bool up = c & OFF;
#pragma unroll
    for (int j = 0; j < H; ++j) {
      const float keep = up ? p[j + H] : p[j], give = up ? p[j] : p[j + H];
      p[j] = keep + __shfl_xor_sync(0xffffffffu, give, OFF);
    }
    if (up) head += H;
    head_reduce<H, OFF / 2>(p, c, head);
  } else if constexpr (OFF >= 1) {
    p[0] += __shfl_xor_sync(0xffffffffu, p[0], OFF);
    head_reduce<1, OFF / 2>(p, c, head);
  }
}

// grid (num_parts, kv_heads, B). Phase 1: each half-warp scores one token (16
// lanes x 8 dims) for all G heads, then a reduce-scatter leaves one head's
// score per lane group. Phase 2: softmax statistics per head. Phase 3: 16
// lanes cover one V row; DROWS rows in flight; partial outputs reduced in smem.
// The KV head count is a runtime argument for both groups (a compile-time
// count saved one PTX instruction: not worth a second template parameter).
template <int G>
__global__ void __launch_bounds__(DTHREADS) decode_partial(DecodeArgs a) {
  static_assert(G == 4 || G == 8, "G must divide the 16-lane reduce-scatter and keep smem < 48 KiB");
  const int part = blockIdx.x, kvh = blockIdx.y, b = blockIdx.z, nkv = a.kv_heads;
  const int len = a.ctx_len[b];
  const int t_begin = part * PART;
  if (t_begin >= len) return;
  const int n_tok = min(len - t_begin, PART);
  const int n_blk = (n_tok + BS - 1) / BS;
  const int* bt = a.block_table + size_t(b) * a.max_blocks + t_begin / BS;

  __shared__ float s_p[G][PART];
  __shared__ float s_red[DROWS][G][HD];
  __shared__ float s_m[G], s_l[G];

  const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
  const int c = lane & 15, half = lane >> 4;

  float q[G][8];
#pragma unroll
  for (int h = 0; h < G; ++h) {
    const uint4 u = reinterpret_cast<const uint4*>(a.q + ((size_t(b) * nkv + kvh) * G + h) * HD)[c];
    unpack8(u, q[h]);
#pragma unroll
    for (int d = 0; d < 8; ++d) q[h][d] *= a.scale;
  }

  for (int jb = warp; jb < n_blk; jb += DWARPS) {
    const uint4* kp = reinterpret_cast<const uint4*>(a.k + (size_t(bt[jb]) * nkv + kvh) * BS * HD);
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
      int head = 0;
      head_reduce<G, 8>(p, c, head);
      const int tok = jb * BS + 2 * i + half;
      if ((c & (16 / G - 1)) == 0) s_p[head][tok] = tok < n_tok ? p[0] : -INFINITY;
    }
  }
  __syncthreads();

  for (int h = warp; h < G; h += DWARPS) {
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
  for (int t0 = r; t0 < n_tok; t0 += 4 * DROWS) {
    uint4 vr[4];
#pragma unroll
    for (int u = 0; u < 4; ++u) {  // 4 independent loads in flight
      const int t = t0 + u * DROWS;
      vr[u] = t < n_tok ? reinterpret_cast<const uint4*>(
                              a.v + ((size_t(bt[t / BS]) * nkv + kvh) * BS + t % BS) * HD)[cc]
                        : make_uint4(0, 0, 0, 0);
    }
#pragma unroll
    for (int u = 0; u < 4; ++u) {
      const int t = t0 + u * DROWS;
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

  const size_t qh0 = (size_t(b) * nkv + kvh) * G;
  for (int o = threadIdx.x; o < G * HD; o += DTHREADS) {
    const int h = o / HD, d = o % HD;
    float s = 0;
#pragma unroll
    for (int rr = 0; rr < DROWS; ++rr) s += s_red[rr][h][d];
    if (a.num_parts == 1) a.out[(qh0 + h) * HD + d] = __float2bfloat16(s / s_l[h]);
    else a.part_o[((qh0 + h) * a.num_parts + part) * HD + d] = s;
  }
  if (a.num_parts > 1 && threadIdx.x < G) {
    a.part_m[(qh0 + threadIdx.x) * a.num_parts + part] = s_m[threadIdx.x];
    a.part_l[(qh0 + threadIdx.x) * a.num_parts + part] = s_l[threadIdx.x];
  }
}

// grid (heads, B), block HD: merges the partitions of one query head.
__global__ void __launch_bounds__(HD) decode_reduce(DecodeArgs a) {
  const int b = blockIdx.y;
  const size_t qh = size_t(b) * gridDim.x + blockIdx.x;
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

// Partials, then (only when a sequence is split) the merge. G is the number of
// query heads per KV head; a.kv_heads * G query heads per sequence.
template <int G>
void launch_decode(const DecodeArgs& a, int batch, cudaStream_t s) {
  const dim3 grid(unsigned(a.num_parts), unsigned(a.kv_heads), unsigned(batch));
  decode_partial<G><<<grid, DTHREADS, 0, s>>>(a);
  if (a.num_parts > 1) decode_reduce<<<dim3(unsigned(a.kv_heads * G), unsigned(batch)), HD, 0, s>>>(a);
}

}  // namespace
}  // namespace calib
