#include "models/perf/gemm_time.hpp"

#include <algorithm>

namespace rs {
namespace {
double ideal_s(const GemmRoofline& r, double m, double n, double k, double w) {
  double flops = 2 * m * n * k, bytes = (m * k + m * n) * r.act_bytes + w;
  return std::max(flops / r.peak_flops, bytes / r.hbm_bw);
}
}  // namespace

double gemm_time_s(const GemmRoofline& r, double m, double n, double k, double w) {
  if (m <= 0) return 0;
  if (!r.fit) {
    double flops = 2 * m * n * k, bytes = (m * k + m * n) * r.act_bytes + w;
    return std::max(flops / (r.peak_flops * std::min(1.0, r.eff_gemm)), bytes / (r.hbm_bw * std::min(1.0, r.eff_mem)));
  }
  double at_one = ideal_s(r, std::min(m, 1.0), n, k, w) / r.fit->efficiency(1, n, k);
  if (m <= 1) return at_one;
  return std::max(at_one, ideal_s(r, m, n, k, w) / r.fit->efficiency(m, n, k));
}

}  // namespace rs
