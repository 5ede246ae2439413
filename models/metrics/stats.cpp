#include "models/metrics/stats.hpp"

#include <cmath>
#include <limits>

namespace rs {

double percentile_sorted(const std::vector<double>& v, double q) {
  if (v.empty()) return std::numeric_limits<double>::quiet_NaN();
  double pos = q * static_cast<double>(v.size() - 1);
  std::size_t lo = static_cast<std::size_t>(std::floor(pos));
  std::size_t hi = std::min(lo + 1, v.size() - 1);
  double frac = pos - static_cast<double>(lo);
  return v[lo] + (v[hi] - v[lo]) * frac;
}

double percentile_weighted(const std::vector<std::pair<int64_t, int64_t>>& v, double q) {
  int64_t n = 0;
  for (const auto& [x, c] : v) n += c;
  if (n == 0) return std::numeric_limits<double>::quiet_NaN();
  double pos = q * static_cast<double>(n - 1);
  int64_t lo = static_cast<int64_t>(std::floor(pos));
  double frac = pos - static_cast<double>(lo);
  // k-th order statistic (0-based) of the expanded sample.
  auto kth = [&](int64_t k) {
    int64_t seen = 0;
    for (const auto& [x, c] : v) {
      seen += c;
      if (k < seen) return static_cast<double>(x);
    }
    return static_cast<double>(v.back().first);
  };
  double a = kth(lo), b = kth(std::min(lo + 1, n - 1));
  return a + (b - a) * frac;
}

void BinnedIntegral::grow(std::size_t n) {
  if (partial_.size() < n) {
    partial_.resize(n, 0);
    diff_.resize(n + 1, 0);
  }
}

void BinnedIntegral::add(int64_t a, int64_t b, int64_t w) {
  if (b <= a || w == 0) return;
  constexpr int64_t kBin = 1'000'000'000;
  std::size_t fa = static_cast<std::size_t>(a / kBin), fb = static_cast<std::size_t>((b - 1) / kBin);
  grow(fb + 1);
  if (fa == fb) {
    partial_[fa] += static_cast<__int128>(b - a) * w;
    return;
  }
  partial_[fa] += static_cast<__int128>((static_cast<int64_t>(fa) + 1) * kBin - a) * w;
  partial_[fb] += static_cast<__int128>(b - static_cast<int64_t>(fb) * kBin) * w;
  if (fb > fa + 1) {
    diff_[fa + 1] += w;
    diff_[fb] -= w;
  }
}

std::vector<double> BinnedIntegral::means(std::size_t bins) const {
  std::vector<double> out(bins, 0.0);
  __int128 run = 0;
  for (std::size_t i = 0; i < bins; ++i) {
    __int128 full = 0;
    if (i < partial_.size()) {
      run += diff_[i];
      full = partial_[i] + run * 1'000'000'000;
    }
    out[i] = static_cast<double>(full) * 1e-9;
  }
  return out;
}

}  // namespace rs
