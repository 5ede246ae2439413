#include "models/catalog/calibration_raw.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <cmath>
#include <fmt/format.h>

#include "models/catalog/calibration_power.hpp"
#include "models/catalog/gpu.hpp"
#include "sim/error.hpp"

namespace rs {
namespace {

constexpr const char* kFormat = "rackscale-calibration-raw/1";

double median(std::vector<double> v) {
  if (v.empty()) return std::nan("");
  std::sort(v.begin(), v.end());
  std::size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

struct Reader {
  const YamlSource& src;
  std::string path;
  double num(const YAML::Node& p, const char* key) const {
    YAML::Node v = p[key];
    if (!v || !v.IsScalar()) fail(src.where(p, path), std::string("measured point lacks '") + key + "'");
    try {
      return v.as<double>();
    } catch (const YAML::Exception&) {
      fail(src.where(v, path + "." + key), std::string("'") + key + "' is not a number");
    }
  }
  std::string str(const YAML::Node& p, const char* key) const {
    YAML::Node v = p[key];
    return v && v.IsScalar() ? v.Scalar() : std::string{};
  }
};

// Points of a group with status done (empty if the group is absent or not done).
std::vector<YAML::Node> done_points(const YAML::Node& groups, const char* name) {
  std::vector<YAML::Node> out;
  YAML::Node g = groups[name];
  // A group or point that is not a mapping is skipped like an unfinished one (fuzzing:
  // operator[] on a scalar throws yaml-cpp's BadSubscript).
  if (!g || !g.IsMap() || !g["points"] || !g["points"].IsSequence()) return out;
  for (const auto& p : g["points"])
    if (p.IsMap() && p["status"] && p["status"].Scalar() == "done") out.push_back(p);
  return out;
}

GemmFit fit_gemm(const std::string& dtype, const std::vector<std::array<double, 4>>& pts) {
  // pts: m, n, k, efficiency (ideal/measured time).
  GemmFit f;
  f.dtype = dtype;
  f.points = static_cast<int>(pts.size());
  Eigen::MatrixXd A(pts.size(), 5);
  Eigen::VectorXd y(pts.size());
  for (std::size_t i = 0; i < pts.size(); ++i) {
    A.row(static_cast<Eigen::Index>(i)) = GemmFit::features(pts[i][0], pts[i][1], pts[i][2]).transpose();
    y[static_cast<Eigen::Index>(i)] = std::log(pts[i][3]);
  }
  f.coef = A.colPivHouseholderQr().solve(y);
  Eigen::VectorXd r = A * f.coef - y;  // ln(e_fit / e_meas) = ln(t_meas / t_fit)
  f.rms_log_error = std::sqrt(r.squaredNorm() / static_cast<double>(pts.size()));
  for (Eigen::Index i = 0; i < r.size(); ++i) f.max_rel_error = std::max(f.max_rel_error, std::fabs(std::exp(-r[i]) - 1));
  return f;
}

Sourced measured(double v, const std::string& how) {
  Sourced s;
  s.value = v;
  s.source = how;
  return s;
}

Sourced kept(const Sourced& d, const std::string& why) {
  Sourced s = d;
  s.note = why;
  return s;
}

}  // namespace

Calibration calibration_from_raw(const YamlSource& src, const Calibration& defaults) {
  const YAML::Node& root = src.root;
  std::string fmt_name = root["format"].IsScalar() ? root["format"].Scalar() : "";
  if (fmt_name != kFormat)
    fail(src.where(root["format"], "format"), "unsupported profile format '" + fmt_name + "' (expected " + kFormat + ")");
  const YAML::Node env = root["environment"], groups = root["groups"];
  if (!env || !env.IsMap()) fail(src.file, "measured profile lacks its 'environment' mapping");
  if (!groups || !groups.IsMap()) fail(src.file, "measured profile lacks its 'groups' mapping");
  Reader rd{src, "groups"};
  std::string preset = rd.str(env, "gpu_preset");
  GpuSpec gpu = load_gpu(preset.empty() ? "unknown" : preset, src.where(env["gpu_preset"], "environment.gpu_preset"));

  Calibration c = defaults;
  c.kind = "measured";
  c.gpu_preset = gpu.name;
  c.environment = fmt::format("{} (driver {}, CUDA {}, cuBLASLt {}), {}, `{}` on {}", rd.str(env, "gpu_name"),
                              rd.str(env, "driver"), rd.str(env, "cuda_runtime"), rd.str(env, "cublas"),
                              rd.str(env, "date"), rd.str(env, "command"), rd.str(env, "host"));
  c.description = "measured by rackscale calibrate: " + c.environment;
  const std::string from = "measured (" + src.file + ")";

  // GEMMs: efficiency = ideal roofline time at datasheet peaks / measured time.
  std::map<std::string, std::vector<std::array<double, 4>>> by_dtype;
  std::vector<double> large_bf16;
  for (const auto& p : done_points(groups, "gemm")) {
    std::string dtype = rd.str(p, "dtype");
    if (dtype != "bf16" && dtype != "fp8" && dtype != "fp4") continue;
    Precision prec = parse_precision(dtype);
    if (!(prec == Precision::fp4 ? gpu.peak.fp4 : prec == Precision::fp8 ? gpu.peak.fp8 : gpu.peak.bf16).present()) continue;
    double m = rd.num(p, "m"), n = rd.num(p, "n"), k = rd.num(p, "k"), t = rd.num(p, "time_us_median") * 1e-6;
    double b = bytes_per_element(prec);
    double ideal = std::max(2 * m * n * k / gpu.peak_flops(prec, src.file),
                            (m * k * b + n * k * b + m * n * 2) / gpu.hbm_bandwidth.value);
    if (t <= 0) fail(src.where(p, "groups.gemm"), "non-positive time");
    by_dtype[dtype].push_back({m, n, k, ideal / t});
    if (dtype == "bf16" && m >= 4096) large_bf16.push_back(2 * m * n * k / t / gpu.peak.bf16.value);
  }
  c.gemm_fits.clear();
  for (const auto& [dtype, pts] : by_dtype)
    if (pts.size() >= 8) c.gemm_fits.push_back(fit_gemm(dtype, pts));
  c.gemm_efficiency = large_bf16.empty()
                          ? kept(defaults.gemm_efficiency, "no bf16 GEMM with m >= 4096 measured; assumption kept")
                          : measured(median(large_bf16), from + ": median bf16 TFLOPS/peak over m >= 4096");

  // HBM: streaming reads of buffers well beyond L2.
  std::vector<double> reads;
  for (const auto& p : done_points(groups, "hbm"))
    if (rd.str(p, "kind") == "read" && rd.str(p, "l2_resident") != "true")
      reads.push_back(rd.num(p, "gbps") * 1e9 / gpu.hbm_bandwidth.value);
  c.memory_efficiency = reads.empty() ? kept(defaults.memory_efficiency, "no hbm read points; assumption kept")
                                      : measured(*std::max_element(reads.begin(), reads.end()),
                                                 from + ": best HBM read GB/s / datasheet");
  // Paged decode attention: effective KV bytes/s over long contexts.
  std::vector<double> att;
  for (const auto& p : done_points(groups, "attention"))
    if (rd.num(p, "context") >= 1024) att.push_back(rd.num(p, "gbps") * 1e9 / gpu.hbm_bandwidth.value);
  c.attention_efficiency = att.empty() ? kept(defaults.attention_efficiency, "no attention points; assumption kept")
                                       : measured(median(att), from + ": median paged-attention GB/s / datasheet, context >= 1024");
  // NVLink from NCCL all-reduce (only with several GPUs).
  std::vector<std::pair<double, double>> ar;  // size, time
  double ranks = 0;
  for (const auto& p : done_points(groups, "nccl"))
    if (rd.str(p, "op") == "all_reduce") ar.emplace_back(rd.num(p, "size_bytes"), rd.num(p, "time_us_median") * 1e-6), ranks = rd.num(p, "ranks");
  if (ar.size() >= 2 && ranks > 1) {
    std::sort(ar.begin(), ar.end());
    double steps = 2 * (ranks - 1);
    auto [big, t_big] = ar.back();
    double busbw = steps / ranks * big / t_big;
    c.nvlink_efficiency = measured(busbw / gpu.nvlink_bandwidth.value, from + ": NCCL all-reduce bus bandwidth at the largest size / NVLink datasheet");
    c.nvlink_latency = measured(ar.front().second / steps, from + ": smallest NCCL all-reduce time / ring steps");
    c.nvlink_call_latency = measured(0, from + ": folded into nvlink_latency (per-step) for this profile");
  } else {
    c.nvlink_efficiency = kept(defaults.nvlink_efficiency, "no multi-GPU NCCL measurement in this profile; assumption kept");
    c.nvlink_latency = kept(defaults.nvlink_latency, "no multi-GPU NCCL measurement in this profile; assumption kept");
    c.nvlink_call_latency = kept(defaults.nvlink_call_latency, "no multi-GPU NCCL measurement in this profile; default kept");
  }
  c.power = power_from_raw(src, groups, from);  // NVML idle / gemm / hbm_copy draw (power model)
  c.iteration_overhead = kept(defaults.iteration_overhead, "host-side step overhead is not measured by microbenchmarks");
  c.runtime_reserve = kept(defaults.runtime_reserve, "runtime memory is not measured by microbenchmarks");
  return c;
}

}  // namespace rs
