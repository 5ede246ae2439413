// layer group: one real Llama-3.1 decoder layer (bf16, one GPU holding a TP
// shard, no all-reduce) timed end to end, so the simulator can compare its
// iteration-model prediction (from this profile's GEMM/HBM/attention fits)
// with a measured layer.
//
// Per call, in stream order (T = tokens of the step):
//   rmsnorm(x) -> xn                         elementwise
//   qkv = xn * Wqkv^T                        cuBLASLt (same LtMatmul as gemm)
//   rope(q, k); k, v -> paged KV cache       elementwise
//   attention(q, cache) -> a                 decode: split-K paged kernel
//                                            (decode_attention.cuh, shared with
//                                            the attention group); prefill:
//                                            reference causal WMMA kernel
//   o = a * Wo^T                             cuBLASLt
//   h = x + o; hn = rmsnorm(h)               elementwise (fused, as in vLLM)
//   gu = hn * Wgu^T                          cuBLASLt (gate and up fused)
//   act = silu(gate) * up                    elementwise
//   d = act * Wd^T                           cuBLASLt
//   y = h + d                                elementwise
//
// Weights are cycled over copies (as the gemm group rotates W) so they stream
// from HBM as in a real forward pass; decode KV caches get their own copies
// for the attention-only timing.
#include <cuda_bf16.h>
#include <mma.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <numeric>
#include <random>

#include "bf16x8.cuh"
#include "cuda_util.hpp"
#include "decode_attention.cuh"
#include "groups.hpp"
#include "kernels.hpp"
#include "lt_gemm.hpp"
#include "progress.hpp"

