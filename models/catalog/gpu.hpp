#pragma once
// A GPU preset (models/hardware/<name>.yaml): datasheet numbers, each sourced.
#include <string>

#include "models/catalog/catalog.hpp"

namespace rs {

struct GpuSpec {
  std::string name, description, status, form_factor;
  struct Peak {
    Sourced bf16, fp8, fp4;
  } peak;  // dense FLOP/s per GPU
  Sourced hbm_capacity, hbm_bandwidth, nvlink_bandwidth, nvlink_domain, tdp;
  // Power and cost (issue 5): idle power per GPU (CUDA context loaded, no kernels),
  // non-GPU power of one NVLink-domain enclosure (HGX node or NVL72 rack: CPUs,
  // NVSwitch, NICs, fans), and the purchase price per GPU including its share of
  // the server or rack.
  Sourced idle_power, host_power, price_per_gpu;
  // Collectives (issue 4): 1 if the domain's NVSwitches reduce in-switch (NVLink
  // SHARP, NCCL's NVLS all-reduce); absent or 0 if not.
  Sourced nvlink_sharp;
  bool has_nvls() const { return nvlink_sharp.present() && nvlink_sharp.value > 0; }

  static const Schema<GpuSpec>& schema();
  // Dense peak at a precision; InputError at `where` if the GPU lacks it.
  double peak_flops(Precision p, const std::string& where) const;
  int64_t domain_size() const { return static_cast<int64_t>(nvlink_domain.value); }
};

GpuSpec load_gpu(const std::string& name, const std::string& where = "");

}  // namespace rs
