#include "env.hpp"

#include <cublasLt.h>
#include <unistd.h>

#include "cuda_util.hpp"

namespace calib {

static std::string version_string(int v) {  // 12080 -> "12.8"
  return strf("%d.%d", v / 1000, (v % 1000) / 10);
}

void query_device(int index, DeviceInfo* d) {
  cudaDeviceProp p{};
  CUDA_TRY(cudaGetDeviceProperties(&p, index));
  d->index = index;
  d->name = p.name;
  d->cc_major = p.major;
  d->cc_minor = p.minor;
  d->sm_count = p.multiProcessorCount;
  d->hbm_bytes = p.totalGlobalMem;
  d->l2_bytes = size_t(p.l2CacheSize);
  d->mem_bus_width_bits = p.memoryBusWidth;
  char bus[32] = {0};
  CUDA_TRY(cudaDeviceGetPCIBusId(bus, sizeof bus, index));
  d->pci_bus_id = bus;
  int khz = 0;
  if (cudaDeviceGetAttribute(&khz, cudaDevAttrClockRate, index) == cudaSuccess) d->sm_clock_max_mhz = khz / 1000;
  if (cudaDeviceGetAttribute(&khz, cudaDevAttrMemoryClockRate, index) == cudaSuccess)
    d->mem_clock_max_mhz = khz / 1000;
  (void)cudaGetLastError();
  CUDA_TRY(cudaGetDeviceCount(&d->count));
}

void refine_clocks(const Nvml& nvml, DeviceInfo* d) {
  if (!nvml.ok()) return;
  if (nvml.max_sm_clock_mhz() > 0) d->sm_clock_max_mhz = nvml.max_sm_clock_mhz();
  if (nvml.max_mem_clock_mhz() > 0) d->mem_clock_max_mhz = nvml.max_mem_clock_mhz();
}

std::string hostname() {
  char buf[256] = {0};
  if (gethostname(buf, sizeof buf - 1) != 0) return "";
  return buf;
}

Record environment_record(const Options& o, const DeviceInfo& d, const Nvml& nvml, const std::string& preset,
                          const std::string& preset_source) {
  Record e;
  std::string name = nvml.ok() && !nvml.name().empty() ? nvml.name() : d.name;
  e.set("gpu_name", name);
  e.set("gpu_preset", preset.empty() ? std::string("unknown") : preset);
  e.set("gpu_preset_source", preset_source);
  e.set("gpu_uuid", nvml.uuid());
  e.set("gpu_count", d.count);
  e.set("device_index", d.index);
  e.set("pci_bus_id", d.pci_bus_id);
  e.set("compute_capability", strf("%d.%d", d.cc_major, d.cc_minor));
  e.set("sm_count", d.sm_count);
  e.set("hbm_bytes", (long long)d.hbm_bytes);
  e.set("l2_bytes", (long long)d.l2_bytes);
  e.set("mem_bus_width_bits", d.mem_bus_width_bits);
  e.set("sm_clock_max_mhz", d.sm_clock_max_mhz);
  e.set("mem_clock_max_mhz", d.mem_clock_max_mhz);
  double pl = nvml.power_limit_w();
  if (pl > 0) e.set("power_limit_w", pl);
  else e.set_null("power_limit_w");
  std::string drv = nvml.driver_version();
  int dv = 0, rv = 0;
  cudaDriverGetVersion(&dv);
  cudaRuntimeGetVersion(&rv);
  e.set("driver", drv.empty() ? "unknown" : drv);
  e.set("cuda_runtime", version_string(rv));
  e.set("cuda_driver_api", dv);
  size_t cb = cublasLtGetVersion();
  e.set("cublas", strf("%zu.%zu.%zu", cb / 10000, (cb / 100) % 100, cb % 100));
  std::string nv = nccl_version();
  if (nv.empty()) e.set_null("nccl");
  else e.set("nccl", nv);
  e.set("nvml", nvml.status());
  e.set("cuda_archs_built", CALIB_CUDA_ARCHS);
  e.set("tool_version", CALIB_VERSION);
  e.set("quick", o.quick);
  e.set("date", utc_now_iso());
  e.set("command", o.command);
  e.set("host", hostname());
  return e;
}

}  // namespace calib
