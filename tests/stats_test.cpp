#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>

#include "models/metrics/stats.hpp"

using namespace rs;

TEST_CASE("percentiles interpolate linearly like numpy") {
  std::vector<double> v{1, 2, 3, 4};
  CHECK(percentile_sorted(v, 0.5) == doctest::Approx(2.5));  // numpy.percentile([1,2,3,4], 50)
  CHECK(percentile_sorted(v, 0.9) == doctest::Approx(3.7));
  CHECK(percentile_sorted(v, 0.99) == doctest::Approx(3.97));
  CHECK(std::isnan(percentile_sorted({}, 0.5)));
}

TEST_CASE("weighted percentiles equal those of the expanded sample") {
  WeightedSample w;
  w.add(10, 3);
  w.add(20, 1);
  w.add(40, 2);
  std::vector<double> expanded{10, 10, 10, 20, 40, 40};
  for (double q : {0.0, 0.25, 0.5, 0.9, 0.99, 1.0}) CHECK(w.percentile(q) == doctest::Approx(percentile_sorted(expanded, q)));
  auto both = w.percentiles({0.5, 0.99});
  CHECK(both[0] == doctest::Approx(percentile_sorted(expanded, 0.5)));
  CHECK(both[1] == doctest::Approx(percentile_sorted(expanded, 0.99)));
}

TEST_CASE("binned integrals split intervals across seconds") {
  BinnedIntegral b;
  b.add(500'000'000, 2'500'000'000, 2);  // weight 2 from 0.5 s to 2.5 s
  b.add(0, 250'000'000, 4);
  auto m = b.means(4);
  CHECK(m[0] == doctest::Approx(0.5 * 2 + 0.25 * 4));
  CHECK(m[1] == doctest::Approx(2));
  CHECK(m[2] == doctest::Approx(1));
  CHECK(m[3] == doctest::Approx(0));
}

TEST_CASE("WeightedSample gives the percentiles of the expanded sample") {
  WeightedSample w;
  std::vector<double> expanded;
  uint64_t x = 12345;
  for (int i = 0; i < 5000; ++i) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    int64_t value = static_cast<int64_t>(x >> 44), count = static_cast<int64_t>((x >> 20) % 5) + 1;
    w.add(value, count);
    for (int64_t c = 0; c < count; ++c) expanded.push_back(static_cast<double>(value));
  }
  w.add(int64_t{1} << 45, 2);  // beyond the packed range
  expanded.push_back(static_cast<double>(int64_t{1} << 45));
  expanded.push_back(static_cast<double>(int64_t{1} << 45));
  std::sort(expanded.begin(), expanded.end());
  for (double q : {0.0, 0.1, 0.5, 0.9, 0.99, 0.999, 1.0}) CHECK(w.percentile(q) == doctest::Approx(percentile_sorted(expanded, q)));
  CHECK(std::isnan(WeightedSample().percentile(0.5)));
}
