#include "models/catalog/gpu.hpp"

#include "sim/error.hpp"

namespace rs {

const Schema<GpuSpec>& GpuSpec::schema() {
  static const Schema<GpuSpec::Peak> peak = Schema<GpuSpec::Peak>("dense peak per GPU")
      .sourced(&GpuSpec::Peak::bf16, "bf16", Dim::FlopsPerSec, "dense BF16 tensor-core peak")
      .sourced(&GpuSpec::Peak::fp8, "fp8", Dim::FlopsPerSec, "dense FP8 tensor-core peak")
      .sourced(&GpuSpec::Peak::fp4, "fp4", Dim::FlopsPerSec, "dense FP4 peak (absent if unsupported)", false);
  static const Schema<GpuSpec> s = Schema<GpuSpec>("GPU preset")
      .text(&GpuSpec::name, "name", "", "preset name (= file name)")
      .text(&GpuSpec::description, "description", "", "what this preset is")
      .text(&GpuSpec::status, "status", "shipping", "shipping, or preliminary (announced figures)",
            {"shipping", "preliminary"})
      .text(&GpuSpec::form_factor, "form_factor", "hgx8", "default NVLink domain packaging", {"hgx8", "nvl72"})
      .section(&GpuSpec::peak, "peak_dense_tflops", peak, "dense peak compute per GPU")
      .sourced(&GpuSpec::hbm_capacity, "hbm_capacity", Dim::Bytes, "HBM capacity per GPU (usable)")
      .sourced(&GpuSpec::hbm_bandwidth, "hbm_bandwidth", Dim::BytesPerSec, "HBM bandwidth per GPU")
      .sourced(&GpuSpec::nvlink_bandwidth, "nvlink_bandwidth", Dim::BytesPerSec,
               "NVLink bandwidth per GPU, per direction")
      .sourced(&GpuSpec::nvlink_domain, "nvlink_domain", Dim::Count, "GPUs in one NVLink switch domain")
      .sourced(&GpuSpec::tdp, "tdp", Dim::Watts, "thermal design power per GPU")
      .sourced(&GpuSpec::idle_power, "idle_power", Dim::Watts,
               "power of one GPU that holds a serving engine's CUDA context but runs no kernels")
      .sourced(&GpuSpec::host_power, "host_power", Dim::Watts,
               "non-GPU power of one NVLink-domain enclosure (HGX node or NVL72 rack): CPUs, NVSwitch, NICs, fans")
      .sourced(&GpuSpec::price_per_gpu, "price_per_gpu", Dim::Count,
               "purchase price per GPU in USD, including its share of the server or rack")
      .sourced(&GpuSpec::nvlink_sharp, "nvlink_sharp", Dim::Count,
               "1 if the NVLink domain's NVSwitches reduce in-switch (NVLink SHARP, NCCL's NVLS all-reduce), else 0",
               false);
  return s;
}

double GpuSpec::peak_flops(Precision p, const std::string& where) const {
  const Sourced& s = p == Precision::bf16 ? peak.bf16 : p == Precision::fp8 ? peak.fp8 : peak.fp4;
  if (!s.present()) fail(where, "GPU '" + name + "' has no " + to_string(p) + " tensor cores in its preset");
  return s.value;
}

GpuSpec load_gpu(const std::string& name, const std::string& where) {
  GpuSpec g = load_preset(GpuSpec::schema(), "hardware", name, where, "GPU");
  if (g.domain_size() < 1) fail(where, "GPU '" + name + "': nvlink_domain must be >= 1");
  if (!(g.idle_power.value < g.tdp.value)) fail(where, "GPU '" + name + "': idle_power must be below tdp");
  return g;
}

}  // namespace rs