namespace calib {
namespace {

// bf16, HD, BS, PART and the decode kernel: decode_attention.cuh.
constexpr int PF_WARPS = 4;    // prefill: warps per CTA, 16 query rows each
constexpr int PF_KT = 32;      // prefill: keys per tile (two KV blocks)
constexpr int ETHREADS = 256;  // elementwise kernels
constexpr float kRmsEps = 1e-5f;
constexpr double kRopeTheta = 500000.0;  // Llama-3.1

// ---------------------------------------------------------------------------
// Elementwise kernels (bf16 in/out, fp32 math; unpack8/pack8 from bf16x8.cuh)

// Sum over the CTA (blockDim.x a multiple of 32, <= 1024).
__device__ float block_sum(float v) {
  __shared__ float sh[32];
#pragma unroll
  for (int o = 16; o; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
  const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
  if (lane == 0) sh[warp] = v;
  __syncthreads();
  if (warp == 0) {
    v = lane < int(blockDim.x / 32) ? sh[lane] : 0.f;
#pragma unroll
    for (int o = 16; o; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
    if (lane == 0) sh[0] = v;
  }
  __syncthreads();
  return sh[0];
}

// out = x * inv * w over one row, columns strided by thread.
__device__ void scale_row(const uint4* x, const uint4* w, uint4* out, int cols, float inv) {
  for (int c = threadIdx.x; c < cols; c += blockDim.x) {
    float f[8], g[8];
    unpack8(x[c], f);
    unpack8(w[c], g);
#pragma unroll
    for (int i = 0; i < 8; ++i) f[i] = f[i] * inv * g[i];
    out[c] = pack8(f);
  }
}

// out = x / rms(x) * w, one CTA per token; cols = hidden / 8.
__global__ void __launch_bounds__(ETHREADS) rmsnorm_kernel(const uint4* x, const uint4* w, uint4* out, int cols,
                                                           float eps) {
  const size_t row = size_t(blockIdx.x) * cols;
  float ss = 0;
  for (int c = threadIdx.x; c < cols; c += blockDim.x) {
    float f[8];
    unpack8(x[row + c], f);
#pragma unroll
    for (int i = 0; i < 8; ++i) ss = fmaf(f[i], f[i], ss);
  }
  scale_row(x + row, w, out + row, cols, rsqrtf(block_sum(ss) / float(cols * 8) + eps));
}

// h = x + o (bf16, the residual stream); hn = h / rms(h) * w.
__global__ void __launch_bounds__(ETHREADS) add_rmsnorm_kernel(const uint4* x, const uint4* o, const uint4* w,
                                                               uint4* h, uint4* hn, int cols, float eps) {
  const size_t row = size_t(blockIdx.x) * cols;
  float ss = 0;
  for (int c = threadIdx.x; c < cols; c += blockDim.x) {
    float a[8], b[8];
    unpack8(x[row + c], a);
    unpack8(o[row + c], b);
#pragma unroll
    for (int i = 0; i < 8; ++i) a[i] += b[i];
    const uint4 u = pack8(a);
    h[row + c] = u;
    unpack8(u, a);  // statistics of the rounded residual, as it is stored
#pragma unroll
    for (int i = 0; i < 8; ++i) ss = fmaf(a[i], a[i], ss);
  }
  // Same thread-to-column mapping as above: each thread reads back the h it wrote.
  scale_row(h + row, w, hn + row, cols, rsqrtf(block_sum(ss) / float(cols * 8) + eps));
}

// act[t][j] = silu(gu[t][j]) * gu[t][ffn + j]; n8 = tokens * ffn / 8.
__global__ void __launch_bounds__(ETHREADS) silu_mul_kernel(const uint4* gu, uint4* act, int ffn8, size_t n8) {
  const size_t i = size_t(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i >= n8) return;
  const size_t t = i / size_t(ffn8), j = i % size_t(ffn8);
  float g[8], u[8];
  unpack8(gu[t * 2 * ffn8 + j], g);
  unpack8(gu[t * 2 * ffn8 + ffn8 + j], u);
#pragma unroll
  for (int k = 0; k < 8; ++k) g[k] = g[k] / (1.f + __expf(-g[k])) * u[k];
  act[i] = pack8(g);
}

// y = a + b over n8 16-byte chunks.
__global__ void __launch_bounds__(ETHREADS) add_kernel(const uint4* a, const uint4* b, uint4* y, size_t n8) {
  const size_t i = size_t(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i >= n8) return;
  float f[8], g[8];
  unpack8(a[i], f);
  unpack8(b[i], g);
#pragma unroll
  for (int k = 0; k < 8; ++k) f[k] += g[k];
  y[i] = pack8(f);
}

__global__ void scale_kernel(bf16* p, size_t n, float s) {
  const size_t stride = size_t(gridDim.x) * blockDim.x;
  for (size_t i = size_t(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += stride)
    p[i] = __float2bfloat16(__bfloat162float(p[i]) * s);
}

// RoPE (rotate-half / NeoX layout, theta 500000) on q and k of each token,
// q -> q buffer [T][heads][HD], k and v -> paged cache at the token's
// position. Token t belongs to sequence t / tokens_per_seq at position
// pos0 + t % tokens_per_seq. One CTA per token.
struct RopeArgs {
  const bf16* qkv;          // [T][(heads + 2 kv_heads) * HD]: q heads, k heads, v heads
  bf16* q;                  // [T][heads][HD]
  bf16* k;                  // [blocks][kv_heads][BS][HD]
  bf16* v;
  const int* block_table;   // [seqs][max_blocks]
  int max_blocks, heads, kv_heads, tokens_per_seq, pos0;
  float log2_theta;
};

__global__ void __launch_bounds__(ETHREADS) rope_kv_kernel(RopeArgs a) {
  const int t = blockIdx.x;
  const int seq = t / a.tokens_per_seq, pos = a.pos0 + t % a.tokens_per_seq;
  const size_t blk = size_t(a.block_table[size_t(seq) * a.max_blocks + pos / BS]);
  const int slot = pos % BS;
  const bf16* row = a.qkv + size_t(t) * (a.heads + 2 * a.kv_heads) * HD;
  const int nrot = (a.heads + a.kv_heads) * (HD / 2);
  const int ncopy = a.kv_heads * (HD / 2);
  for (int idx = threadIdx.x; idx < nrot + ncopy; idx += blockDim.x) {
    if (idx < nrot) {
      const int hh = idx / (HD / 2), i = idx % (HD / 2);
      const float inv_freq = exp2f(-float(2 * i) / float(HD) * a.log2_theta);
      float sn, cs;
      sincosf(float(pos) * inv_freq, &sn, &cs);
      const float x1 = __bfloat162float(row[hh * HD + i]), x2 = __bfloat162float(row[hh * HD + i + HD / 2]);
      bf16* dst = hh < a.heads ? a.q + (size_t(t) * a.heads + hh) * HD
                               : a.k + ((blk * a.kv_heads + (hh - a.heads)) * BS + slot) * HD;
      dst[i] = __float2bfloat16(x1 * cs - x2 * sn);
      dst[i + HD / 2] = __float2bfloat16(x2 * cs + x1 * sn);
    } else {
      const int j = idx - nrot, kh = j / (HD / 2), i = (j % (HD / 2)) * 2;
      const __nv_bfloat162 val = *reinterpret_cast<const __nv_bfloat162*>(row + (a.heads + a.kv_heads + kh) * HD + i);
      *reinterpret_cast<__nv_bfloat162*>(a.v + ((blk * a.kv_heads + kh) * BS + slot) * HD + i) = val;
    }
  }
}

// ---------------------------------------------------------------------------
// Prefill attention: reference causal kernel over one sequence's paged KV
// cache (prior context + this chunk, already written by rope_kv_kernel).
// Each warp owns 16 query rows of one head and walks 32-key tiles with bf16
// WMMA (S = Q K^T, O += P V), fp32 online softmax, P rounded to bf16, O kept
// in shared memory. Not FlashAttention: no K/V staging or pipelining.

struct PrefillArgs {
  const bf16* q;            // [T][heads][HD]
  const bf16* k;            // [blocks][kv_heads][BS][HD]
  const bf16* v;
  const int* block_table;   // [max_blocks] of the sequence
  int tokens, ctx0, heads, kv_heads;
  float scale;
  bf16* out;                // [T][heads * HD]
};

__global__ void __launch_bounds__(PF_WARPS * 32) prefill_attn(PrefillArgs a) {
  using namespace nvcuda;
  __shared__ __align__(32) float s_s[PF_WARPS][16][PF_KT];
  __shared__ __align__(32) bf16 s_p[PF_WARPS][16][PF_KT];
  __shared__ __align__(32) float s_o[PF_WARPS][16][HD];

  const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
  const int h = blockIdx.y, kh = h / (a.heads / a.kv_heads);
  const int r0 = (blockIdx.x * PF_WARPS + warp) * 16;
  if (r0 >= a.tokens) return;  // tokens % 16 == 0; warps are independent
  const int qld = a.heads * HD;

  wmma::fragment<wmma::matrix_a, 16, 16, 16, bf16, wmma::row_major> qf[HD / 16];
#pragma unroll
  for (int kk = 0; kk < HD / 16; ++kk) wmma::load_matrix_sync(qf[kk], a.q + size_t(r0) * qld + h * HD + kk * 16, qld);
  float* so = &s_o[warp][0][0];
  for (int i = lane; i < 16 * HD; i += 32) so[i] = 0.f;

  const int row = lane >> 1, half = lane & 1;
  const int pos = a.ctx0 + r0 + row;  // this lane's query position
  const int kmax = a.ctx0 + r0 + 15;  // last key any row of the warp sees
  float m = -INFINITY, l = 0.f;
  __syncwarp();

  for (int j0 = 0; j0 <= kmax; j0 += PF_KT) {
    const int nsub = j0 + 16 <= kmax ? 2 : 1;  // 16-key blocks of the tile in use
#pragma unroll
    for (int cb = 0; cb < 2; ++cb) {  // constant indices keep fragments in registers
      if (cb >= nsub) break;
      const bf16* kp = a.k + (size_t(a.block_table[j0 / BS + cb]) * a.kv_heads + kh) * BS * HD;
      wmma::fragment<wmma::accumulator, 16, 16, 16, float> sf;
      wmma::fill_fragment(sf, 0.f);
#pragma unroll
      for (int kk = 0; kk < HD / 16; ++kk) {
        // B = K^T (dims x keys): key n, dim d at kp[n * HD + d] -> column-major.
        wmma::fragment<wmma::matrix_b, 16, 16, 16, bf16, wmma::col_major> kf;
        wmma::load_matrix_sync(kf, kp + kk * 16, HD);
        wmma::mma_sync(sf, qf[kk], kf, sf);
      }
      wmma::store_matrix_sync(&s_s[warp][0][cb * 16], sf, PF_KT, wmma::mem_row_major);
    }
    __syncwarp();

    // Online softmax: lane pair (2r, 2r+1) owns row r, 16 keys each.
    float sv[16];
    float mx = -INFINITY;
#pragma unroll
    for (int c = 0; c < 16; ++c) {
      const int j = j0 + half * 16 + c;
      sv[c] = j <= pos ? s_s[warp][row][half * 16 + c] * a.scale : -INFINITY;  // causal mask
      mx = fmaxf(mx, sv[c]);
    }
    mx = fmaxf(mx, __shfl_xor_sync(0xffffffffu, mx, 1));
    const float m_new = fmaxf(m, mx);  // finite: key 0 is in every row's first tile
    const float alpha = __expf(m - m_new);
    float sum = 0.f;
#pragma unroll
    for (int c = 0; c < 16; ++c) {
      const bf16 pb = __float2bfloat16(__expf(sv[c] - m_new));
      s_p[warp][row][half * 16 + c] = pb;
      sum += __bfloat162float(pb);
    }
    sum += __shfl_xor_sync(0xffffffffu, sum, 1);
    l = l * alpha + sum;
    m = m_new;
    float* orow = &s_o[warp][row][half * (HD / 2)];
#pragma unroll 8
    for (int d = 0; d < HD / 2; ++d) orow[d] *= alpha;
    __syncwarp();

    wmma::fragment<wmma::matrix_a, 16, 16, 16, bf16, wmma::row_major> pf[2];
#pragma unroll
    for (int cb = 0; cb < 2; ++cb)
      if (cb < nsub) wmma::load_matrix_sync(pf[cb], &s_p[warp][0][cb * 16], PF_KT);
    for (int df = 0; df < HD / 16; ++df) {
      wmma::fragment<wmma::accumulator, 16, 16, 16, float> of;
      wmma::load_matrix_sync(of, &s_o[warp][0][df * 16], HD, wmma::mem_row_major);
#pragma unroll
      for (int cb = 0; cb < 2; ++cb) {
        if (cb >= nsub) break;
        // B = V (keys x dims), row-major within the block.
        const bf16* vp = a.v + (size_t(a.block_table[j0 / BS + cb]) * a.kv_heads + kh) * BS * HD + df * 16;
        wmma::fragment<wmma::matrix_b, 16, 16, 16, bf16, wmma::row_major> vf;
        wmma::load_matrix_sync(vf, vp, HD);
        wmma::mma_sync(of, pf[cb], vf, of);
      }
      wmma::store_matrix_sync(&s_o[warp][0][df * 16], of, HD, wmma::mem_row_major);
    }
    __syncwarp();
  }

  const float inv = 1.f / l;
  bf16* op = a.out + size_t(r0 + row) * qld + h * HD + half * (HD / 2);
  const float* orow = &s_o[warp][row][half * (HD / 2)];
  for (int d = 0; d < HD / 2; ++d) op[d] = __float2bfloat16(orow[d] * inv);
}

// ---------------------------------------------------------------------------
// Shapes

struct Shard {
  const char* model;
  int tp, hidden, heads, kv_heads, ffn;  // per-GPU sizes
};
// Llama-3.1-8B at TP1 and Llama-3.1-70B at TP8 (64/8 q heads, 8/8 KV heads,
// 28672/8 ffn).
const Shard kShards[] = {{"llama-3.1-8b", 1, 4096, 32, 8, 14336}, {"llama-3.1-70b", 8, 8192, 8, 1, 3584}};

struct Spec {
  Shard sh;
  bool prefill;
  int batch;    // decode sequences (0 for prefill)
  int context;  // tokens already cached per sequence
  int chunk;    // prefill tokens (0 for decode)

  int tokens() const { return prefill ? chunk : batch; }
  int seqs() const { return prefill ? 1 : batch; }
  int kv_len() const { return context + (prefill ? chunk : 1); }  // keys the last token sees
  int blocks_per_seq() const { return (kv_len() + BS - 1) / BS; }
  int parts() const { return prefill ? 0 : (kv_len() + PART - 1) / PART; }
  long long qkv_n() const { return (long long)(sh.heads + 2 * sh.kv_heads) * HD; }
  long long attn_dim() const { return (long long)sh.heads * HD; }
  // Elements of Wqkv, Wo, Wgu, Wd (in that order in an instance).
  long long w_qkv() const { return qkv_n() * sh.hidden; }
  long long w_o() const { return (long long)sh.hidden * attn_dim(); }
  long long w_gu() const { return 2LL * sh.ffn * sh.hidden; }
  long long w_d() const { return (long long)sh.hidden * sh.ffn; }
  long long weight_elems() const { return w_qkv() + w_o() + w_gu() + w_d(); }
  double weight_bytes() const { return 2.0 * double(weight_elems()); }
  // K + V pool bytes of one cache copy.
  double kv_copy_bytes() const { return 2.0 * seqs() * blocks_per_seq() * double(sh.kv_heads) * BS * HD * 2; }
  // K + V bytes the attention reads at least once per call.
  double kv_read_bytes() const { return double(seqs()) * kv_len() * sh.kv_heads * HD * 2.0 * 2.0; }
  double gemm_flops() const { return 2.0 * tokens() * double(weight_elems()); }
  double attention_flops() const {
    const double per_key = 4.0 * sh.heads * HD;  // QK^T and PV
    if (!prefill) return per_key * batch * kv_len();
    const double T = chunk;
    return per_key * (T * context + T * (T + 1) / 2);  // causal
  }
  // Activation buffers: x, xn, o, h, hn, dn, y [T][hidden]; qkv; q and attn
  // [T][heads*HD]; gu [T][2 ffn]; act [T][ffn].
  double act_bytes() const {
    return 2.0 * tokens() * (7.0 * sh.hidden + double(qkv_n()) + 2.0 * double(attn_dim()) + 3.0 * sh.ffn);
  }
  double partial_bytes() const { return parts() > 1 ? double(batch) * sh.heads * parts() * (HD + 2) * 4.0 : 0; }
  double bytes(int n_w, int n_kv) const {
    return n_w * weight_bytes() + act_bytes() + n_kv * kv_copy_bytes() + partial_bytes() +
           n_kv * 4.0 * seqs() * blocks_per_seq() + double(kLtWorkspace) + 4.0 * sh.hidden + (8 << 20);
  }
  std::string label() const {
    return prefill ? strf("%s/tp%d prefill chunk=%d context=%d", sh.model, sh.tp, chunk, context)
                   : strf("%s/tp%d decode batch=%d context=%d", sh.model, sh.tp, batch, context);
  }
};

std::vector<Spec> plan_specs(bool quick) {
  std::vector<Spec> v;
  for (const Shard& sh : kShards) {
    if (quick && sh.tp != 1) continue;  // quick: the 8B shard only
    for (int b : quick ? std::vector<int>{1, 64} : std::vector<int>{1, 8, 64, 256}) v.push_back({sh, false, b, 1024, 0});
    for (int t : quick ? std::vector<int>{512} : std::vector<int>{512, 2048}) v.push_back({sh, true, 0, 0, t});
  }
  return v;
}

// Copies of the weights (and, for decode, of the KV cache) cycled through so
// they are not L2-resident: as the gemm group, at least max(3 x L2, 256 MiB).
struct Rotation {
  int n_w = 1, n_kv = 1;
};
Rotation plan_rotation(const Spec& sp, double l2_bytes, double budget) {
  const double rot = std::max(3.0 * l2_bytes, 256.0 * kMiB);
  Rotation r;
  r.n_w = int(std::clamp(std::ceil(rot / sp.weight_bytes()), 1.0, 16.0));
  // Prefill writes the chunk's K/V right before reading it (L2-hot in a real
  // engine as well): one copy.
  r.n_kv = sp.prefill ? 1 : int(std::clamp(std::ceil(rot / sp.kv_copy_bytes()), 1.0, 256.0));
  while (sp.bytes(r.n_w, r.n_kv) > budget && r.n_kv > 1) r.n_kv = std::max(1, r.n_kv / 2);
  while (sp.bytes(r.n_w, r.n_kv) > budget && r.n_w > 1) --r.n_w;
  if (sp.bytes(r.n_w, r.n_kv) > budget)
    throw Skip(strf("needs %.1f GiB, budget is %.1f GiB", sp.bytes(1, 1) / kGiB, budget / kGiB));
  return r;
}

// ---------------------------------------------------------------------------
// One decoder layer with its buffers.

class Layer {
 public:
  Layer(const Spec& sp, cublasLtHandle_t lt, Rotation rot, unsigned seed, cudaStream_t s)
      : sp_(sp), n_w_(rot.n_w), n_kv_(rot.n_kv) {
    const int G = sp.sh.heads / sp.sh.kv_heads;
    if (sp.sh.heads % sp.sh.kv_heads || (G != 4 && G != 8))
      throw Error(strf("layer kernels support 4 or 8 query heads per KV head, not %d/%d", sp.sh.heads,
                       sp.sh.kv_heads));
    if (sp.sh.hidden % 8 || sp.sh.ffn % 8 || sp.tokens() <= 0 || (sp.prefill && sp.chunk % 16))
      throw Error("layer shapes need hidden, ffn multiple of 8 and prefill chunks multiple of 16");
    const size_t T = size_t(sp.tokens()), H = size_t(sp.sh.hidden), F = size_t(sp.sh.ffn);
    inst_elems_ = size_t(sp.weight_elems());
    w.alloc(size_t(n_w_) * inst_elems_ * 2);
    nw1.alloc(H * 2);
    nw2.alloc(H * 2);
    for (DevBuf* b : {&x, &xn, &o, &h, &hn, &dn, &y}) b->alloc(T * H * 2);
    qkv.alloc(T * size_t(sp.qkv_n()) * 2);
    q.alloc(T * size_t(sp.attn_dim()) * 2);
    attn.alloc(T * size_t(sp.attn_dim()) * 2);
    gu.alloc(T * 2 * F * 2);
    act.alloc(T * F * 2);
    ws.alloc(kLtWorkspace);

    // KV pool: n_kv copies of every sequence's blocks, physically shuffled
    // like a long-running paged allocator.
    bps_ = sp.blocks_per_seq();
    const size_t nb = size_t(n_kv_) * size_t(sp.seqs()) * size_t(bps_);
    block_elems_ = size_t(sp.sh.kv_heads) * BS * HD;
    kc.alloc(nb * block_elems_ * 2);
    vc.alloc(nb * block_elems_ * 2);
    table.resize(nb);
    std::iota(table.begin(), table.end(), 0);
    std::shuffle(table.begin(), table.end(), std::mt19937(seed));
    bt.alloc(nb * sizeof(int));
    CUDA_TRY(cudaMemcpy(bt.get(), table.data(), bt.size(), cudaMemcpyHostToDevice));
    if (!sp.prefill) {
      std::vector<int> lens(size_t(sp.seqs()), sp.kv_len());
      len.alloc(lens.size() * sizeof(int));
      CUDA_TRY(cudaMemcpy(len.get(), lens.data(), len.size(), cudaMemcpyHostToDevice));
      if (sp.parts() > 1) {
        const size_t qh = size_t(sp.batch) * sp.sh.heads * sp.parts();
        po.alloc(qh * HD * 4);
        pm.alloc(qh * 4);
        pl.alloc(qh * 4);
      }
    }

    // Random finite data. Weights scaled by 1/sqrt(k) (Wqkv by 4/sqrt(k) so
    // attention scores are neither flat nor one-hot).
    fill_random(w.get(), w.size(), FillKind::Bf16, seed + 1, s);
    for (int i = 0; i < n_w_; ++i) {
      scale(wp(i, kQkv), size_t(sp.w_qkv()), 4.0f / std::sqrt(float(H)), s);
      scale(wp(i, kO), size_t(sp.w_o()), 1.0f / std::sqrt(float(sp.attn_dim())), s);
      scale(wp(i, kGu), size_t(sp.w_gu()), 1.0f / std::sqrt(float(H)), s);
      scale(wp(i, kD), size_t(sp.w_d()), 1.0f / std::sqrt(float(F)), s);
    }
    fill_random(nw1.get(), nw1.size(), FillKind::Bf16, seed + 2, s);
    fill_random(nw2.get(), nw2.size(), FillKind::Bf16, seed + 3, s);
    fill_random(x.get(), x.size(), FillKind::Bf16, seed + 4, s);
    fill_random(kc.get(), kc.size(), FillKind::Bf16, seed + 5, s);
    fill_random(vc.get(), vc.size(), FillKind::Bf16, seed + 6, s);
    CUDA_TRY(cudaStreamSynchronize(s));

    const long long Tl = sp.tokens();
    mm_qkv = std::make_unique<LtMatmul>(lt, GemmType::Bf16, Tl, sp.qkv_n(), sp.sh.hidden);
    mm_o = std::make_unique<LtMatmul>(lt, GemmType::Bf16, Tl, sp.sh.hidden, sp.attn_dim());
    mm_gu = std::make_unique<LtMatmul>(lt, GemmType::Bf16, Tl, 2LL * sp.sh.ffn, sp.sh.hidden);
    mm_d = std::make_unique<LtMatmul>(lt, GemmType::Bf16, Tl, sp.sh.hidden, sp.sh.ffn);
  }

  int n_w() const { return n_w_; }
  int n_kv() const { return n_kv_; }

  // The whole layer; iteration `it` uses weight copy it % n_w and KV copy
  // it % n_kv.
  void full(cudaStream_t s, long long it) const {
    norm1(s);
    gemm_qkv(s, it);
    rope(s, it);
    attention(s, it);
    gemm_o(s, it);
    add_norm(s);
    gemm_gu(s, it);
    silu(s);
    gemm_down(s, it);
    residual(s);
  }
  void gemms(cudaStream_t s, long long it) const {
    gemm_qkv(s, it);
    gemm_o(s, it);
    gemm_gu(s, it);
    gemm_down(s, it);
  }
  void elementwise(cudaStream_t s, long long it) const {
    norm1(s);
    rope(s, it);
    add_norm(s);
    silu(s);
    residual(s);
  }
  void attention(cudaStream_t s, long long it) const {
    const int* tab = bt.as<int>() + size_t(it % n_kv_) * size_t(sp_.seqs()) * size_t(bps_);
    const float sc = 1.0f / std::sqrt(float(HD));
    if (sp_.prefill) {
      PrefillArgs a{q.as<bf16>(), kc.as<bf16>(), vc.as<bf16>(), tab, sp_.chunk, sp_.context, sp_.sh.heads,
                    sp_.sh.kv_heads, sc, attn.as<bf16>()};
      const int rows = PF_WARPS * 16;
      prefill_attn<<<dim3(unsigned((sp_.chunk + rows - 1) / rows), unsigned(sp_.sh.heads)), PF_WARPS * 32, 0, s>>>(a);
      return;
    }
    DecodeArgs a{q.as<bf16>(), kc.as<bf16>(), vc.as<bf16>(), tab, len.as<int>(), sp_.sh.kv_heads, bps_,
                 sp_.parts(), sc, po.as<float>(), pm.as<float>(), pl.as<float>(), attn.as<bf16>()};
    if (sp_.sh.heads / sp_.sh.kv_heads == 4) launch_decode<4>(a, sp_.batch, s);
    else launch_decode<8>(a, sp_.batch, s);
  }

  // For validation: weight matrix `m` of copy i, block table of KV copy c.
  enum Mat { kQkv, kO, kGu, kD };
  bf16* wp(int i, Mat m) const {
    size_t off = size_t(i) * inst_elems_;
    if (m > kQkv) off += size_t(sp_.w_qkv());
    if (m > kO) off += size_t(sp_.w_o());
    if (m > kGu) off += size_t(sp_.w_gu());
    return w.as<bf16>() + off;
  }
  const int* host_table(long long it) const {
    return table.data() + size_t(it % n_kv_) * size_t(sp_.seqs()) * size_t(bps_);
  }
  int bps() const { return bps_; }

  DevBuf w, nw1, nw2, x, xn, qkv, q, attn, o, h, hn, gu, act, dn, y, kc, vc, bt, len, po, pm, pl, ws;
  std::vector<int> table;  // host copy of bt: [n_kv][seqs][bps]

 private:
  static void scale(bf16* p, size_t n, float f, cudaStream_t s) {
    scale_kernel<<<unsigned(std::min<size_t>((n + 255) / 256, 4096)), 256, 0, s>>>(p, n, f);
    CUDA_TRY(cudaGetLastError());
  }
  static unsigned grid_for(size_t n) { return unsigned((n + ETHREADS - 1) / ETHREADS); }

  void gemm_qkv(cudaStream_t s, long long it) const {
    mm_qkv->run(wp(int(it % n_w_), kQkv), xn.get(), qkv.get(), ws.get(), s);
  }
  void gemm_o(cudaStream_t s, long long it) const {
    mm_o->run(wp(int(it % n_w_), kO), attn.get(), o.get(), ws.get(), s);
  }
  void gemm_gu(cudaStream_t s, long long it) const {
    mm_gu->run(wp(int(it % n_w_), kGu), hn.get(), gu.get(), ws.get(), s);
  }
  void gemm_down(cudaStream_t s, long long it) const {
    mm_d->run(wp(int(it % n_w_), kD), act.get(), dn.get(), ws.get(), s);
  }
  void norm1(cudaStream_t s) const {
    rmsnorm_kernel<<<unsigned(sp_.tokens()), ETHREADS, 0, s>>>(x.as<uint4>(), nw1.as<uint4>(), xn.as<uint4>(),
                                                               sp_.sh.hidden / 8, kRmsEps);
  }
  void rope(cudaStream_t s, long long it) const {
    RopeArgs a{qkv.as<bf16>(), q.as<bf16>(), kc.as<bf16>(), vc.as<bf16>(),
               bt.as<int>() + size_t(it % n_kv_) * size_t(sp_.seqs()) * size_t(bps_), bps_, sp_.sh.heads,
               sp_.sh.kv_heads, sp_.prefill ? sp_.chunk : 1, sp_.context, float(std::log2(kRopeTheta))};
    rope_kv_kernel<<<unsigned(sp_.tokens()), ETHREADS, 0, s>>>(a);
  }
  void add_norm(cudaStream_t s) const {
    add_rmsnorm_kernel<<<unsigned(sp_.tokens()), ETHREADS, 0, s>>>(x.as<uint4>(), o.as<uint4>(), nw2.as<uint4>(),
                                                                   h.as<uint4>(), hn.as<uint4>(), sp_.sh.hidden / 8,
                                                                   kRmsEps);
  }
  void silu(cudaStream_t s) const {
    const size_t n8 = size_t(sp_.tokens()) * size_t(sp_.sh.ffn) / 8;
    silu_mul_kernel<<<grid_for(n8), ETHREADS, 0, s>>>(gu.as<uint4>(), act.as<uint4>(), sp_.sh.ffn / 8, n8);
  }
  void residual(cudaStream_t s) const {
    const size_t n8 = size_t(sp_.tokens()) * size_t(sp_.sh.hidden) / 8;
    add_kernel<<<grid_for(n8), ETHREADS, 0, s>>>(h.as<uint4>(), dn.as<uint4>(), y.as<uint4>(), n8);
  }

  Spec sp_;
  int n_w_, n_kv_;
  size_t inst_elems_ = 0, block_elems_ = 0;
  int bps_ = 0;
  std::unique_ptr<LtMatmul> mm_qkv, mm_o, mm_gu, mm_d;
};

// ---------------------------------------------------------------------------
// CPU reference check, stage by stage: every stage's reference is computed
// from the GPU's own input buffers of that stage, so a wrong kernel or wrong
// wiring shows up at the stage where it happens.

std::vector<float> download(const void* p, size_t n) {
  std::vector<bf16> raw(n);
  CUDA_TRY(cudaMemcpy(raw.data(), p, n * 2, cudaMemcpyDeviceToHost));
  std::vector<float> f(n);
  for (size_t i = 0; i < n; ++i) f[i] = __bfloat162float(raw[i]);
  return f;
}

struct StageErr {
  double worst = 0;
  std::string stage;
  void add(const std::string& name, const std::vector<double>& ref, const std::vector<float>& got) {
    double mref = 1e-20, merr = 0;
    for (size_t i = 0; i < ref.size(); ++i) {
      mref = std::max(mref, std::fabs(ref[i]));
      merr = std::max(merr, std::fabs(ref[i] - double(got[i])));
      if (!std::isfinite(got[i])) merr = INFINITY;
    }
    const double e0 = merr / mref;  // max abs error relative to the stage's max |value|
    const double e = std::isnan(e0) ? INFINITY : e0;
    if (e > worst || stage.empty()) {
      worst = e;
      stage = name;
    }
  }
};

// ref[t][n] = sum_k X[t][k] W[n][k]
std::vector<double> ref_gemm(const std::vector<float>& X, const std::vector<float>& W, size_t T, size_t N, size_t K) {
  std::vector<double> Y(T * N);
  for (size_t t = 0; t < T; ++t)
    for (size_t n = 0; n < N; ++n) {
      double s = 0;
      const float* xr = &X[t * K];
      const float* wr = &W[n * K];
      for (size_t k = 0; k < K; ++k) s += double(xr[k]) * wr[k];
      Y[t * N + n] = s;
    }
  return Y;
}

std::vector<double> ref_norm(const std::vector<float>& X, const std::vector<float>& w, size_t T, size_t H) {
  std::vector<double> Y(T * H);
  for (size_t t = 0; t < T; ++t) {
    double ss = 0;
    for (size_t i = 0; i < H; ++i) ss += double(X[t * H + i]) * X[t * H + i];
    const double inv = 1.0 / std::sqrt(ss / double(H) + kRmsEps);
    for (size_t i = 0; i < H; ++i) Y[t * H + i] = X[t * H + i] * inv * w[i];
  }
  return Y;
}

void validate_case(const Spec& sp, cublasLtHandle_t lt, cudaStream_t s, StageErr& err) {
  Layer L(sp, lt, Rotation{2, 2}, 99, s);
  const long long it = 1;  // exercises the weight and KV copy offsets
  L.full(s, it);
  CUDA_TRY(cudaGetLastError());
  CUDA_TRY(cudaStreamSynchronize(s));

  const size_t T = size_t(sp.tokens()), H = size_t(sp.sh.hidden), F = size_t(sp.sh.ffn);
  const size_t QN = size_t(sp.qkv_n()), AD = size_t(sp.attn_dim());
  const int nh = sp.sh.heads, nkv = sp.sh.kv_heads, G = nh / nkv;
  const size_t blk = size_t(nkv) * BS * HD;
  const auto x = download(L.x.get(), T * H), w1 = download(L.nw1.get(), H), w2 = download(L.nw2.get(), H);
  const auto xn = download(L.xn.get(), T * H), qkv = download(L.qkv.get(), T * QN);
  const auto q = download(L.q.get(), T * AD), at = download(L.attn.get(), T * AD);
  const auto o = download(L.o.get(), T * H), h = download(L.h.get(), T * H), hn = download(L.hn.get(), T * H);
  const auto gu = download(L.gu.get(), T * 2 * F), act = download(L.act.get(), T * F);
  const auto dn = download(L.dn.get(), T * H), y = download(L.y.get(), T * H);
  const auto kc = download(L.kc.get(), L.kc.size() / 2), vc = download(L.vc.get(), L.vc.size() / 2);
  const int wi = int(it % L.n_w());
  const auto wqkv = download(L.wp(wi, Layer::kQkv), size_t(sp.w_qkv()));
  const auto wo = download(L.wp(wi, Layer::kO), size_t(sp.w_o()));
  const auto wgu = download(L.wp(wi, Layer::kGu), size_t(sp.w_gu()));
  const auto wd = download(L.wp(wi, Layer::kD), size_t(sp.w_d()));
  const int* tab = L.host_table(it);
  const int bps = L.bps();
  const std::string pre = sp.label() + ": ";

  err.add(pre + "rmsnorm", ref_norm(x, w1, T, H), xn);
  err.add(pre + "qkv gemm", ref_gemm(xn, wqkv, T, QN, H), qkv);

  // RoPE and the KV-cache write (same float formula as the kernel).
  std::vector<double> rq(T * AD);
  std::vector<double> rk, rv;
  std::vector<float> gk, gv;
  const float l2t = float(std::log2(kRopeTheta));
  auto seq_pos = [&](size_t t, int* seq, int* pos) {
    *seq = sp.prefill ? 0 : int(t);
    *pos = sp.context + (sp.prefill ? int(t) : 0);
  };
  for (size_t t = 0; t < T; ++t) {
    int seq, pos;
    seq_pos(t, &seq, &pos);
    const size_t cb = size_t(tab[size_t(seq) * bps + pos / BS]) * blk + size_t(pos % BS) * HD;
    for (int hh = 0; hh < nh + nkv; ++hh)
      for (int i = 0; i < HD / 2; ++i) {
        const double ang = double(float(pos) * exp2f(-float(2 * i) / float(HD) * l2t));
        const double x1 = qkv[t * QN + size_t(hh) * HD + i], x2 = qkv[t * QN + size_t(hh) * HD + i + HD / 2];
        const double o1 = x1 * std::cos(ang) - x2 * std::sin(ang), o2 = x2 * std::cos(ang) + x1 * std::sin(ang);
        if (hh < nh) {
          rq[t * AD + size_t(hh) * HD + i] = o1;
          rq[t * AD + size_t(hh) * HD + i + HD / 2] = o2;
        } else {
          const size_t kb = cb + size_t(hh - nh) * BS * HD;
          rk.push_back(o1);
          gk.push_back(kc[kb + i]);
          rk.push_back(o2);
          gk.push_back(kc[kb + i + HD / 2]);
        }
      }
    for (int kh = 0; kh < nkv; ++kh)
      for (int d = 0; d < HD; ++d) {
        rv.push_back(qkv[t * QN + size_t(nh + nkv + kh) * HD + d]);
        gv.push_back(vc[cb + size_t(kh) * BS * HD + d]);
      }
  }
  err.add(pre + "rope q", rq, q);
  err.add(pre + "rope k -> cache", rk, gk);
  err.add(pre + "v -> cache", rv, gv);

  // Attention over the paged cache (causal for prefill).
  std::vector<double> ra(T * AD);
  for (size_t t = 0; t < T; ++t) {
    int seq, pos;
    seq_pos(t, &seq, &pos);
    const int nkeys = pos + 1;
    for (int hh = 0; hh < nh; ++hh) {
      const int kh = hh / G;
      std::vector<double> sc(static_cast<size_t>(nkeys));
      double mx = -1e300;
      for (int j = 0; j < nkeys; ++j) {
        const size_t base = size_t(tab[size_t(seq) * bps + j / BS]) * blk + (size_t(kh) * BS + j % BS) * HD;
        double d = 0;
        for (int e = 0; e < HD; ++e) d += double(q[t * AD + size_t(hh) * HD + e]) * kc[base + e];
        sc[size_t(j)] = d / std::sqrt(double(HD));
        mx = std::max(mx, sc[size_t(j)]);
      }
      double lsum = 0;
      for (auto& v : sc) lsum += (v = std::exp(v - mx));
      for (int e = 0; e < HD; ++e) {
        double acc = 0;
        for (int j = 0; j < nkeys; ++j) {
          const size_t base = size_t(tab[size_t(seq) * bps + j / BS]) * blk + (size_t(kh) * BS + j % BS) * HD;
          acc += sc[size_t(j)] * vc[base + e];
        }
        ra[t * AD + size_t(hh) * HD + e] = acc / lsum;
      }
    }
  }
  err.add(pre + (sp.prefill ? "prefill attention" : "decode attention"), ra, at);
  err.add(pre + "o gemm", ref_gemm(at, wo, T, H, AD), o);

  std::vector<double> rh(T * H);
  for (size_t i = 0; i < T * H; ++i) rh[i] = double(x[i]) + o[i];
  err.add(pre + "residual 1", rh, h);
  err.add(pre + "add+rmsnorm", ref_norm(h, w2, T, H), hn);
  err.add(pre + "gate_up gemm", ref_gemm(hn, wgu, T, 2 * F, H), gu);
  std::vector<double> ract(T * F);
  for (size_t t = 0; t < T; ++t)
    for (size_t j = 0; j < F; ++j) {
      const double g = gu[t * 2 * F + j], u = gu[t * 2 * F + F + j];
      ract[t * F + j] = g / (1.0 + std::exp(-g)) * u;
    }
  err.add(pre + "silu*mul", ract, act);
  err.add(pre + "down gemm", ref_gemm(act, wd, T, H, F), dn);
  std::vector<double> ry(T * H);
  for (size_t i = 0; i < T * H; ++i) ry[i] = double(h[i]) + dn[i];
  err.add(pre + "residual 2", ry, y);
}

// Small layers: GQA 4 and 8, decode with several partitions, prefill with and
// without prior context and with partial tiles.
Record validate(cublasLtHandle_t lt, cudaStream_t s) {
  const Shard a{"check-g4", 1, 256, 8, 2, 512}, b{"check-g8", 1, 512, 8, 1, 384};
  const Spec cases[] = {{a, false, 3, 600, 0}, {a, true, 0, 40, 80}, {b, false, 2, 256, 0}, {b, true, 0, 0, 64}};
  StageErr err;
  for (const Spec& sp : cases) validate_case(sp, lt, s, err);
  Record r;
  r.set("validation_max_rel_err", err.worst);
  r.set("validation_worst_stage", err.stage);
  r.set("validation_ok", err.worst < 2e-2);
  return r;
}

// ---------------------------------------------------------------------------

Record spec_record(const Spec& sp) {
  Record r;
  r.set("model", sp.sh.model);
  r.set("tp", sp.sh.tp);
  r.set("phase", sp.prefill ? "prefill" : "decode");
  r.set("batch", sp.batch);
  r.set("context", sp.context);
  r.set("tokens", sp.tokens());
  r.set("hidden", sp.sh.hidden);
  r.set("heads", sp.sh.heads);
  r.set("kv_heads", sp.sh.kv_heads);
  r.set("head_dim", HD);
  r.set("ffn", sp.sh.ffn);
  r.set("block_size", BS);
  return r;
}

void measure_spec(Ctx& c, cublasLtHandle_t lt, const Spec& sp, Record& r) {
  const Rotation rot = plan_rotation(sp, double(c.dev.l2_bytes), 0.75 * double(free_device_bytes()));
  Layer L(sp, lt, rot, 17, c.stream);
  MeasureCfg cfg = c.cfg;
  cfg.min_inner = L.n_w();
  Measurement m = measure(c.stream, [&](cudaStream_t s, long long i) { L.full(s, i); }, cfg);

  // Sub-parts, each timed on its own (own graph, same settings).
  Measurement mg = measure(c.stream, [&](cudaStream_t s, long long i) { L.gemms(s, i); }, cfg);
  MeasureCfg acfg = c.cfg;
  acfg.min_inner = L.n_kv();
  Measurement ma = measure(c.stream, [&](cudaStream_t s, long long i) { L.attention(s, i); }, acfg);
  Measurement me = measure(c.stream, [&](cudaStream_t s, long long i) { L.elementwise(s, i); }, c.cfg);

  Record d;
  d.set("gemm_us", mg.us.median);
  d.set("attention_us", ma.us.median);
  d.set("elementwise_us", me.us.median);
  d.set("weight_bytes", (long long)sp.weight_bytes());
  d.set("kv_bytes", (long long)sp.kv_read_bytes());
  d.set("gemm_flops", (long long)sp.gemm_flops());
  d.set("attention_flops", (long long)sp.attention_flops());
  d.set("weight_rotation", L.n_w());
  d.set("kv_rotation", L.n_kv());
  finish_point(c, r, m, d);
}

// Dry-run estimate of one call of each part, microseconds.
struct PartEst {
  double gemm = 0, attention = 0, elementwise = 0;
  double layer() const { return gemm + attention + elementwise; }
};
PartEst estimate(const Spec& sp, const Preset& p) {
  PartEst e;
  const double T = sp.tokens();
  auto gemm_us = [&](double n, double k) {
    const double flops = 2.0 * T * n * k, bytes = 2.0 * (n * k + T * k + T * n);
    return std::max(flops / (p.bf16_tflops * 0.7e12), bytes / (p.hbm_gbps * 0.8e9)) * 1e6 + 4.0;
  };
  e.gemm = gemm_us(double(sp.qkv_n()), sp.sh.hidden) + gemm_us(sp.sh.hidden, double(sp.attn_dim())) +
           gemm_us(2.0 * sp.sh.ffn, sp.sh.hidden) + gemm_us(sp.sh.hidden, sp.sh.ffn);
  e.attention = sp.prefill ? sp.attention_flops() / (p.bf16_tflops * 0.1e12) * 1e6 + 10
                           : sp.kv_read_bytes() / (p.hbm_gbps * 0.5e9) * 1e6 + 10;
  // Bytes the five elementwise kernels read and write.
  const double ew_bytes = 2.0 * T * (9.0 * sp.sh.hidden + double(sp.qkv_n()) + double(sp.attn_dim()) + 3.0 * sp.sh.ffn);
  e.elementwise = ew_bytes / (p.hbm_gbps * 0.5e9) * 1e6 + 5 * 3.0;
  return e;
}

}  // namespace

PlanSummary plan_layer(const Options& o, const Preset& p) {
  PlanSummary ps;
  const MeasureCfg cfg = measure_cfg(o.quick);
  const double l2 = p.l2_mib * kMiB, budget = 0.75 * p.hbm_gib * kGiB * 0.95;
  for (const auto& sp : plan_specs(o.quick)) {
    ++ps.points;
    Rotation rot;
    try {
      rot = plan_rotation(sp, l2, budget);
    } catch (const Skip&) {
      ps.lines.push_back(sp.label() + "  skipped (memory)");
      continue;
    }
    const PartEst e = estimate(sp, p);
    MeasureCfg wc = cfg, kc = cfg;
    wc.min_inner = rot.n_w;
    kc.min_inner = rot.n_kv;
    const double setup_ms = 30 + sp.bytes(rot.n_w, rot.n_kv) / (p.hbm_gbps * 0.3e9) * 1e3;  // alloc, fill, heuristics
    ps.est_s += estimate_point_s(e.layer(), wc, setup_ms) + estimate_point_s(e.gemm, wc, 0) +
                estimate_point_s(e.attention, kc, 0) + estimate_point_s(e.elementwise, cfg, 0);
    ps.lines.push_back(strf("%s  ~%.0f us (gemm %.0f, attention %.0f, elementwise %.0f)", sp.label().c_str(),
                            e.layer(), e.gemm, e.attention, e.elementwise));
  }
  ps.est_s += 2.0;  // CPU reference check of 4 small layers
  ps.notes.push_back(o.quick ? "llama-3.1-8b/tp1: decode batch {1,64} at context 1024, prefill chunk 512"
                             : "llama-3.1-8b/tp1 and llama-3.1-70b/tp8: decode batch {1,8,64,256} at context "
                               "1024, prefill chunk {512,2048}");
  ps.notes.push_back("each point times the layer plus gemm/attention/elementwise parts separately");
  return ps;
}

void run_layer(Ctx& c, GroupDoc& g) {
  const std::vector<Spec> specs = plan_specs(c.opt.quick);
  g.meta.set("dtype", "bf16");
  g.meta.set("layer", "rmsnorm, qkv gemm, rope + kv-cache write, attention, o gemm, add+rmsnorm, gate_up gemm, "
                      "silu*mul, down gemm, residual add; no all-reduce");
  g.meta.set("gemm", "cuBLASLt, same call path and settings as the gemm group (TN, fp32 accumulate, heuristic top-1)");
  g.meta.set("decode_kernel", "attention group's split-K paged decode kernel, GQA-generalised");
  g.meta.set("prefill_kernel", "reference causal WMMA kernel over the paged cache (not FlashAttention)");
  g.meta.set("partition_tokens", PART);
  g.meta.set("rope_theta", kRopeTheta);
  g.meta.set("rms_eps", double(kRmsEps));
  g.meta.set("parts", "gemm_us, attention_us, elementwise_us: each part timed alone (own graph); their sum is not "
                      "time_us_median");
  LtHandle lt;
  try {
    g.meta.append(validate(lt.get(), c.stream));
  } catch (const std::exception& e) {
    g.meta.set_null("validation_max_rel_err");
    g.meta.set("validation_worst_stage", std::string("error: ") + e.what());
    g.meta.set("validation_ok", false);
    check_context();
  }
  if (g.meta.str("validation_ok") != "true")
    std::fprintf(stderr, "[layer] warning: CPU reference check failed (%s)\n",
                 g.meta.str("validation_worst_stage").c_str());

  c.warm_gpu(200);
  Progress prog("layer", int(specs.size()), c.opt.verbose);
  for (const auto& sp : specs) {
    Record r = spec_record(sp);
    try {
      measure_spec(c, lt.get(), sp, r);
    } catch (const Skip& e) {
      skip_point(r, e.what());
    } catch (const Error& e) {
      fail_point(r, e.what());
    }
    g.points.push_back(r);
    prog.tick(strf("%s: %s %.1f us", sp.label().c_str(), r.str("status").c_str(), r.num("time_us_median", NAN)));
  }
}

bool recheck_layer(Ctx& c, const Record& old, Record* fresh) {
  const std::string model = old.str("model"), phase = old.str("phase");
  const int tp = int(old.num("tp")), batch = int(old.num("batch")), context = int(old.num("context")),
            tokens = int(old.num("tokens"));
  for (const Shard& sh : kShards) {
    if (model != sh.model || tp != sh.tp) continue;
    Spec sp{sh, phase == "prefill", batch, context, phase == "prefill" ? tokens : 0};
    if ((phase != "prefill" && phase != "decode") || sp.tokens() <= 0 || context < 0 ||
        (sp.prefill && sp.chunk % 16))
      return false;
    LtHandle lt;
    *fresh = spec_record(sp);
    measure_spec(c, lt.get(), sp, *fresh);
    return true;
  }
  return false;
}

}  // namespace calib
