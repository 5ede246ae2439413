#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>

#include "models/scenario/run.hpp"
#include "tools/rackscale/commands.hpp"

namespace rs::cli {

void add_run(CLI::App& app) {
  auto opt = std::make_shared<RunOptions>();
  CLI::App* cmd = app.add_subcommand("run", "simulate a scenario and write results/<run>/*.csv");
  cmd->add_option("scenario", opt->scenario, "scenario YAML (default: the embedded default scenario)");
  cmd->add_option("--set", opt->sets, "override a key: --set workload.rate_scale=4 (repeatable)");
  cmd->add_option("--out", opt->out, "output directory (default results/<scenario name>)");
  cmd->add_flag("--force", opt->force, "replace an existing non-empty output directory");
  cmd->add_flag("--force-calibration", opt->force_calibration,
                "accept a calibration profile measured on another GPU (carried by datasheet ratios)");
  cmd->callback([opt] { run_scenario(*opt, std::cout, std::cerr); });
}

}  // namespace rs::cli
