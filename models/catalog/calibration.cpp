#include "models/catalog/calibration.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

#include "models/catalog/calibration_raw.hpp"
#include "models/catalog/gpu.hpp"
#include "sim/error.hpp"

namespace rs {

Eigen::Matrix<double, 5, 1> GemmFit::features(double m, double n, double k) {
  double x = std::log(m);
  Eigen::Matrix<double, 5, 1> f;
  f << 1.0, x, x * x, std::log(n), std::log(k);
  return f;
}

// The fitted law, shaped so that it is at most 1 and concave in ln m (what
// gemm_time.hpp needs for GEMM time to be non-decreasing in m):
//   - a convex fit (c2 > 0) loses its curvature: its tangent at m = 1, a lower bound of it;
//   - beyond the vertex of a concave one the efficiency is held (saturation, not decline);
//   - the result is capped at 1 (a GEMM never beats the roofline).
double GemmFit::efficiency(double m, double n, double k) const {
  const double c1 = coef[1], c2 = std::min(coef[2], 0.0);
  double x = std::log(std::max(m, 1.0));
  if (c2 < 0) x = std::min(x, std::max(0.0, -c1 / (2 * c2)));
  double ln_e = coef[0] + c1 * x + c2 * x * x + coef[3] * std::log(n) + coef[4] * std::log(k);
  return std::exp(std::min(0.0, ln_e));
}

const GemmFit* Calibration::gemm_fit(Precision p) const {
  auto find = [&](const char* d) -> const GemmFit* {
    for (const auto& f : gemm_fits)
      if (f.dtype == d) return &f;
    return nullptr;
  };
  const GemmFit* f = find(to_string(p));
  if (!f && p == Precision::fp4) f = find("fp8");
  return f;
}

const Schema<Calibration>& Calibration::schema() {
  using C = Calibration;
  static const Schema<C> s = Schema<C>("calibration profile")
      .text(&C::name, "name", "", "profile name (= file name)")
      .text(&C::kind, "kind", "assumed", "measured (from rackscale calibrate) or assumed", {"measured", "assumed"})
      .text(&C::gpu_preset, "gpu_preset", "any", "GPU preset the profile was measured on, or any")
      .text(&C::description, "description", "", "what this profile is")
      .sourced(&C::gemm_efficiency, "gemm_efficiency", Dim::Count, "achieved/peak FLOP/s of large GEMMs")
      .sourced(&C::memory_efficiency, "memory_efficiency", Dim::Count, "achieved/peak HBM bandwidth")
      .sourced(&C::attention_efficiency, "attention_efficiency", Dim::Count, "achieved/peak for attention kernels")
      .sourced(&C::nvlink_efficiency, "nvlink_efficiency", Dim::Count, "achieved/peak NVLink bandwidth")
      .sourced(&C::nvlink_latency, "nvlink_latency", Dim::Seconds, "latency per collective ring step")
      .sourced(&C::nvlink_call_latency, "nvlink_call_latency", Dim::Seconds, "fixed cost per collective call")
      .sourced(&C::iteration_overhead, "iteration_overhead", Dim::Seconds, "fixed time per engine step")
      .sourced(&C::runtime_reserve, "runtime_reserve", Dim::Bytes, "per-GPU memory held by the runtime");
  return s;
}

Calibration load_calibration(const std::string& name, const std::string& where) {
  YamlSource src = load_preset_file("calibration", name, where, "calibration profile");
  Calibration c;
  if (src.root["format"]) {
    try {
      c = calibration_from_raw(src, load_calibration("default", where));
    } catch (const YAML::Exception& e) {  // a value of the wrong shape deep in the profile
      fail(e.mark.is_null() ? src.file : fmt::format("{}:{}:{}", src.file, e.mark.line + 1, e.mark.column + 1),
           "malformed measured profile: " + e.msg);
    }
    c.name = name;
  } else {
    c = Calibration::schema().decode(src.root, Cursor{&src, ""});
  }
  for (const Sourced* e : {&c.gemm_efficiency, &c.memory_efficiency, &c.attention_efficiency, &c.nvlink_efficiency})
    if (e->value <= 0 || e->value > 1.5)
      fail(where.empty() ? src.file : where, "calibration '" + name + "': efficiencies must be in (0, 1.5]");
  return c;
}

namespace {
// Catalog order used to find the nearest measured GPU (by generation).
int generation_index(const std::string& gpu) {
  static const std::vector<std::string> order{"h100", "h200", "b200", "gb200", "gb300", "rubin"};
  auto it = std::find(order.begin(), order.end(), gpu);
  return it == order.end() ? -1 : static_cast<int>(it - order.begin());
}
}  // namespace

Calibration select_calibration(const std::string& name, const GpuSpec& gpu, bool force, const std::string& where) {
  if (name != "auto") {
    Calibration c = load_calibration(name, where);
    if (c.gpu_preset != "any" && c.gpu_preset != gpu.name) {
      if (!force)
        fail(where, fmt::format("calibration '{}' was measured on '{}', not on the scenario's GPU '{}' "
                                "(use --force-calibration to carry it over by datasheet ratios)",
                                name, c.gpu_preset, gpu.name));
      c.carried_from = c.gpu_preset;
    }
    return c;
  }
  // auto: measured profiles, the scenario's GPU first, then the nearest generation.
  std::optional<Calibration> best;
  int best_dist = 1 << 20;
  std::string best_date;
  for (const auto& n : preset_names("calibration")) {
    YamlSource src = load_preset_file("calibration", n, where, "calibration profile");
    if (!src.root["format"]) continue;
    Calibration c = load_calibration(n, where);
    int a = generation_index(c.gpu_preset), b = generation_index(gpu.name);
    int dist = c.gpu_preset == gpu.name ? 0 : (a < 0 || b < 0 ? 1000 : std::abs(a - b));
    std::string date = src.root["environment"]["date"] ? src.root["environment"]["date"].as<std::string>() : "";
    if (dist < best_dist || (dist == best_dist && date > best_date)) best = c, best_dist = dist, best_date = date;
  }
  if (!best) return load_calibration("default", where);
  if (best->gpu_preset != gpu.name) best->carried_from = best->gpu_preset;
  return *best;
}

std::string describe_fits(const Calibration& c) {
  std::string out;
  for (const auto& f : c.gemm_fits) {
    // How the law is evaluated (GemmFit::efficiency): said, since it differs from the raw fit past its vertex.
    std::string shape = f.coef[2] > 0 ? "convex: evaluated without its ln^2 m term"
                        : f.coef[2] < 0 && f.coef[1] > 0
                            ? fmt::format("held beyond m = {:.0f}", std::exp(-f.coef[1] / (2 * f.coef[2])))
                        : f.coef[2] < 0 ? "held at its m = 1 value"
                                        : "";
    out += fmt::format(
        "gemm {:<5} {:>4} points  ln e = {:+.4f} {:+.4f} ln m {:+.5f} ln^2 m {:+.4f} ln n {:+.4f} ln k   "
        "rms error {:.1f} %  max error {:.1f} %  (efficiency capped at 1{}{})\n",
        f.dtype, f.points, f.coef[0], f.coef[1], f.coef[2], f.coef[3], f.coef[4], 100 * (std::exp(f.rms_log_error) - 1),
        100 * f.max_rel_error, shape.empty() ? "" : "; ", shape);
  }
  for (auto [label, s] : {std::pair{"memory_efficiency", &c.memory_efficiency},
                          {"attention_efficiency", &c.attention_efficiency},
                          {"nvlink_efficiency", &c.nvlink_efficiency}, {"nvlink_latency", &c.nvlink_latency},
                          {"nvlink_call_latency", &c.nvlink_call_latency},
                          {"iteration_overhead", &c.iteration_overhead}})
    out += fmt::format("{:<22} {:<10.4g} {}\n", label, s->value, s->provenance());
  return out;
}

}  // namespace rs
