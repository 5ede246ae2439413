// Shared types for rackscale-calibrate: options, GPU presets, error helpers.
#pragma once

#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

namespace calib {

// Everything the command line controls.
struct Options {
  std::string out;                  // final profile path
  bool quick = false;               // small grid, short measurements
  std::vector<std::string> groups;  // in execution order
  bool resume = false;
  bool force = false;               // replace an existing --out profile
  std::string gpu_preset;           // empty: guess from the GPU name
  int device = 0;
  std::string check_profile;        // --check PROFILE
  bool dry_run = false;
  bool verbose = false;
  std::string command;              // argv joined, recorded in the profile
};

// Datasheet numbers (dense, no sparsity) used only for --dry-run estimates and
// for sanity notes; measurements never depend on them.
struct Preset {
  const char* name;
  double bf16_tflops, fp8_tflops, fp4_tflops;  // 0 = not supported
  double hbm_gbps;                             // GB/s (1e9)
  double hbm_gib;
  double l2_mib;
};
const Preset& preset_by_name(const std::string& name);  // falls back to h100
bool preset_known(const std::string& name);
std::string guess_preset(const std::string& gpu_name);  // "" when unknown

// Thrown for anything that should end a benchmark group (or point) with a
// recorded reason instead of a crash.
struct Error : std::runtime_error {
  using std::runtime_error::runtime_error;
};
// A point or group that cannot run on this machine (not an error).
struct Skip : std::runtime_error {
  using std::runtime_error::runtime_error;
};

std::string strf(const char* fmt, ...) __attribute__((format(printf, 1, 2)));

inline double now_s() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

std::string utc_now_iso();
std::string join(const std::vector<std::string>& v, const std::string& sep);
std::vector<std::string> split(const std::string& s, char sep);

constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;
constexpr double kMiB = 1024.0 * 1024.0;

}  // namespace calib
