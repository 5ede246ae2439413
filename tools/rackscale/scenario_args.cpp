// Arguments shared by every subcommand that reads a scenario.
#include <CLI/CLI.hpp>
#include <string>

#include "tools/rackscale/commands.hpp"

namespace rs::cli {

void add_scenario_args(CLI::App* cmd, std::string& scenario, std::vector<std::string>& sets, const char* set_example) {
  cmd->add_option("scenario", scenario, "scenario YAML (default: the embedded default scenario)");
  cmd->add_option("--set", sets, std::string("override a key: --set ") + set_example + " (repeatable)");
}

void add_output_args(CLI::App* cmd, std::string& out, bool& force, const char* out_help) {
  cmd->add_option("--out", out, out_help);
  cmd->add_flag("--force", force, "replace an existing non-empty output directory");
}

}  // namespace rs::cli
