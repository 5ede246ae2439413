// CUDA error helpers: every failure becomes a calib::Error carrying the call
// text, so a group can record it and the run continues.
#pragma once

#include <cuda_runtime.h>

#include "common.hpp"

#define CUDA_TRY(expr)                                                                        \
  do {                                                                                        \
    cudaError_t e_ = (expr);                                                                  \
    if (e_ != cudaSuccess)                                                                    \
      throw ::calib::Error(::calib::strf("%s failed: %s (%s:%d)", #expr, cudaGetErrorString(e_), \
                                         __FILE__, __LINE__));                                \
  } while (0)

namespace calib {

// Owning device allocation; freed on scope exit so errors do not leak memory.
class DevBuf {
 public:
  DevBuf() = default;
  explicit DevBuf(size_t bytes) { alloc(bytes); }
  ~DevBuf() { reset(); }
  DevBuf(const DevBuf&) = delete;
  DevBuf& operator=(const DevBuf&) = delete;
  DevBuf(DevBuf&& o) noexcept : p_(o.p_), n_(o.n_) { o.p_ = nullptr; o.n_ = 0; }
  DevBuf& operator=(DevBuf&& o) noexcept {
    if (this != &o) { reset(); p_ = o.p_; n_ = o.n_; o.p_ = nullptr; o.n_ = 0; }
    return *this;
  }
  void alloc(size_t bytes) {
    reset();
    if (bytes == 0) return;
    cudaError_t e = cudaMalloc(&p_, bytes);
    if (e != cudaSuccess) {
      p_ = nullptr;
      (void)cudaGetLastError();  // clear the non-sticky OOM error
      throw Error(strf("cudaMalloc(%.3f GiB) failed: %s", bytes / kGiB, cudaGetErrorString(e)));
    }
    n_ = bytes;
  }
  void reset() {
    if (p_) cudaFree(p_);
    p_ = nullptr;
    n_ = 0;
  }
  void* get() const { return p_; }
  template <class T> T* as() const { return static_cast<T*>(p_); }
  size_t size() const { return n_; }

 private:
  void* p_ = nullptr;
  size_t n_ = 0;
};

// Stream/event RAII wrappers.
class Stream {
 public:
  Stream() { CUDA_TRY(cudaStreamCreateWithFlags(&s_, cudaStreamNonBlocking)); }
  ~Stream() { if (s_) cudaStreamDestroy(s_); }
  Stream(const Stream&) = delete;
  Stream& operator=(const Stream&) = delete;
  cudaStream_t get() const { return s_; }

 private:
  cudaStream_t s_ = nullptr;
};

// After a failed point: a sticky error (e.g. illegal address) poisons the
// context, so the group must stop (throws Error); anything else is cleared.
inline void check_context() {
  (void)cudaGetLastError();
  cudaError_t e = cudaDeviceSynchronize();
  if (e != cudaSuccess) throw Error(strf("CUDA context lost: %s", cudaGetErrorString(e)));
}

inline size_t free_device_bytes() {
  size_t fr = 0, tot = 0;
  CUDA_TRY(cudaMemGetInfo(&fr, &tot));
  return fr;
}

}  // namespace calib
