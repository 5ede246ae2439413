#pragma once
// Subcommands of the rackscale CLI; each adds itself to the app with a callback.
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
}  // namespace rs::cli
