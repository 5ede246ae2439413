#pragma once
// A GPU preset (models/hardware/<name>.yaml): datasheet numbers, each sourced.
#include <string>

#include "models/catalog/catalog.hpp"
#include "models/catalog/packaging.hpp"

namespace rs {

struct GpuSpec {
  std::string name, description, status, form_factor;
  struct Peak {
    Sourced bf16, fp8, fp4;
  } peak;  // dense FLOP/s per GPU
  Sourced hbm_capacity, hbm_bandwidth, nvlink_bandwidth, nvlink_domain, tdp;
  // Power and cost: idle power per GPU (CUDA context loaded, no kernels),
  // non-GPU power of one NVLink-domain enclosure (HGX node or NVL72 rack: CPUs,
  // NVSwitch, NICs, fans), and the purchase price per GPU including its share of
  // the server or rack.
  Sourced idle_power, host_power, price_per_gpu;
  // Non-GPU power of a partial NVLink domain: the GPUs come in compute trays of
  // gpus_per_tray (each with its CPUs, NICs, fans: tray_host_power); the rest of
  // host_power (NVSwitch trays, power shelves, rack management) is shared and
  // drawn whatever the trays in use. Absent: the whole domain is one unit.
  Sourced gpus_per_tray, tray_host_power;
  // Scale-out presets per GPU (topologies/scaleout.cpp): NIC bandwidth per
  // direction on AWS EFA and on InfiniBand, and the InfiniBand switch radix of
  // the generation deployed with this GPU. Absent: the topology asks for it.
  Sourced efa_nic_bandwidth, ib_nic_bandwidth, ib_switch_radix;
  // Collectives: 1 if the domain's NVSwitches reduce in-switch (NVLink
  // SHARP, NCCL's NVLS all-reduce); absent or 0 if not.
  Sourced nvlink_sharp;
  bool has_nvls() const { return nvlink_sharp.present() && nvlink_sharp.value > 0; }

  static const Schema<GpuSpec>& schema();
  // Dense peak at a precision; InputError at `where` if the GPU lacks it.
  double peak_flops(Precision p, const std::string& where) const;
  int64_t domain_size() const { return static_cast<int64_t>(nvlink_domain.value); }
  Packaging packaging() const { return form_factor == "nvl72" ? Packaging::nvl_rack : Packaging::hgx_node; }
  int64_t tray_gpus() const {
    return gpus_per_tray.present() ? static_cast<int64_t>(gpus_per_tray.value) : domain_size();
  }
  // Non-GPU power of an NVLink-domain enclosure holding `gpus` GPUs (1 to
  // nvlink_domain): the shared part + tray_host_power per compute tray in use.
  // host_power at a full domain.
  double host_power_for(int64_t gpus) const;
  double host_power_shared() const;
};

GpuSpec load_gpu(const std::string& name, const std::string& where = "");

}  // namespace rs
