// cuBLASLt matmul with the gemm group's layout and settings, shared by the
// gemm group and the layer group (so a measured layer uses exactly the GEMM
// call path whose efficiency the gemm group records).
//
// Y[m,n] = X[m,k] * W[n,k]^T with row-major X, W, Y. In cuBLASLt's
// column-major terms: D(n x m) = op(A) * B with A = W stored k x n and
// transposed, B = X stored k x m ("TN"); fp32 compute, bf16 output, alpha 1,
// beta 0, algorithm = heuristic top-1 with a kLtWorkspace workspace.
#pragma once

#include <cublasLt.h>
#include <cuda_runtime.h>

#include <cstddef>

#include "common.hpp"

#define LT_TRY(expr)                                                                              \
  do {                                                                                            \
    cublasStatus_t st_ = (expr);                                                                  \
    if (st_ != CUBLAS_STATUS_SUCCESS)                                                             \
      throw ::calib::Error(::calib::strf("%s failed: %s", #expr, cublasLtGetStatusString(st_)));  \
  } while (0)

#if CUDART_VERSION >= 12080
#define CALIB_HAVE_FP4 1  // CUDA_R_4F_E2M1 and VEC16_UE4M3 block scales
#endif

namespace calib {

enum class GemmType { Bf16, Fp8, Fp4 };
inline const char* gemm_type_name(GemmType d) {
  return d == GemmType::Bf16 ? "bf16" : d == GemmType::Fp8 ? "fp8" : "fp4";
}

constexpr size_t kLtWorkspace = 64ull << 20;  // cuBLAS recommends >= 32 MiB on Hopper+

class LtHandle {
 public:
  LtHandle() { LT_TRY(cublasLtCreate(&h_)); }
  ~LtHandle() { if (h_) cublasLtDestroy(h_); }
  LtHandle(const LtHandle&) = delete;
  LtHandle& operator=(const LtHandle&) = delete;
  cublasLtHandle_t get() const { return h_; }

 private:
  cublasLtHandle_t h_ = nullptr;
};

// cuBLASLt descriptors, released even when LtMatmul's constructor throws.
struct LtDescs {
  cublasLtMatmulDesc_t op = nullptr;
  cublasLtMatrixLayout_t a = nullptr, b = nullptr, c = nullptr;
  LtDescs() = default;
  LtDescs(const LtDescs&) = delete;
  LtDescs& operator=(const LtDescs&) = delete;
  ~LtDescs() {
    if (c) cublasLtMatrixLayoutDestroy(c);
    if (b) cublasLtMatrixLayoutDestroy(b);
    if (a) cublasLtMatrixLayoutDestroy(a);
    if (op) cublasLtMatmulDescDestroy(op);
  }
};

// One configured matmul (descriptors + heuristic algorithm). Throws Skip when
// cuBLASLt has no algorithm for the shape/type. Scale pointers: fp8 per-tensor
// fp32 device scalars for W (A) and X (B); fp4 VEC16_UE4M3 block-scale
// tensors; ignored for bf16.
class LtMatmul {
 public:
  LtMatmul(cublasLtHandle_t lt, GemmType t, long long m, long long n, long long k, const void* scale_w = nullptr,
           const void* scale_x = nullptr);
  LtMatmul(const LtMatmul&) = delete;
  LtMatmul& operator=(const LtMatmul&) = delete;

  // Enqueues Y = X * W^T on s; `workspace` must hold kLtWorkspace bytes.
  void run(const void* w, const void* x, void* y, void* workspace, cudaStream_t s) const;

 private:
  cublasLtHandle_t lt_;
  LtDescs d_;
  cublasLtMatmulAlgo_t algo_{};
  float alpha_ = 1.0f, beta_ = 0.0f;
};

}  // namespace calib
