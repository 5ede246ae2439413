#pragma once
// Time of one GEMM, (m x k) activations times a (k x n) weight, on one GPU.
// Without a measured fit: max(FLOPs / (peak x eff_gemm), bytes / (HBM x eff_mem)).
// With one: the ideal roofline time max(FLOPs / peak, bytes / HBM) over the
// fitted efficiency e(m, n, k) (GemmFit::efficiency: at most 1, concave in ln m).
//
// Non-decreasing in m by construction. ln ideal is convex in ln m (the max of
// ln m + a and ln(b + c m), a log-sum-exp), and ln e is concave in ln m, so
// ln(ideal / e) is convex in ln m: on m >= 1 its running maximum is the larger
// of its values at 1 and at m. Below m = 1 the efficiency is held at e(1).
#include <optional>

#include "models/catalog/calibration.hpp"

namespace rs {

struct GemmRoofline {
  double peak_flops = 0, hbm_bw = 0;     // datasheet peaks of the GEMM's precision
  double eff_gemm = 1, eff_mem = 1;      // assumed efficiencies (no fit); capped at 1
  std::optional<GemmFit> fit;            // measured efficiency law, if any
  double act_bytes = 2;                  // activations in bf16
};

// `weight_bytes`: bytes of the k x n weight as stored (scales included).
double gemm_time_s(const GemmRoofline& r, double m, double n, double k, double weight_bytes);

}  // namespace rs
