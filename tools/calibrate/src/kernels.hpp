// Small device helpers shared by several groups.
#pragma once

#include <cuda_runtime.h>

#include <cstddef>

namespace calib {

enum class FillKind { Bf16, Fp8E4M3, RandomBytes };

// Fills `bytes` with pseudo-random finite values of the given element type in
// [-1, 1). Real data matters: zeros draw less power and can hit fast paths.
void fill_random(void* p, size_t bytes, FillKind kind, unsigned seed, cudaStream_t s);

// Keeps every SM busy for about `ms` (ramps clocks before timing).
void gpu_spin(int sm_count, double ms, int sm_clock_mhz, cudaStream_t s);

}  // namespace calib
