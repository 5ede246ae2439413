#include "common.hpp"

#include <cctype>
#include <cstdarg>
#include <cstdio>
#include <ctime>

#include "cuda_util.hpp"
#include "groups.hpp"
#include "kernels.hpp"

namespace calib {

std::string strf(const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  va_list ap2;
  va_copy(ap2, ap);
  int n = std::vsnprintf(nullptr, 0, fmt, ap);
  va_end(ap);
  std::string s(n > 0 ? size_t(n) : 0, '\0');
  if (n > 0) std::vsnprintf(&s[0], size_t(n) + 1, fmt, ap2);
  va_end(ap2);
  return s;
}

std::string utc_now_iso() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string join(const std::vector<std::string>& v, const std::string& sep) {
  std::string o;
  for (size_t i = 0; i < v.size(); ++i) o += (i ? sep : "") + v[i];
  return o;
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == sep) { out.push_back(cur); cur.clear(); }
    else cur += c;
  }
  out.push_back(cur);
  return out;
}

// Dense datasheet peaks (TFLOPS), HBM GB/s, HBM GiB, L2 MiB.
static const Preset kPresets[] = {
    {"h100", 989, 1979, 0, 3350, 80, 50},
    {"h200", 989, 1979, 0, 4800, 141, 50},
    {"b200", 2250, 4500, 9000, 8000, 180, 126},
    {"gb200", 2500, 5000, 10000, 8000, 186, 126},
    {"gb300", 2500, 5000, 15000, 8000, 279, 126},
};

bool preset_known(const std::string& name) {
  for (const auto& p : kPresets)
    if (name == p.name) return true;
  return false;
}

const Preset& preset_by_name(const std::string& name) {
  for (const auto& p : kPresets)
    if (name == p.name) return p;
  return kPresets[0];
}

std::string guess_preset(const std::string& gpu_name) {
  std::string u;
  for (char c : gpu_name) u += char(std::toupper(static_cast<unsigned char>(c)));
  // Order matters: "GB200" contains "B200". GH200 (Grace Hopper) exists with
  // HBM3 and HBM3e and maps to neither preset cleanly: ask the user.
  if (u.find("GH200") != std::string::npos) return "";
  if (u.find("GB300") != std::string::npos) return "gb300";
  if (u.find("GB200") != std::string::npos) return "gb200";
  if (u.find("B200") != std::string::npos) return "b200";
  if (u.find("H200") != std::string::npos) return "h200";
  if (u.find("H100") != std::string::npos) return "h100";
  return "";
}

const std::vector<std::string>& all_groups() {
  static const std::vector<std::string> g = {"gemm", "hbm", "attention", "layer", "launch", "power", "nccl"};
  return g;
}

void Ctx::warm_gpu(double ms) const {
  gpu_spin(dev.sm_count, ms, dev.sm_clock_max_mhz, stream);
  CUDA_TRY(cudaStreamSynchronize(stream));
}

void finish_point(Ctx& c, Record& r, const Measurement& m, const Record& derived) {
  r.set("status", "done");
  put_timing(r, m);
  r.append(derived);
  put_power(r, c.power(m.t0, m.t1));
}

void skip_point(Record& r, const std::string& reason) {
  r.set("status", "skipped");
  r.set("reason", reason);
}

void fail_point(Record& r, const std::string& reason) {
  r.set("status", "failed");
  r.set("reason", reason);
  check_context();
}

}  // namespace calib
