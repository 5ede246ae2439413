#pragma once
// Subcommands of the rackscale CLI; each adds itself to the app with a callback.
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace rs::cli {
void add_run(CLI::App& app);
void add_list(CLI::App& app);
void add_explain(CLI::App& app);
void add_site(CLI::App& app);
void add_calibrate(CLI::App& app);
void add_topo(CLI::App& app);
void add_collective(CLI::App& app);

// The positional scenario file and the repeatable --set overrides (scenario_args.cpp).
void add_scenario_args(CLI::App* cmd, std::string& scenario, std::vector<std::string>& sets, const char* set_example);
// --out DIR and --force (replace a non-empty DIR).
void add_output_args(CLI::App* cmd, std::string& out, bool& force, const char* out_help);
}  // namespace rs::cli
