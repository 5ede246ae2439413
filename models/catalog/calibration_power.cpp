#include "models/catalog/calibration_power.hpp"

#include <cmath>
#include <fmt/format.h>

#include "sim/error.hpp"

namespace rs {
namespace {

constexpr const char* kPath = "groups.power";
// Assumption: a sustained load within 3 % of the enforced limit is limit-bound
// (NVML's averaged reading sits a little under the cap while the driver holds it).
constexpr double kAtLimit = 0.97;

struct Load {
  std::string name;
  double w = 0;
  const char* field = "";  // which reading gave w
  YAML::Node node;
};

bool has_number(const YAML::Node& p, const char* key) {
  YAML::Node v = p[key];
  if (!v || !v.IsScalar()) return false;
  try {
    (void)v.as<double>();
    return true;
  } catch (const YAML::Exception&) {
    return false;
  }
}

// Watts of a done point: energy counter if present (exact over the window), else NVML samples.
Load read_load(const YamlSource& src, const YAML::Node& p) {
  Load l;
  l.name = p["load"].Scalar();
  l.node = p;
  const std::string at = std::string(kPath) + ".points[" + l.name + "]";
  for (const char* key : {"energy_w_mean", "power_w_mean"}) {
    YAML::Node v = p[key];
    if (!v || v.IsNull()) continue;
    if (!has_number(p, key)) fail(src.where(v, at + "." + key), std::string("'") + key + "' is not a number");
    l.w = v.as<double>();
    l.field = key;
    if (!(l.w > 0) || !std::isfinite(l.w))
      fail(src.where(v, at + "." + key), fmt::format("'{}' must be a positive power in W, got {}", key, v.Scalar()));
    return l;
  }
  fail(src.where(p, at), "power point '" + l.name + "' is done but has neither energy_w_mean nor power_w_mean");
}

Sourced measured(double v, const std::string& how) {
  Sourced s;
  s.value = v;
  s.source = how;
  return s;
}

}  // namespace

std::optional<PowerCalibration> power_from_raw(const YamlSource& src, const YAML::Node& groups, const std::string& from) {
  const YAML::Node g = groups["power"];
  if (!g) return std::nullopt;
  if (!g.IsMap()) fail(src.where(g, kPath), "the power group must be a mapping");
  const std::string status = g["status"] && g["status"].IsScalar() ? g["status"].Scalar() : "";
  if (status != "done") return std::nullopt;  // skipped (no NVML) or failed: nothing measured
  if (!g["points"] || !g["points"].IsSequence())
    fail(src.where(g, kPath), "the power group is done but has no 'points' list");

  std::optional<Load> idle, hbm, full;
  for (const auto& p : g["points"]) {
    if (!p.IsMap() || !p["load"] || !p["load"].IsScalar())
      fail(src.where(p, std::string(kPath) + ".points"), "power point lacks its 'load' name");
    if (!p["status"] || p["status"].Scalar() != "done") continue;
    Load l = read_load(src, p);
    if (l.name == "idle") idle = l;
    else if (l.name == "hbm_copy") hbm = l;
    else if (l.name.rfind("gemm_", 0) == 0 && (!full || l.w > full->w)) full = l;
  }
  if (!idle) fail(src.where(g, kPath), "the power group is done but has no measured 'idle' point");
  if (!full) fail(src.where(g, kPath), "the power group is done but has no measured gemm load (gemm_bf16/fp8/fp4)");
  if (full->w <= idle->w)
    fail(src.where(full->node, std::string(kPath) + ".points[" + full->name + "]"),
         fmt::format("{} draws {:.4g} W, not above the idle point's {:.4g} W: the profile is inconsistent", full->name,
                     full->w, idle->w));

  PowerCalibration pc;
  pc.idle_w = measured(idle->w, fmt::format("{}: power group, idle point ({})", from, idle->field));
  pc.full_load_w = measured(full->w, fmt::format("{}: power group, {} sustained at m=n=k=8192 ({}), the highest gemm load",
                                                 from, full->name, full->field));
  if (hbm) {
    if (hbm->w < idle->w)
      fail(src.where(hbm->node, std::string(kPath) + ".points[hbm_copy]"),
           fmt::format("hbm_copy draws {:.4g} W, below the idle point's {:.4g} W: the profile is inconsistent", hbm->w,
                       idle->w));
    const double share = (hbm->w - idle->w) / (full->w - idle->w);
    pc.memory_power_share = measured(
        std::min(1.0, share),
        fmt::format("{}: power group, (hbm_copy {:.4g} W - idle {:.4g} W) / ({} {:.4g} W - idle){}", from, hbm->w,
                    idle->w, full->name, full->w, share > 1 ? ", capped at 1 (hbm_copy drew more than gemm)" : ""));
  }
  // The enforced limit: group meta first, else the environment's.
  double limit = 0;
  YAML::Node meta = g["meta"];
  if (meta && meta.IsMap() && has_number(meta, "power_limit_w")) limit = meta["power_limit_w"].as<double>();
  else if (has_number(src.root["environment"], "power_limit_w")) limit = src.root["environment"]["power_limit_w"].as<double>();
  const std::string clock = has_number(full->node, "sm_clock_mhz_mean")
                                ? fmt::format(", SM clock {:.0f} MHz", full->node["sm_clock_mhz_mean"].as<double>())
                                : "";
  if (limit <= 0) pc.limit_note = "NVML power limit not recorded";
  else if (full->w >= kAtLimit * limit)
    pc.limit_note = fmt::format("{} ran at the NVML power limit ({:.4g} of {:.4g} W{}): full-load power is taken as "
                                "measured, clocks were lowered to hold the limit",
                                full->name, full->w, limit, clock);
  else
    pc.limit_note = fmt::format("{} stayed below the NVML power limit ({:.4g} of {:.4g} W{})", full->name, full->w, limit, clock);
  return pc;
}

}  // namespace rs
