#include "models/power/gpu_power.hpp"

#include <algorithm>
#include <fmt/format.h>

#include "sim/error.hpp"

namespace rs {
namespace {

std::string preset_source(const GpuSpec& g, const char* key, const Sourced& s) {
  return fmt::format("preset {} (models/hardware/{}.yaml {}: {})", g.name, g.name, key,
                     s.source.empty() ? "labelled ASSUMPTION" : "sourced");
}

}  // namespace

GpuPower resolve_gpu_power(const GpuSpec& gpu, const Calibration& cal, const PowerParams& p, PowerKeysSet set,
                           const std::string& where) {
  GpuPower g;
  g.tdp_w = gpu.tdp.value;
  g.idle_w = {gpu.idle_power.value, preset_source(gpu, "idle_power", gpu.idle_power)};
  g.full_w = {gpu.tdp.value, preset_source(gpu, "tdp", gpu.tdp) + ": compute-bound work assumed to draw tdp"};
  g.memory_share = {p.memory_power_share,
                    "scenario default power.memory_power_share (Ma et al., arXiv:2605.11999, H200 decode power; "
                    "rackscale explain scenario)"};
  g.dvfs_exponent = {p.dvfs_exponent,
                     "ASSUMPTION power.dvfs_exponent (P ~ f^a; default 3, textbook CMOS); not measured: tools/calibrate "
                     "does not sweep clocks (clock locking needs root)"};

  if (cal.power) {
    const PowerCalibration& m = *cal.power;
    g.limit_note = m.limit_note;
    if (cal.carried_from.empty()) {
      g.idle_w = {m.idle_w.value, m.idle_w.source};
      g.full_w = {m.full_load_w.value, m.full_load_w.source};
    } else {
      // Watts do not transfer between GPUs; fractions of the nameplate do (same assumption as the presets' idle scaling).
      const GpuSpec from = load_gpu(cal.carried_from, where);
      const double r = gpu.tdp.value / from.tdp.value;
      auto carried = [&](const Sourced& s) {
        return fmt::format("carried from {} x tdp ratio {:.4g}/{:.4g} W ({:.4g} W measured; {})", from.name, gpu.tdp.value,
                           from.tdp.value, s.value, s.source);
      };
      if (gpu.idle_power.source.empty()) g.idle_w = {m.idle_w.value * r, carried(m.idle_w)};
      else g.idle_w.source += "; kept: sourced, so the measured idle of " + from.name + " is not carried";
      g.full_w = {m.full_load_w.value * r, carried(m.full_load_w)};
    }
    if (m.memory_power_share.present())
      g.memory_share = {m.memory_power_share.value,
                        (cal.carried_from.empty() ? "" : "carried as is (a ratio) from " + cal.carried_from + ": ") +
                            m.memory_power_share.source};
    else
      g.memory_share.source += "; the profile's power group has no hbm_copy point";
  }
  // An explicit value wins; the source changes only if it differs (a resolved scenario re-states the value used).
  if (set.memory_share && p.memory_power_share != g.memory_share.value)
    g.memory_share = {p.memory_power_share, "scenario power.memory_power_share (given explicitly; wins over any profile)"};
  if (g.full_w.value > g.tdp_w) {
    g.full_w.source += fmt::format("; {:.4g} W measured is above the tdp, held at the tdp", g.full_w.value);
    g.full_w.value = g.tdp_w;
  }
  if (!(g.idle_w.value < g.full_w.value))
    fail(where, fmt::format("GPU power: idle {:.4g} W ({}) is not below full-load power {:.4g} W ({})", g.idle_w.value,
                            g.idle_w.source, g.full_w.value, g.full_w.source));
  return g;
}

std::vector<std::string> GpuPower::source_lines() const {
  std::vector<std::string> v;
  v.push_back(fmt::format("idle_power        {:.4g} W  {}", idle_w.value, idle_w.source));
  v.push_back(fmt::format("full_load_power   {:.4g} W  {}", full_w.value, full_w.source));
  v.push_back(fmt::format("memory_power_share {:.4g}  {}", memory_share.value, memory_share.source));
  v.push_back(fmt::format("dvfs_exponent     {:.4g}  {}", dvfs_exponent.value, dvfs_exponent.source));
  if (!limit_note.empty()) v.push_back("power limit: " + limit_note);
  return v;
}

}  // namespace rs
