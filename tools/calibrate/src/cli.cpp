#include "cli.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <sys/stat.h>

#include "groups.hpp"

namespace calib {

void print_usage() {
  std::printf(
      "usage: rackscale-calibrate --out FILE [options]\n"
      "       rackscale-calibrate --check PROFILE [--device N]\n"
      "       rackscale-calibrate --dry-run [--quick] [--groups ...] [--gpu-preset P] [--verbose]\n"
      "\n"
      "Measures GPU performance for the rackscale simulator and writes a raw\n"
      "calibration profile (YAML, format rackscale-calibration-raw/1).\n"
      "\n"
      "options:\n"
      "  --out FILE          profile to write (atomically, at the end); finished groups\n"
      "                      are kept in FILE.partial/<group>.yaml as they complete\n"
      "  --quick             small grid and short measurements (< 2 minutes)\n"
      "  --groups LIST       comma-separated subset of gemm,hbm,attention,layer,launch,power,\n"
      "                      nccl (default: all, in that order)\n"
      "  --resume            keep groups already finished in FILE.partial/ and run the rest\n"
      "  --force             replace an existing FILE (never done without it)\n"
      "  --gpu-preset NAME   simulator GPU preset (default: guessed from the GPU name;\n"
      "                      h100, h200, b200, gb200, gb300)\n"
      "  --device N          CUDA device index (default 0)\n"
      "  --check PROFILE     re-measure a sample of PROFILE's points; print the drift per\n"
      "                      point and exit 1 if any drifts by more than 10 %%\n"
      "  --dry-run           print the benchmark plan and time estimate; touches no GPU\n"
      "  --verbose, -v       progress for every point (with --dry-run: list every point)\n"
      "  --help, -h          this help\n"
      "\n"
      "exit status: 0 ok, 1 --check found drift, 2 bad arguments or input files,\n"
      "             3 no CUDA device or driver, 4 a benchmark group failed\n");
}

static bool valid_preset_name(const std::string& s) {
  if (s.empty() || s.size() > 32) return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.')) return false;
  return true;
}

ParseResult parse_args(int argc, char** argv, Options* o, std::string* err) {
  for (int i = 0; i < argc; ++i) o->command += (i ? " " : "") + std::string(argv[i]);
  bool groups_given = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i], val;
    bool has_inline = false;
    size_t eq = a.find('=');
    if (a.rfind("--", 0) == 0 && eq != std::string::npos) {
      val = a.substr(eq + 1);
      a = a.substr(0, eq);
      has_inline = true;
    }
    auto value = [&](std::string* dst) {
      if (has_inline) { *dst = val; return true; }
      if (i + 1 >= argc) { *err = a + " needs a value"; return false; }
      *dst = argv[++i];
      return true;
    };
    auto no_value = [&]() {
      if (has_inline) { *err = a + " takes no value"; return false; }
      return true;
    };
    if (a == "--help" || a == "-h") {
      print_usage();
      return ParseResult::Help;
    } else if (a == "--out") {
      if (!value(&o->out)) return ParseResult::Error;
      if (o->out.empty()) { *err = "--out needs a file name"; return ParseResult::Error; }
    } else if (a == "--quick") {
      if (!no_value()) return ParseResult::Error;
      o->quick = true;
    } else if (a == "--resume") {
      if (!no_value()) return ParseResult::Error;
      o->resume = true;
    } else if (a == "--force") {
      if (!no_value()) return ParseResult::Error;
      o->force = true;
    } else if (a == "--dry-run") {
      if (!no_value()) return ParseResult::Error;
      o->dry_run = true;
    } else if (a == "--verbose" || a == "-v") {
      if (!no_value()) return ParseResult::Error;
      o->verbose = true;
    } else if (a == "--groups") {
      std::string list;
      if (!value(&list)) return ParseResult::Error;
      groups_given = true;
      o->groups.clear();
      for (const auto& g : split(list, ',')) {
        if (g.empty()) continue;
        const auto& all = all_groups();
        if (std::find(all.begin(), all.end(), g) == all.end()) {
          *err = "unknown group '" + g + "' (known: " + join(all, ",") + ")";
          return ParseResult::Error;
        }
        if (std::find(o->groups.begin(), o->groups.end(), g) == o->groups.end()) o->groups.push_back(g);
      }
      if (o->groups.empty()) { *err = "--groups is empty"; return ParseResult::Error; }
    } else if (a == "--gpu-preset") {
      if (!value(&o->gpu_preset)) return ParseResult::Error;
      if (!valid_preset_name(o->gpu_preset)) {
        *err = "invalid --gpu-preset '" + o->gpu_preset + "' (lower-case name such as h100)";
        return ParseResult::Error;
      }
    } else if (a == "--device") {
      std::string v;
      if (!value(&v)) return ParseResult::Error;
      char* end = nullptr;
      long d = std::strtol(v.c_str(), &end, 10);
      if (v.empty() || *end != '\0' || d < 0 || d > 1024) {
        *err = "invalid --device '" + v + "' (non-negative integer)";
        return ParseResult::Error;
      }
      o->device = int(d);
    } else if (a == "--check") {
      if (!value(&o->check_profile)) return ParseResult::Error;
      if (o->check_profile.empty()) { *err = "--check needs a profile"; return ParseResult::Error; }
    } else {
      *err = "unknown argument '" + std::string(argv[i]) + "'";
      return ParseResult::Error;
    }
  }
  if (!groups_given) o->groups = all_groups();
  if (o->out.empty() && o->check_profile.empty() && !o->dry_run) {
    *err = "--out FILE is required";
    return ParseResult::Error;
  }
  // Never replace a user's file without --force, nor ever a folder (checked before any measurement).
  struct stat st {};
  if (!o->out.empty() && !o->dry_run && ::stat(o->out.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) {
      *err = "--out " + o->out + ": is a folder; the profile is a file and a folder is never replaced";
      return ParseResult::Error;
    }
    if (!o->force && !o->resume) {
      *err = "--out " + o->out + ": file exists (use --force to replace it, or --resume to continue it)";
      return ParseResult::Error;
    }
  }
  if (!o->check_profile.empty() && o->resume) {
    *err = "--check and --resume cannot be combined";
    return ParseResult::Error;
  }
  return ParseResult::Ok;
}

