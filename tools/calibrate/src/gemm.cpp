// gemm group: cuBLASLt matmuls over the layer shapes of common LLMs.
//
// Convention: Y[m,n] = X[m,k] * W[n,k]^T with row-major X, W, Y (m = tokens in
// the batch, n/k from the weight). In cuBLASLt's column-major terms this is
// D(n x m) = op(A) * B with A = W stored k x n and transposed, B = X stored
// k x m, i.e. the "TN" layout that FP8 (and FP4) kernels require. The same
// layout is used for every dtype so the numbers are comparable.
#include <algorithm>
#include <cmath>
#include <map>

#include "cuda_util.hpp"
#include "groups.hpp"
#include "kernels.hpp"
#include "lt_gemm.hpp"
#include "progress.hpp"

namespace calib {
namespace {

using DType = GemmType;

const char* dtype_name(DType d) { return gemm_type_name(d); }
double elem_bytes(DType d) { return d == DType::Bf16 ? 2.0 : d == DType::Fp8 ? 1.0 : 0.5; }

bool parse_dtype(const std::string& s, DType* d) {
  if (s == "bf16") *d = DType::Bf16;
  else if (s == "fp8") *d = DType::Fp8;
  else if (s == "fp4") *d = DType::Fp4;
  else return false;
  return true;
}

constexpr size_t kWorkspace = kLtWorkspace;

size_t align256(double bytes) { return (size_t(std::ceil(bytes)) + 255) / 256 * 256; }
size_t roundup(size_t x, size_t g) { return (x + g - 1) / g * g; }

// Bytes of a VEC16_UE4M3 scale tensor for a matrix with `outer` rows of
// `inner` (=K) elements: 128x4 tiles of scales (cuBLAS "1D block scaling
// factors layout"). Both orientations are covered since values are all 1.0.
size_t fp4_scale_bytes(long long outer, long long inner) {
  auto f = [](size_t o, size_t i) { return roundup(o, 128) * (roundup(i, 64) / 16); };
  return std::max(f(size_t(outer), size_t(inner)), f(size_t(inner), size_t(outer)));
}

struct Shape {
  long long n, k;
  std::string layers;  // "model/tpN/layer" labels sharing this (n, k)
};

// (n, k) of the GEMMs in one transformer layer per model and TP degree.
std::vector<Shape> model_shapes() {
  std::vector<Shape> out;
  std::map<std::pair<long long, long long>, size_t> index;
  auto add = [&](const std::string& label, long long n, long long k) {
    auto key = std::make_pair(n, k);
    auto it = index.find(key);
    if (it == index.end()) {
      index[key] = out.size();
      out.push_back({n, k, label});
    } else {
      out[it->second].layers += "," + label;
    }
  };
  struct Dense {
    const char* name;
    long long hidden, ffn, heads, kv_heads, head_dim;
  };
  const Dense dense[] = {{"llama-3.1-8b", 4096, 14336, 32, 8, 128},
                         {"llama-3.1-70b", 8192, 28672, 64, 8, 128},
                         {"llama-3.1-405b", 16384, 53248, 128, 8, 128}};
  for (const auto& d : dense) {
    for (long long tp : {1, 2, 4, 8}) {
      std::string pre = strf("%s/tp%lld/", d.name, tp);
      long long kv = std::max(1LL, d.kv_heads / tp);  // KV heads replicate beyond TP = kv_heads
      add(pre + "qkv", (d.heads / tp + 2 * kv) * d.head_dim, d.hidden);
      add(pre + "attn_out", d.hidden, d.heads / tp * d.head_dim);
      add(pre + "mlp_gate_up", 2 * d.ffn / tp, d.hidden);
      add(pre + "mlp_down", d.hidden, d.ffn / tp);
    }
  }
  // DeepSeek-R1 (V3 architecture): MLA attention and 2048-wide routed experts.
  // The low-rank q/kv down-projection is replicated across TP ranks.
  const long long hidden = 7168, heads = 128, q_lora = 1536, kv_lora = 512, rope = 64, nope = 128,
                  v_dim = 128, expert_ffn = 2048;
  for (long long tp : {1, 2, 4, 8}) {
    std::string pre = strf("deepseek-r1/tp%lld/", tp);
    add(pre + "qkv_a", q_lora + kv_lora + rope, hidden);
    add(pre + "q_b", heads / tp * (nope + rope), q_lora);
    add(pre + "kv_b", heads / tp * (nope + v_dim), kv_lora);
    add(pre + "attn_out", hidden, heads / tp * v_dim);
    add(pre + "expert_gate_up", 2 * expert_ffn / tp, hidden);
    add(pre + "expert_down", hidden, expert_ffn / tp);
  }
  return out;
}

std::vector<Shape> shapes(bool quick) {
  std::vector<Shape> all = model_shapes();
  if (!quick) return all;
  std::vector<Shape> q;  // Llama-3.1-70B at TP8: the four GEMMs of a decoder layer
  for (const auto& s : all)
    if (s.layers.find("llama-3.1-70b/tp8/") != std::string::npos) q.push_back(s);
  return q;
}

std::vector<long long> m_values(bool quick) {
  if (quick) return {1, 16, 128, 1024, 4096};
  return {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384};
}

struct Spec {
  DType dt;
  long long m, n, k;
  std::string layers;
  double flops() const { return 2.0 * double(m) * double(n) * double(k); }
};

std::vector<Spec> plan_specs(bool quick, const std::vector<DType>& dts) {
  std::vector<Spec> v;
  for (DType dt : dts)
    for (const auto& s : shapes(quick))
      for (long long m : m_values(quick)) v.push_back({dt, m, s.n, s.k, s.layers});
  return v;
}

// Weights are rotated over a pool several times the L2 size so that, as in a
// real forward pass, they stream from HBM instead of staying cache-resident.
struct Pools {
  DevBuf w, x, d, ws, scale_w, scale_x, one;
  size_t rot_bytes = 0;
  int filled = -1;

