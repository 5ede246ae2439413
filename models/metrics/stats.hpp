#pragma once
// Percentiles as numpy computes them by default (linear interpolation
// between order statistics), including over weighted samples (value, count).
#include <cstdint>
#include <deque>
#include <utility>
#include <vector>

namespace rs {

__extension__ typedef __int128 i128;  // exact integrals (value x ns) without overflow

// NaN when empty. `sorted` must be ascending.
double percentile_sorted(const std::vector<double>& sorted, double q);

// A large multiset of non-negative integers with multiplicities (inter-token
// gaps in ns): 8 bytes an entry, exact percentiles by weighted selection in
// expected linear time (no full sort).
class WeightedSample {
 public:
  void add(int64_t value, int64_t count);
  int64_t size() const { return total_; }
  double percentile(double q) const { return percentiles({q})[0]; }  // numpy's linear interpolation; NaN when empty
  // Several percentiles from one copy of the sample (selection reuses the partitioning).
  std::vector<double> percentiles(const std::vector<double>& qs) const;

 private:
  static constexpr int kCountBits = 24;
  std::deque<uint64_t> packed_;                       // value << 24 | count (a deque: growth never copies)
  std::vector<std::pair<int64_t, int64_t>> large_;    // entries that do not fit the packing
  int64_t total_ = 0;
};

// Time integrals binned per second, kept in integer units (value x ns) so
// that the result does not depend on the order contributions arrive in.
class BinnedIntegral {
 public:
  void add(int64_t from_ns, int64_t to_ns, int64_t weight);
  // Mean value of each 1-second bin [i, i+1) for i < bins.
  std::vector<double> means(std::size_t bins) const;

 private:
  std::vector<i128> partial_, diff_;
  void grow(std::size_t n);
};

}  // namespace rs
