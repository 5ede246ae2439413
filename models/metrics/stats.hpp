#pragma once
// Percentiles as numpy computes them by default (linear interpolation
// between order statistics), including over weighted samples (value, count).
#include <cstdint>
#include <utility>
#include <vector>

namespace rs {

// NaN when empty. `sorted` must be ascending.
double percentile_sorted(const std::vector<double>& sorted, double q);
// Samples as (value, multiplicity), sorted ascending by value.
double percentile_weighted(const std::vector<std::pair<int64_t, int64_t>>& sorted, double q);

// Time integrals binned per second, kept in integer units (value x ns) so
// that the result does not depend on the order contributions arrive in.
class BinnedIntegral {
 public:
  void add(int64_t from_ns, int64_t to_ns, int64_t weight);
  // Mean value of each 1-second bin [i, i+1) for i < bins.
  std::vector<double> means(std::size_t bins) const;

 private:
  std::vector<__int128> partial_, diff_;
  void grow(std::size_t n);
};

}  // namespace rs