  void alloc(const std::vector<Spec>& specs, size_t l2_bytes) {
    size_t wn = 0, xn = 0, dn = 0, sw = 0, sx = 0;
    for (const auto& s : specs) {
      wn = std::max(wn, align256(double(s.n) * double(s.k) * elem_bytes(s.dt)));
      xn = std::max(xn, align256(double(s.m) * double(s.k) * elem_bytes(s.dt)));
      dn = std::max(dn, align256(double(s.m) * double(s.n) * 2.0));
      if (s.dt == DType::Fp4) {
        sw = std::max(sw, fp4_scale_bytes(s.n, s.k));
        sx = std::max(sx, fp4_scale_bytes(s.m, s.k));
      }
    }
    rot_bytes = std::max<size_t>(3 * l2_bytes, 256ull << 20);
    w.alloc(std::max(wn, rot_bytes));
    x.alloc(xn);
    d.alloc(dn);
    ws.alloc(kWorkspace);
    one.alloc(256);
    if (sw) scale_w.alloc(align256(double(sw)));
    if (sx) scale_x.alloc(align256(double(sx)));
  }

  void fill(DType dt, cudaStream_t s) {
    if (filled == int(dt)) return;
    FillKind k = dt == DType::Bf16 ? FillKind::Bf16 : dt == DType::Fp8 ? FillKind::Fp8E4M3 : FillKind::RandomBytes;
    fill_random(w.get(), w.size(), k, 1, s);
    fill_random(x.get(), x.size(), k, 2, s);
    const float one_f = 1.0f;
    CUDA_TRY(cudaMemcpyAsync(one.get(), &one_f, sizeof one_f, cudaMemcpyHostToDevice, s));
    // UE4M3 0x38 == 1.0: unit block scales keep values in range.
    if (scale_w.get()) CUDA_TRY(cudaMemsetAsync(scale_w.get(), 0x38, scale_w.size(), s));
    if (scale_x.get()) CUDA_TRY(cudaMemsetAsync(scale_x.get(), 0x38, scale_x.size(), s));
    CUDA_TRY(cudaStreamSynchronize(s));
    filled = int(dt);
  }
};

// One configured matmul plus the weight rotation over the pool.
class Runner {
 public:
  Runner(cublasLtHandle_t lt, Pools& p, const Spec& s)
      : p_(p),
        mm_(lt, s.dt, s.m, s.n, s.k, s.dt == DType::Fp8 ? p.one.get() : p.scale_w.get(),
            s.dt == DType::Fp8 ? p.one.get() : p.scale_x.get()) {
    slice_ = align256(double(s.n) * double(s.k) * elem_bytes(s.dt));
    size_t fit = std::max<size_t>(1, p.w.size() / slice_);
    size_t want = (p.rot_bytes + slice_ - 1) / slice_;
    nrot_ = int(std::clamp<size_t>(want, 1, std::min<size_t>(fit, 256)));
  }

  Runner(const Runner&) = delete;
  Runner& operator=(const Runner&) = delete;

  void launch(cudaStream_t s, long long iter) const {
    const char* w = p_.w.as<const char>() + size_t(iter % nrot_) * slice_;
    mm_.run(w, p_.x.get(), p_.d.get(), p_.ws.get(), s);
  }
  int rotation() const { return nrot_; }

