#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>

#include "models/scenario/run.hpp"
#include "tools/rackscale/commands.hpp"

namespace rs::cli {

void add_run(CLI::App& app) {
  auto opt = std::make_shared<RunOptions>();
  CLI::App* cmd = app.add_subcommand("run", "simulate a scenario and write results/<run>/*.csv");
  add_scenario_args(cmd, opt->scenario, opt->sets, "workload.rate_scale=4");
  add_output_args(cmd, opt->out, opt->force, "output directory (default results/<scenario name>)");
  cmd->add_flag("--force-calibration", opt->force_calibration,
                "accept a calibration profile measured on another GPU (carried by datasheet ratios)");
  cmd->callback([opt] { run_scenario(*opt, std::cout, std::cerr); });
}

}  // namespace rs::cli
