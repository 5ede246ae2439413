// power group: idle draw (measured before any other group heats the GPU) and
// steady-state draw under sustained compute- and memory-bound loads. NVML's
// power reading is a trailing average (about 1 s on Hopper), so each load
// runs for several seconds and only its second half is summarised.
#include <chrono>
#include <thread>

#include "cuda_util.hpp"
#include "groups.hpp"
#include "progress.hpp"

namespace calib {
namespace {

double load_seconds(bool quick) { return quick ? 2.0 : 6.0; }

std::vector<std::string> load_names(bool fp4) {
  std::vector<std::string> v = {"gemm_bf16", "gemm_fp8"};
  if (fp4) v.push_back("gemm_fp4");
  v.push_back("hbm_copy");
  return v;
}

}  // namespace

PlanSummary plan_power(const Options& o, const Preset& p) {
  PlanSummary ps;
  const double idle = o.quick ? 1.5 : 3.0;
  ps.lines.push_back(strf("idle: %.1f s (before the first group)", idle));
  ps.est_s = idle;
  for (const auto& n : load_names(p.fp4_tflops > 0)) {
    ps.lines.push_back(strf("%s: %.0f s sustained", n.c_str(), load_seconds(o.quick)));
    ps.est_s += load_seconds(o.quick) + 0.5;
  }
  ps.points = int(ps.lines.size());
  ps.notes.push_back("NVML sampled every 20 ms during every group; this group adds idle and sustained loads");
  return ps;
}

Record measure_idle(Ctx& c) {
  Record r;
  r.set("load", "idle");
  if (!c.nvml.ok()) {
    skip_point(r, "NVML unavailable: " + c.nvml.status());
    return r;
  }
  const double settle = c.opt.quick ? 0.5 : 1.0, window = c.opt.quick ? 1.0 : 2.0;
  CUDA_TRY(cudaDeviceSynchronize());
  std::this_thread::sleep_for(std::chrono::duration<double>(settle));
  double t0 = now_s();
  std::this_thread::sleep_for(std::chrono::duration<double>(window));
  double t1 = now_s();
  r.set("status", "done");
  r.set("duration_s", t1 - t0);
  put_power(r, c.power(t0, t1));
  return r;
}

void run_power(Ctx& c, GroupDoc& g, const Record& idle) {
  if (!c.nvml.ok()) {
    g.status = "skipped";
    g.reason = "NVML unavailable: " + c.nvml.status();
    return;
  }
  g.meta.set("sample_period_ms", 20);
  if (c.nvml.power_limit_w() > 0) g.meta.set("power_limit_w", c.nvml.power_limit_w());
  else g.meta.set_null("power_limit_w");
  g.meta.set("window", "second half of each sustained load");
  g.meta.set("power_source", "nvmlDeviceGetPowerUsage (driver-averaged); energy_w_mean from the energy counter");
  g.points.push_back(idle);

  std::string why;
  const bool fp4 = gemm_dtype_supported(c.dev, "fp4", &why);
  const double secs = load_seconds(c.opt.quick);
  auto names = load_names(fp4);
  Progress prog("power", int(names.size()), c.opt.verbose);
  for (const auto& n : names) {
    Record r;
    try {
      if (n == "hbm_copy") {
        r = hbm_sustained(c, secs);
      } else {
        std::string dt = n.substr(5);
        if (!gemm_dtype_supported(c.dev, dt, &why)) throw Skip(why);
        r = gemm_sustained(c, dt, 8192, 8192, 8192, secs);
      }
      r.set("status", "done");
    } catch (const Skip& e) {
      r = Record();
      r.set("load", n);
      skip_point(r, e.what());
    }
    g.points.push_back(r);
    prog.tick(strf("%s: %.0f W", n.c_str(), r.num("power_w_mean", NAN)));
  }
}

}  // namespace calib
