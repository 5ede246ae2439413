#include "models/metrics/stats.hpp"

#include <algorithm>
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

void WeightedSample::add(int64_t value, int64_t count) {
  if (count <= 0) return;
  total_ += count;
  if (value >= 0 && value < (int64_t{1} << (64 - kCountBits)) && count < (int64_t{1} << kCountBits)) {
    uint64_t v = static_cast<uint64_t>(value) << kCountBits | static_cast<uint64_t>(count);
    // Runs of equal gaps (steady batches) fold into one entry.
    if (!packed_.empty() && (packed_.back() >> kCountBits) == static_cast<uint64_t>(value) &&
        (packed_.back() & ((1u << kCountBits) - 1)) + static_cast<uint64_t>(count) < (1u << kCountBits)) {
      packed_.back() += static_cast<uint64_t>(count);
      return;
    }
    packed_.push_back(v);
  } else {
    large_.emplace_back(value, count);
  }
}

namespace {
// k-th smallest (0-based) of the expanded multiset, by quickselect on the
// entries (value, count) as read by `value_of` / `count_of`.
template <class T, class V, class C>
int64_t weighted_kth(std::vector<T>& v, int64_t k, V value_of, C count_of) {
  std::size_t lo = 0, hi = v.size();
  for (;;) {
    if (hi - lo == 1) return value_of(v[lo]);
    std::size_t mid = lo + (hi - lo) / 2;
    auto first = v.begin();
    std::nth_element(first + static_cast<std::ptrdiff_t>(lo), first + static_cast<std::ptrdiff_t>(mid),
                     first + static_cast<std::ptrdiff_t>(hi));
    int64_t left = 0;
    for (std::size_t i = lo; i < mid; ++i) left += count_of(v[i]);
    if (k < left) {
      hi = mid;
    } else if (k < left + count_of(v[mid])) {
      return value_of(v[mid]);
    } else {
      k -= left + count_of(v[mid]);
      lo = mid + 1;
    }
  }
}
}  // namespace

std::vector<double> WeightedSample::percentiles(const std::vector<double>& qs) const {
  std::vector<double> out;
  if (total_ == 0) {
    out.assign(qs.size(), std::numeric_limits<double>::quiet_NaN());
    return out;
  }
  // Numpy's linear interpolation between the order statistics lo and lo + 1.
  auto interpolate = [&](auto&& kth) {
    for (double q : qs) {
      double pos = q * static_cast<double>(total_ - 1);
      int64_t lo = static_cast<int64_t>(std::floor(pos));
      int64_t hi = std::min(lo + 1, total_ - 1);
      double a = static_cast<double>(kth(lo)), b = hi == lo ? a : static_cast<double>(kth(hi));
      out.push_back(a + (b - a) * (pos - static_cast<double>(lo)));
    }
  };
  if (large_.empty()) {
    // Packed values order by value first: select on them directly.
    std::vector<uint64_t> v(packed_.begin(), packed_.end());
    auto val = [](uint64_t p) { return static_cast<int64_t>(p >> kCountBits); };
    auto cnt = [](uint64_t p) { return static_cast<int64_t>(p & ((1u << kCountBits) - 1)); };
    interpolate([&](int64_t k) { return weighted_kth(v, k, val, cnt); });
  } else {
    std::vector<std::pair<int64_t, int64_t>> v;
    v.reserve(packed_.size() + large_.size());
    for (uint64_t p : packed_)
      v.emplace_back(static_cast<int64_t>(p >> kCountBits), static_cast<int64_t>(p & ((1u << kCountBits) - 1)));
    v.insert(v.end(), large_.begin(), large_.end());
    auto val = [](const std::pair<int64_t, int64_t>& p) { return p.first; };
    auto cnt = [](const std::pair<int64_t, int64_t>& p) { return p.second; };
    interpolate([&](int64_t k) { return weighted_kth(v, k, val, cnt); });
  }
  return out;
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
    partial_[fa] += static_cast<i128>(b - a) * w;
    return;
  }
  partial_[fa] += static_cast<i128>((static_cast<int64_t>(fa) + 1) * kBin - a) * w;
  partial_[fb] += static_cast<i128>(b - static_cast<int64_t>(fb) * kBin) * w;
  if (fb > fa + 1) {
    diff_[fa + 1] += w;
    diff_[fb] -= w;
  }
}

std::vector<double> BinnedIntegral::means(std::size_t bins) const {
  std::vector<double> out(bins, 0.0);
  i128 run = 0;
  for (std::size_t i = 0; i < bins; ++i) {
    i128 full = 0;
    if (i < partial_.size()) {
      run += diff_[i];
      full = partial_[i] + run * 1'000'000'000;
    }
    out[i] = static_cast<double>(full) * 1e-9;
  }
  return out;
}

}  // namespace rs
