#pragma once
// `rackscale run`: a scenario in, results/<run>/ out.
#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

#include "models/metrics/serving_metrics.hpp"
#include "sim/output.hpp"

namespace rs {

struct RunOptions {
  std::string scenario;           // empty: the embedded default
  std::vector<std::string> sets;  // --set key=value
  std::string out;                // empty: results/<name>
  bool force = false;
  bool force_calibration = false;  // accept a profile measured on another GPU
};

// The power and cost columns of summary.csv, typed (NaN: undefined).
struct EnergySummary {
  double energy_j = 0, avg_power_w = 0, peak_power_w = 0, tokens_per_kwh = 0, output_tok_per_s_per_mw = 0;
  double usd_per_gpu_hour = 0, usd_per_mtok_input = 0, usd_per_mtok_output = 0;
};

// A finished run's summary values, as numbers (what summary.csv holds).
struct RunResult {
  std::string dir;  // the output folder (final name)
  int64_t gpus = 0, replicas = 0, tp = 0;
  ServingSummary serving;
  EnergySummary energy;
};

// Writes more outputs of the same run into its staging folder (dir.file(name))
// before the one commit: a failure there leaves no output folder at all.
using ExtraOutputs = std::function<void(const RunResult&, const OutputDir& dir)>;

// Runs the scenario and writes its outputs atomically. Throws InputError on bad input.
RunResult run_scenario(const RunOptions& opt, std::ostream& out, std::ostream& log, const ExtraOutputs& extra = {});

}  // namespace rs
