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
      .sourced(&GpuSpec::gpus_per_tray, "gpus_per_tray", Dim::Count,
               "GPUs per compute tray: a partial NVLink domain draws tray_host_power per tray in use plus the shared "
               "rest of host_power (absent: the whole domain is one unit)",
               false)
      .sourced(&GpuSpec::tray_host_power, "tray_host_power", Dim::Watts,
               "non-GPU power of one compute tray (its CPUs, NICs, fans); part of host_power", false)
      .sourced(&GpuSpec::efa_nic_bandwidth, "efa_nic_bandwidth", Dim::BytesPerSec,
               "AWS EFA bandwidth per GPU per direction (topology kinds *-efa)", false)
      .sourced(&GpuSpec::ib_nic_bandwidth, "ib_nic_bandwidth", Dim::BytesPerSec,
               "InfiniBand NIC bandwidth per GPU per direction (topology kinds *-ib)", false)
      .sourced(&GpuSpec::ib_switch_radix, "ib_switch_radix", Dim::Count,
               "ports per InfiniBand switch of the generation deployed with this GPU (topology kinds *-ib)", false)
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

double GpuSpec::host_power_shared() const {
  if (!tray_host_power.present()) return host_power.value;
  return host_power.value - static_cast<double>(domain_size() / tray_gpus()) * tray_host_power.value;
}

double GpuSpec::host_power_for(int64_t gpus) const {
  if (gpus >= domain_size() || !tray_host_power.present()) return host_power.value;
  const int64_t trays = (gpus + tray_gpus() - 1) / tray_gpus();
  return host_power_shared() + static_cast<double>(trays) * tray_host_power.value;
}

GpuSpec load_gpu(const std::string& name, const std::string& where) {
  GpuSpec g = load_preset(GpuSpec::schema(), "hardware", name, where, "GPU");
  auto bad = [&](const std::string& what) { fail(where, "GPU '" + name + "': " + what); };
  if (g.domain_size() < 1) bad("nvlink_domain must be >= 1");
  if (!(g.idle_power.value < g.tdp.value)) bad("idle_power must be below tdp");
  if (g.tray_host_power.present() != g.gpus_per_tray.present())
    bad("gpus_per_tray and tray_host_power go together (give both or neither)");
  if (g.gpus_per_tray.present() && (g.tray_gpus() < 1 || g.domain_size() % g.tray_gpus() != 0))
    bad("gpus_per_tray must divide nvlink_domain");
  if (g.host_power_shared() < 0) bad("the trays' tray_host_power adds up to more than host_power");
  return g;
}

}  // namespace rs
