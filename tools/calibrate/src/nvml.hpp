// NVML access through dlopen, so the tool builds without nvml.h (not part of
// every toolkit install) and still runs, without power data, where the driver
// library is missing.
#pragma once

#include <atomic>
#include <cmath>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "record.hpp"

namespace calib {

struct NvmlSample {
  double t = 0;                    // host steady clock, s
  double power_w = -1;             // nvmlDeviceGetPowerUsage (driver-averaged)
  double sm_mhz = -1, mem_mhz = -1, temp_c = -1;
  double energy_j = -1;            // total energy counter, -1 if unsupported
  unsigned long long throttle = 0; // clocks-event reasons bit mask
};

class Nvml {
 public:
  ~Nvml();
  // Opens the library and finds the device by PCI bus id (CUDA and NVML
  // ordinals differ under CUDA_VISIBLE_DEVICES).
  bool open(const std::string& pci_bus_id, std::string* why);
  bool ok() const { return dev_ != nullptr; }
  const std::string& status() const { return status_; }

  std::string name() const;
  std::string uuid() const;
  std::string driver_version() const;
  int max_sm_clock_mhz() const;   // -1 if unknown
  int max_mem_clock_mhz() const;
  double power_limit_w() const;   // enforced limit, -1 if unknown
  bool sample(NvmlSample* s) const;

 private:
  void* lib_ = nullptr;
  void* dev_ = nullptr;
  std::string status_ = "not initialised";
  struct Fns;
  Fns* f_ = nullptr;
};

struct PowerStats {
  int samples = 0;
  double power_w_mean = NAN, power_w_max = NAN;
  double energy_w_mean = NAN;  // from the energy counter; needs >= 100 ms
  double sm_mhz_mean = NAN, mem_mhz_mean = NAN, temp_c_max = NAN;
  unsigned long long throttle_any = 0;
};

// Background thread sampling NVML every period_ms.
class Sampler {
 public:
  ~Sampler() { stop(); }
  void start(const Nvml* nvml, double period_ms);
  void stop();
  bool running() const { return thread_.joinable(); }
  PowerStats window(double t0, double t1) const;  // samples with t0 <= t <= t1

 private:
  void loop();
  const Nvml* nvml_ = nullptr;
  double period_s_ = 0.02;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  mutable std::mutex mu_;
  std::vector<NvmlSample> samples_;
};

// Adds power_w_mean, power_w_max, energy_w_mean, sm_clock_mhz_mean,
// mem_clock_mhz_mean, temp_c_max, power_samples (nulls when unavailable).
void put_power(Record& r, const PowerStats& p);

}  // namespace calib
