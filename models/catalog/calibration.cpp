#include "models/catalog/calibration.hpp"

#include "sim/error.hpp"

namespace rs {

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
      .sourced(&C::nvlink_latency, "nvlink_latency", Dim::Seconds, "latency per collective step")
      .sourced(&C::iteration_overhead, "iteration_overhead", Dim::Seconds, "fixed time per engine step")
      .sourced(&C::runtime_reserve, "runtime_reserve", Dim::Bytes, "per-GPU memory held by the runtime");
  return s;
}

Calibration load_calibration(const std::string& name, const std::string& where) {
  Calibration c = load_preset(Calibration::schema(), "calibration", name, where, "calibration profile");
  for (const Sourced* e : {&c.gemm_efficiency, &c.memory_efficiency, &c.attention_efficiency, &c.nvlink_efficiency})
    if (e->value <= 0 || e->value > 1)
      fail(where.empty() ? name : where, "calibration '" + name + "': efficiencies must be in (0, 1]");
  return c;
}

}  // namespace rs