void print_plan(const Options& o) {
  std::string preset = o.gpu_preset.empty() ? "h100" : o.gpu_preset;
  const Preset& p = preset_by_name(preset);
  std::printf("rackscale-calibrate plan (%s grid, estimates for preset %s%s)\n", o.quick ? "quick" : "full",
              preset.c_str(), preset_known(preset) ? "" : " [unknown preset: using h100 numbers]");
  std::printf("estimates use datasheet peaks at 70-85 %% efficiency; expect +-50 %%\n\n");
  std::printf("%-10s %7s %10s\n", "group", "points", "est. s");
  double total = 0;
  int points = 0;
  for (const auto& g : o.groups) {
    PlanSummary ps;
    if (g == "gemm") ps = plan_gemm(o, p);
    else if (g == "hbm") ps = plan_hbm(o, p);
    else if (g == "attention") ps = plan_attention(o, p);
    else if (g == "layer") ps = plan_layer(o, p);
    else if (g == "launch") ps = plan_launch(o, p);
    else if (g == "power") ps = plan_power(o, p);
    else if (g == "nccl") ps = plan_nccl(o, p);
    std::printf("%-10s %7d %10.1f\n", g.c_str(), ps.points, ps.est_s);
    for (const auto& n : ps.notes) std::printf("             %s\n", n.c_str());
    if (o.verbose)
      for (const auto& l : ps.lines) std::printf("             - %s\n", l.c_str());
    total += ps.est_s;
    points += ps.points;
  }
  const double startup = 5.0;  // context creation, cuBLASLt init, NVML
  std::printf("%-10s %7d %10.1f   (+%.0f s start-up; build not included)\n", "total", points, total + startup,
              startup);
}

}  // namespace calib
