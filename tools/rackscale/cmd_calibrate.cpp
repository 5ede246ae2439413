// `rackscale calibrate`: builds and runs the standalone CUDA microbenchmarks
// (tools/calibrate) on the local GPU, then fits the profile; `--fit` shows the
// fits of an existing profile (no GPU needed).
#include <CLI/CLI.hpp>
#include <cstdlib>
#include <filesystem>
#include <fmt/format.h>
#include <iostream>
#include <memory>
#include <sys/wait.h>

#include "models/catalog/calibration.hpp"
#include "models/catalog/catalog.hpp"
#include "models/perf/layer_check.hpp"
#include "sim/error.hpp"
#include "sim/output.hpp"
#include "tools/rackscale/commands.hpp"

namespace fs = std::filesystem;

namespace rs::cli {
namespace {

struct CalibrateOptions {
  std::string out, check, fit, compare, groups, gpu_preset;
  bool quick = false, resume = false, force = false;
};

std::string quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

bool have_nvcc() {
  return std::system("command -v nvcc >/dev/null 2>&1") == 0 || fs::exists("/usr/local/cuda/bin/nvcc");
}

int run_tool(const std::string& args) {
  fs::path script = data_root() / "tools" / "calibrate" / "run.sh";
  int rc = std::system((quote(script.string()) + " " + args).c_str());
  if (WIFSIGNALED(rc)) return 128 + WTERMSIG(rc);  // Ctrl-C stopped the tool: 130, as a shell reports it
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : 4;
}

void print_fits(const std::string& profile) {
  Calibration c = load_calibration(profile);
  std::cout << "profile " << profile << ": " << c.description << "\n" << describe_fits(c);
}

void calibrate(const CalibrateOptions& o) {
  if (!o.fit.empty()) return print_fits(o.fit);
  if (!o.compare.empty()) {
    auto rows = check_layers(o.compare);
    if (rows.empty()) fail(o.compare, "the profile has no measured 'layer' points (run calibrate with --groups layer)");
    std::cout << format_layer_check(rows);
    return;
  }
  if (o.out.empty() && o.check.empty()) fail("calibrate", "give --out FILE (measure), --check FILE (drift) or --fit FILE (show fits)");
  // Before any measurement: an existing profile is replaced only with --force (--resume continues it).
  if (!o.out.empty()) check_new_file(o.out, o.force || o.resume, "--out");
  if (!have_nvcc()) {
    std::cerr << "error: cannot calibrate on this machine: no CUDA Toolkit (nvcc not on PATH nor in /usr/local/cuda). "
                 "tools/calibrate needs nvcc and an NVIDIA GPU; runs here use the committed profiles in models/calibration/.\n";
    std::exit(3);
  }
  std::string args;
  if (!o.check.empty()) {
    args = "--check " + quote(o.check);
  } else {
    args = "--out " + quote(o.out);
    if (o.quick) args += " --quick";
    if (o.resume) args += " --resume";
    if (o.force) args += " --force";
    if (!o.groups.empty()) args += " --groups " + quote(o.groups);
    if (!o.gpu_preset.empty()) args += " --gpu-preset " + quote(o.gpu_preset);
  }
  int rc = run_tool(args);
  if (rc == 0 && !o.out.empty()) print_fits(o.out);
  if (rc != 0) std::exit(rc);  // 1: drift > 10 %, 2: bad input, 3: no GPU, 4: a group failed
}

}  // namespace

void add_calibrate(CLI::App& app) {
  auto o = std::make_shared<CalibrateOptions>();
  CLI::App* cmd = app.add_subcommand(
      "calibrate", "measure this machine's GPU with CUDA microbenchmarks (tools/calibrate) and fit a profile");
  cmd->add_option("--out", o->out, "profile to write, e.g. models/calibration/h100-sxm-2026-11.yaml");
  cmd->add_flag("--quick", o->quick, "small grid (under 2 minutes)");
  cmd->add_flag("--resume", o->resume, "keep benchmark groups already finished for --out");
  cmd->add_flag("--force", o->force, "replace an existing --out profile");
  cmd->add_option("--groups", o->groups, "subset of gemm,hbm,attention,layer,launch,power,nccl");
  cmd->add_option("--gpu-preset", o->gpu_preset, "GPU preset to record (default: guessed from the GPU name)");
  cmd->add_option("--check", o->check, "re-measure a sample of a profile; exit 1 if any point drifts > 10 %");
  cmd->add_option("--fit", o->fit, "print the fits of an existing profile (no GPU needed)");
  cmd->add_option("--compare", o->compare,
                  "measured decoder-layer times of a profile vs the iteration model's prediction (no GPU needed)");
  cmd->callback([o] { calibrate(*o); });
}

}  // namespace rs::cli
