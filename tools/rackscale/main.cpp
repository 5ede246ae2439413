// rackscale: command-line entry point. Parses, calls the library, prints.
// Input errors are one line on stderr and exit code 2.
#include <CLI/CLI.hpp>
#include <iostream>

#include "sim/error.hpp"
#include "tools/rackscale/commands.hpp"

int main(int argc, char** argv) {
  CLI::App app{"rackscale: rack-scale AI cluster simulator and capacity planner"};
  app.require_subcommand(1);
  rs::cli::add_run(app);
  rs::cli::add_list(app);
  rs::cli::add_explain(app);
  rs::cli::add_site(app);
  rs::cli::add_calibrate(app);
  rs::cli::add_topo(app);
  rs::cli::add_collective(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  } catch (const rs::InputError& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 2;
  }
  return 0;
}
