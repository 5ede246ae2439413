#pragma once
// Synthetic workload: Poisson or fixed-interval arrivals (rate 0 = all at
// t = 0, the offline case) and fixed, uniform or lognormal lengths.
// Uses its own samplers on a 64-bit Mersenne Twister so that outputs are
// identical across standard libraries.
#include <memory>
#include <random>
#include <string>

#include "models/workload/source.hpp"

namespace rs {

struct SyntheticParams {
  int64_t requests = 0;
  double rate = 0;  // req/s; 0 = offline
  std::string arrival, lengths;
  int64_t input_tokens = 0, output_tokens = 0;
  double length_cv = 0;
};

std::unique_ptr<RequestSource> make_synthetic(const SyntheticParams& p, uint64_t seed);

}  // namespace rs
