// `rackscale site`: how many racks of the scenario's kind fit power.site_budget,
// and what that site serves at the scenario's SLO (models/scenario/site_run.hpp).
#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>

#include "models/scenario/site_run.hpp"
#include "tools/rackscale/commands.hpp"

namespace rs::cli {

void add_site(CLI::App& app) {
  auto opt = std::make_shared<RunOptions>();
  CLI::App* cmd = app.add_subcommand(
      "site", "how many racks of the scenario's kind fit power.site_budget and what that site serves at its SLO");
  add_scenario_args(cmd, opt->scenario, opt->sets, "power.site_budget=100MW");
  add_output_args(cmd, opt->out, opt->force, "output directory (default results/<scenario name>-site)");
  cmd->callback([opt] { run_site(*opt, std::cout); });
}

}  // namespace rs::cli