 private:
  Pools& p_;
  LtMatmul mm_;
  size_t slice_ = 0;
  int nrot_ = 1;
};

Record spec_record(const Spec& s) {
  Record r;
  r.set("dtype", dtype_name(s.dt));
  r.set("m", s.m);
  r.set("n", s.n);
  r.set("k", s.k);
  r.set("layers", s.layers);
  return r;
}

// Measures one spec into r (inputs already set). Skip/Error propagate.
void measure_spec(Ctx& c, cublasLtHandle_t lt, Pools& pools, const Spec& s, Record& r) {
  pools.fill(s.dt, c.stream);
  Runner run(lt, pools, s);
  MeasureCfg cfg = c.cfg;
  cfg.min_inner = run.rotation();
  Measurement m = measure(c.stream, [&](cudaStream_t st, long long i) { run.launch(st, i); }, cfg);
  Record d;
  d.set("tflops", s.flops() / (m.us.median * 1e-6) / 1e12);
  d.set("weight_rotation", run.rotation());
  finish_point(c, r, m, d);
}

std::vector<DType> supported_dtypes(const DeviceInfo& d, Record* status) {
  std::vector<DType> v;
  for (DType dt : {DType::Bf16, DType::Fp8, DType::Fp4}) {
    std::string why;
    if (gemm_dtype_supported(d, dtype_name(dt), &why)) {
      v.push_back(dt);
      status->set(std::string("dtype_") + dtype_name(dt), "done");
    } else {
      status->set(std::string("dtype_") + dtype_name(dt), "skipped: " + why);
    }
  }
  return v;
}

}  // namespace

namespace {

cudaDataType_t cuda_type(GemmType d) {
  switch (d) {
    case GemmType::Bf16: return CUDA_R_16BF;
    case GemmType::Fp8: return CUDA_R_8F_E4M3;
#ifdef CALIB_HAVE_FP4
    case GemmType::Fp4: return CUDA_R_4F_E2M1;
#else
    case GemmType::Fp4: break;
#endif
  }
  throw Skip("fp4 needs CUDA >= 12.8 at build time");
}

}  // namespace

LtMatmul::LtMatmul(cublasLtHandle_t lt, GemmType dt, long long m, long long n, long long k, const void* scale_w,
                   const void* scale_x)
    : lt_(lt) {
  const cudaDataType_t t = cuda_type(dt);
  LT_TRY(cublasLtMatmulDescCreate(&d_.op, CUBLAS_COMPUTE_32F, CUDA_R_32F));
  const cublasOperation_t ta = CUBLAS_OP_T, tb = CUBLAS_OP_N;
  LT_TRY(cublasLtMatmulDescSetAttribute(d_.op, CUBLASLT_MATMUL_DESC_TRANSA, &ta, sizeof ta));
  LT_TRY(cublasLtMatmulDescSetAttribute(d_.op, CUBLASLT_MATMUL_DESC_TRANSB, &tb, sizeof tb));
  if (dt == GemmType::Fp8) {
    // Per-tensor dequantisation scales (device floats); fast accumulation is
    // what inference engines use for FP8 forward GEMMs.
    LT_TRY(cublasLtMatmulDescSetAttribute(d_.op, CUBLASLT_MATMUL_DESC_A_SCALE_POINTER, &scale_w, sizeof scale_w));
    LT_TRY(cublasLtMatmulDescSetAttribute(d_.op, CUBLASLT_MATMUL_DESC_B_SCALE_POINTER, &scale_x, sizeof scale_x));
    const int8_t fast = 1;
    LT_TRY(cublasLtMatmulDescSetAttribute(d_.op, CUBLASLT_MATMUL_DESC_FAST_ACCUM, &fast, sizeof fast));
  }
#ifdef CALIB_HAVE_FP4
  if (dt == GemmType::Fp4) {
    // NVFP4: one UE4M3 scale per 16 elements along K for both operands.
    const int32_t mode = CUBLASLT_MATMUL_MATRIX_SCALE_VEC16_UE4M3;
    LT_TRY(cublasLtMatmulDescSetAttribute(d_.op, CUBLASLT_MATMUL_DESC_A_SCALE_MODE, &mode, sizeof mode));
    LT_TRY(cublasLtMatmulDescSetAttribute(d_.op, CUBLASLT_MATMUL_DESC_B_SCALE_MODE, &mode, sizeof mode));
    LT_TRY(cublasLtMatmulDescSetAttribute(d_.op, CUBLASLT_MATMUL_DESC_A_SCALE_POINTER, &scale_w, sizeof scale_w));
    LT_TRY(cublasLtMatmulDescSetAttribute(d_.op, CUBLASLT_MATMUL_DESC_B_SCALE_POINTER, &scale_x, sizeof scale_x));
  }
#endif
  LT_TRY(cublasLtMatrixLayoutCreate(&d_.a, t, uint64_t(k), uint64_t(n), int64_t(k)));
  LT_TRY(cublasLtMatrixLayoutCreate(&d_.b, t, uint64_t(k), uint64_t(m), int64_t(k)));
  LT_TRY(cublasLtMatrixLayoutCreate(&d_.c, CUDA_R_16BF, uint64_t(n), uint64_t(m), int64_t(n)));

  cublasLtMatmulPreference_t pref = nullptr;
  LT_TRY(cublasLtMatmulPreferenceCreate(&pref));
  const uint64_t ws = kLtWorkspace;
  cublasStatus_t st =
      cublasLtMatmulPreferenceSetAttribute(pref, CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES, &ws, sizeof ws);
  cublasLtMatmulHeuristicResult_t res{};
  int found = 0;
  if (st == CUBLAS_STATUS_SUCCESS)
    st = cublasLtMatmulAlgoGetHeuristic(lt_, d_.op, d_.a, d_.b, d_.c, d_.c, pref, 1, &res, &found);
  cublasLtMatmulPreferenceDestroy(pref);
  if (st == CUBLAS_STATUS_NOT_SUPPORTED || (st == CUBLAS_STATUS_SUCCESS && (found == 0 || res.state != CUBLAS_STATUS_SUCCESS)))
    throw Skip(strf("no cuBLASLt algorithm for %s m=%lld n=%lld k=%lld", gemm_type_name(dt), m, n, k));
  if (st != CUBLAS_STATUS_SUCCESS)
    throw Skip(strf("cublasLtMatmulAlgoGetHeuristic: %s", cublasLtGetStatusString(st)));
  algo_ = res.algo;  // its workspace need is <= kLtWorkspace by construction
}

void LtMatmul::run(const void* w, const void* x, void* y, void* workspace, cudaStream_t s) const {
  LT_TRY(cublasLtMatmul(lt_, d_.op, &alpha_, w, d_.a, x, d_.b, &beta_, y, d_.c, y, d_.c, &algo_, workspace,
                        kLtWorkspace, s));
}

bool gemm_dtype_supported(const DeviceInfo& d, const std::string& dtype, std::string* why) {
  int cc = d.cc_major * 10 + d.cc_minor;
  if (dtype == "bf16") {
    if (cc >= 80) return true;
    *why = "bf16 tensor cores need compute capability >= 8.0";
    return false;
  }
  if (dtype == "fp8") {
    if (cc >= 89) return true;
    *why = strf("fp8 needs compute capability >= 8.9 (GPU is %d.%d)", d.cc_major, d.cc_minor);
    return false;
  }
  if (dtype == "fp4") {
#ifndef CALIB_HAVE_FP4
    *why = "built with a CUDA toolkit < 12.8 (no CUDA_R_4F_E2M1)";
    return false;
#else
    if (d.cc_major < 10) {
      *why = strf("nvfp4 needs compute capability >= 10.0 (GPU is %d.%d)", d.cc_major, d.cc_minor);
      return false;
    }
    if (cublasLtGetVersion() < 120800) {
      *why = strf("cuBLASLt %zu predates nvfp4 support (12.8)", cublasLtGetVersion());
      return false;
    }
    return true;
#endif
  }
  *why = "unknown dtype";
  return false;
}

PlanSummary plan_gemm(const Options& o, const Preset& p) {
  std::vector<DType> dts = {DType::Bf16, DType::Fp8};
  if (p.fp4_tflops > 0) dts.push_back(DType::Fp4);
  PlanSummary ps;
  MeasureCfg cfg = measure_cfg(o.quick);
  for (const auto& s : plan_specs(o.quick, dts)) {
    double peak = s.dt == DType::Bf16 ? p.bf16_tflops : s.dt == DType::Fp8 ? p.fp8_tflops : p.fp4_tflops;
    double bytes = (double(s.n) * s.k + double(s.m) * s.k) * elem_bytes(s.dt) + double(s.m) * s.n * 2;
    double us = std::max(s.flops() / (peak * 0.7e12), bytes / (p.hbm_gbps * 0.8e9)) * 1e6 + 4.0;
    ps.est_s += estimate_point_s(us, cfg, 2.5);
    ps.lines.push_back(strf("%s m=%lld n=%lld k=%lld  ~%.1f us  [%s]", dtype_name(s.dt), s.m, s.n, s.k, us,
                            s.layers.c_str()));
  }
  ps.points = int(ps.lines.size());
  ps.notes.push_back(strf("%zu (n,k) shapes x %zu m values x %zu dtypes (%s)", shapes(o.quick).size(),
                          m_values(o.quick).size(), dts.size(), p.fp4_tflops > 0 ? "bf16,fp8,fp4" : "bf16,fp8"));
  for (const auto& s : shapes(o.quick))
    ps.notes.push_back(strf("  n=%-6lld k=%-6lld %s", s.n, s.k, s.layers.c_str()));
  return ps;
}

void run_gemm(Ctx& c, GroupDoc& g) {
  Record dstatus;
  std::vector<DType> dts = supported_dtypes(c.dev, &dstatus);
  std::vector<Spec> specs = plan_specs(c.opt.quick, dts);

  g.meta.set("layout", "row-major Y[m,n] = X[m,k] * W[n,k]^T (cuBLASLt TN)");
  g.meta.set("compute", "fp32 accumulate, bf16 output, alpha=1 beta=0");
  g.meta.set("algo", "cublasLtMatmulAlgoGetHeuristic top-1");
  g.meta.set("workspace_bytes", (long long)kWorkspace);
  g.meta.set("fp8", "e4m3 A/B, per-tensor fp32 scale pointers, fast accumulation");
  g.meta.set("fp4", "nvfp4: e2m1 A/B, VEC16_UE4M3 block scales");
  g.meta.append(dstatus);
  g.meta.set("cublaslt_version", (long long)cublasLtGetVersion());

  Pools pools;
  pools.alloc(specs, c.dev.l2_bytes);
  g.meta.set("weight_pool_bytes", (long long)pools.w.size());
  LtHandle lt;
  c.warm_gpu(300);

  Progress prog("gemm", int(specs.size()), c.opt.verbose);
  for (const auto& s : specs) {
    Record r = spec_record(s);
    try {
      measure_spec(c, lt.get(), pools, s, r);
    } catch (const Skip& e) {
      skip_point(r, e.what());
    } catch (const Error& e) {
      fail_point(r, e.what());
    }
    g.points.push_back(r);
    prog.tick(strf("%s m=%lld n=%lld k=%lld: %s %.1f us", dtype_name(s.dt), s.m, s.n, s.k,
                   r.str("status").c_str(), r.num("time_us_median", NAN)));
  }
}

bool recheck_gemm(Ctx& c, const Record& old, Record* fresh) {
  Spec s;
  if (!parse_dtype(old.str("dtype"), &s.dt)) return false;
  s.m = (long long)old.num("m");
  s.n = (long long)old.num("n");
  s.k = (long long)old.num("k");
  s.layers = old.str("layers");
  std::string why;
  if (s.m <= 0 || s.n <= 0 || s.k <= 0 || !gemm_dtype_supported(c.dev, dtype_name(s.dt), &why)) return false;
  Pools pools;
  pools.alloc({s}, c.dev.l2_bytes);
  LtHandle lt;
  *fresh = spec_record(s);
  measure_spec(c, lt.get(), pools, s, *fresh);
  return true;
}

Record gemm_sustained(Ctx& c, const std::string& dtype, long long m, long long n, long long k, double seconds) {
  Spec s{DType::Bf16, m, n, k, ""};
  if (!parse_dtype(dtype, &s.dt)) throw Error("unknown dtype " + dtype);
  Pools pools;
  pools.alloc({s}, c.dev.l2_bytes);
  pools.fill(s.dt, c.stream);
  LtHandle lt;
  Runner run(lt.get(), pools, s);
  LaunchFn fn = [&](cudaStream_t st, long long i) { run.launch(st, i); };
  MeasureCfg probe = measure_cfg(true);
  Measurement m0 = measure(c.stream, fn, probe);  // also warms up
  Sustained su = sustain(c.stream, fn, seconds, m0.us.median);
  Record r;
  r.set("load", "gemm_" + dtype);
  r.set("m", m);
  r.set("n", n);
  r.set("k", k);
  r.set("tflops", s.flops() * double(su.calls) / su.gpu_s / 1e12);
  r.set("duration_s", su.t1 - su.t0);
  // NVML power is a trailing average: use the second half of the run.
  put_power(r, c.power(su.t0 + 0.5 * (su.t1 - su.t0), su.t1));
  return r;
}

}  // namespace calib
