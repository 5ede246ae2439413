#include "nvml.hpp"

#include <dlfcn.h>

#include <chrono>
#include <cmath>
#include <cstring>

#include "common.hpp"

namespace calib {

// Minimal NVML ABI (types and enum values as in nvml.h, stable since R450).
namespace {
using nvmlReturn_t = int;
using nvmlDevice_t = void*;
constexpr nvmlReturn_t NVML_SUCCESS = 0;
constexpr int NVML_CLOCK_SM = 1;
constexpr int NVML_CLOCK_MEM = 2;
constexpr int NVML_TEMPERATURE_GPU = 0;
}  // namespace

struct Nvml::Fns {
  nvmlReturn_t (*init)();
  nvmlReturn_t (*shutdown)();
  const char* (*error_string)(nvmlReturn_t);
  nvmlReturn_t (*by_pci)(const char*, nvmlDevice_t*);
  nvmlReturn_t (*name)(nvmlDevice_t, char*, unsigned);
  nvmlReturn_t (*uuid)(nvmlDevice_t, char*, unsigned);
  nvmlReturn_t (*driver)(char*, unsigned);
  nvmlReturn_t (*power)(nvmlDevice_t, unsigned*);
  nvmlReturn_t (*energy)(nvmlDevice_t, unsigned long long*);
  nvmlReturn_t (*clock)(nvmlDevice_t, int, unsigned*);
  nvmlReturn_t (*max_clock)(nvmlDevice_t, int, unsigned*);
  nvmlReturn_t (*temp)(nvmlDevice_t, int, unsigned*);
  nvmlReturn_t (*limit)(nvmlDevice_t, unsigned*);
  nvmlReturn_t (*throttle)(nvmlDevice_t, unsigned long long*);
};

Nvml::~Nvml() {
  if (f_ && f_->shutdown && dev_) f_->shutdown();
  delete f_;
  if (lib_) dlclose(lib_);
}

template <class F>
static void sym(void* lib, F& f, const char* a, const char* b = nullptr) {
  void* p = dlsym(lib, a);
  if (!p && b) p = dlsym(lib, b);
  f = reinterpret_cast<F>(p);
}

bool Nvml::open(const std::string& pci_bus_id, std::string* why) {
  lib_ = dlopen("libnvidia-ml.so.1", RTLD_NOW | RTLD_LOCAL);
  if (!lib_) lib_ = dlopen("libnvidia-ml.so", RTLD_NOW | RTLD_LOCAL);
  if (!lib_) {
    status_ = *why = "libnvidia-ml.so.1 not found";
    return false;
  }
  f_ = new Fns();
  sym(lib_, f_->init, "nvmlInit_v2", "nvmlInit");
  sym(lib_, f_->shutdown, "nvmlShutdown");
  sym(lib_, f_->error_string, "nvmlErrorString");
  sym(lib_, f_->by_pci, "nvmlDeviceGetHandleByPciBusId_v2", "nvmlDeviceGetHandleByPciBusId");
  sym(lib_, f_->name, "nvmlDeviceGetName");
  sym(lib_, f_->uuid, "nvmlDeviceGetUUID");
  sym(lib_, f_->driver, "nvmlSystemGetDriverVersion");
  sym(lib_, f_->power, "nvmlDeviceGetPowerUsage");
  sym(lib_, f_->energy, "nvmlDeviceGetTotalEnergyConsumption");
  sym(lib_, f_->clock, "nvmlDeviceGetClockInfo");
  sym(lib_, f_->max_clock, "nvmlDeviceGetMaxClockInfo");
  sym(lib_, f_->temp, "nvmlDeviceGetTemperature");
  sym(lib_, f_->limit, "nvmlDeviceGetEnforcedPowerLimit");
  sym(lib_, f_->throttle, "nvmlDeviceGetCurrentClocksEventReasons",
      "nvmlDeviceGetCurrentClocksThrottleReasons");
  if (!f_->init || !f_->by_pci || !f_->shutdown) {
    status_ = *why = "libnvidia-ml lacks nvmlInit/nvmlDeviceGetHandleByPciBusId";
    return false;
  }
  auto err = [&](nvmlReturn_t r) {
    return std::string(f_->error_string ? f_->error_string(r) : "error") + " (" + std::to_string(r) + ")";
  };
  nvmlReturn_t r = f_->init();
  if (r != NVML_SUCCESS) {
    status_ = *why = "nvmlInit: " + err(r);
    return false;
  }
  nvmlDevice_t d = nullptr;
  r = f_->by_pci(pci_bus_id.c_str(), &d);
  if (r != NVML_SUCCESS || !d) {
    f_->shutdown();
    status_ = *why = "nvmlDeviceGetHandleByPciBusId(" + pci_bus_id + "): " + err(r);
    return false;
  }
  dev_ = d;
  status_ = "ok";
  return true;
}

std::string Nvml::name() const {
  char buf[128] = {0};
  if (ok() && f_->name && f_->name(dev_, buf, sizeof buf) == NVML_SUCCESS) return buf;
  return "";
}

std::string Nvml::uuid() const {
  char buf[128] = {0};
  if (ok() && f_->uuid && f_->uuid(dev_, buf, sizeof buf) == NVML_SUCCESS) return buf;
  return "";
}

std::string Nvml::driver_version() const {
  char buf[96] = {0};
  if (ok() && f_->driver && f_->driver(buf, sizeof buf) == NVML_SUCCESS) return buf;
  return "";
}

int Nvml::max_sm_clock_mhz() const {
  unsigned v = 0;
  if (ok() && f_->max_clock && f_->max_clock(dev_, NVML_CLOCK_SM, &v) == NVML_SUCCESS) return int(v);
  return -1;
}

int Nvml::max_mem_clock_mhz() const {
  unsigned v = 0;
  if (ok() && f_->max_clock && f_->max_clock(dev_, NVML_CLOCK_MEM, &v) == NVML_SUCCESS) return int(v);
  return -1;
}

double Nvml::power_limit_w() const {
  unsigned v = 0;
  if (ok() && f_->limit && f_->limit(dev_, &v) == NVML_SUCCESS) return v / 1000.0;
  return -1;
}

bool Nvml::sample(NvmlSample* s) const {
  if (!ok()) return false;
  *s = NvmlSample();
  s->t = now_s();
  unsigned v = 0;
  unsigned long long e = 0;
  if (f_->power && f_->power(dev_, &v) == NVML_SUCCESS) s->power_w = v / 1000.0;
  if (f_->clock && f_->clock(dev_, NVML_CLOCK_SM, &v) == NVML_SUCCESS) s->sm_mhz = v;
  if (f_->clock && f_->clock(dev_, NVML_CLOCK_MEM, &v) == NVML_SUCCESS) s->mem_mhz = v;
  if (f_->temp && f_->temp(dev_, NVML_TEMPERATURE_GPU, &v) == NVML_SUCCESS) s->temp_c = v;
  if (f_->energy && f_->energy(dev_, &e) == NVML_SUCCESS) s->energy_j = double(e) / 1000.0;
  if (f_->throttle) f_->throttle(dev_, &s->throttle);
  return true;
}

void Sampler::start(const Nvml* nvml, double period_ms) {
  stop();
  if (!nvml || !nvml->ok()) return;
  nvml_ = nvml;
  period_s_ = period_ms / 1000.0;
  stop_ = false;
  thread_ = std::thread([this] { loop(); });
}

void Sampler::stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

void Sampler::loop() {
  // Fixed-rate schedule; NVML calls take ~0.1-1 ms each.
  double next = now_s();
  while (!stop_) {
    NvmlSample s;
    if (nvml_->sample(&s)) {
      std::lock_guard<std::mutex> lk(mu_);
      if (samples_.size() < 2000000) samples_.push_back(s);
    }
    next += period_s_;
    double wait = next - now_s();
    if (wait < 0) next = now_s();
    else std::this_thread::sleep_for(std::chrono::duration<double>(wait));
  }
}

PowerStats Sampler::window(double t0, double t1) const {
  PowerStats p;
  std::lock_guard<std::mutex> lk(mu_);
  double pw = 0, sm = 0, mem = 0;
  int n_pw = 0, n_sm = 0, n_mem = 0;
  const NvmlSample* first_e = nullptr;
  const NvmlSample* last_e = nullptr;
  for (const auto& s : samples_) {
    if (s.t < t0 || s.t > t1) continue;
    ++p.samples;
    if (s.power_w >= 0) {
      pw += s.power_w;
      ++n_pw;
      p.power_w_max = std::isnan(p.power_w_max) ? s.power_w : std::max(p.power_w_max, s.power_w);
    }
    if (s.sm_mhz >= 0) { sm += s.sm_mhz; ++n_sm; }
    if (s.mem_mhz >= 0) { mem += s.mem_mhz; ++n_mem; }
    if (s.temp_c >= 0) p.temp_c_max = std::isnan(p.temp_c_max) ? s.temp_c : std::max(p.temp_c_max, s.temp_c);
    if (s.energy_j >= 0) {
      if (!first_e) first_e = &s;
      last_e = &s;
    }
    p.throttle_any |= s.throttle;
  }
  if (n_pw) p.power_w_mean = pw / n_pw;
  if (n_sm) p.sm_mhz_mean = sm / n_sm;
  if (n_mem) p.mem_mhz_mean = mem / n_mem;
  if (first_e && last_e && last_e->t - first_e->t >= 0.1 && last_e->energy_j > first_e->energy_j)
    p.energy_w_mean = (last_e->energy_j - first_e->energy_j) / (last_e->t - first_e->t);
  return p;
}

void put_power(Record& r, const PowerStats& p) {
  r.set("power_w_mean", p.power_w_mean);
  r.set("power_w_max", p.power_w_max);
  r.set("energy_w_mean", p.energy_w_mean);
  r.set("sm_clock_mhz_mean", p.sm_mhz_mean);
  r.set("mem_clock_mhz_mean", p.mem_mhz_mean);
  r.set("temp_c_max", p.temp_c_max);
  r.set("power_samples", p.samples);
}

}  // namespace calib
