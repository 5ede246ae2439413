// rackscale: command-line entry point. Parses, calls the library, prints.
// Bad input or an unusable environment (a file that cannot be read or
// written, memory exhausted) is one line "error: ..." and exit code 2; a bug
// is one line "internal error: ..." and exit code 70. Nothing ends in abort.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <new>
#include <string>

#include "sim/cleanup.hpp"
#include "sim/error.hpp"
#include "sim/output.hpp"
#include "tools/rackscale/commands.hpp"

namespace {

int report(const char* kind, std::string msg, int code) {
  std::replace(msg.begin(), msg.end(), '\n', ' ');  // always one line
  std::cerr << kind << msg << "\n";
  return code;
}

std::string describe(const std::filesystem::filesystem_error& e) {
  std::string where = e.path1().string();
  return (where.empty() ? "" : where + ": ") + e.code().message();
}

}  // namespace

int main(int argc, char** argv) {
  rs::set_command_line(argc, argv);
  rs::install_cleanup_handlers();  // Ctrl-C, SIGTERM, abort: unfinished outputs removed
  CLI::App app{"rackscale: rack-scale AI cluster simulator and capacity planner"};
  app.set_version_flag("--version", std::string(rs::rackscale_version()));
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
    return report("error: ", e.what(), 2);
  } catch (const std::filesystem::filesystem_error& e) {
    return report("error: ", describe(e), 2);  // a file or folder that cannot be read or written
  } catch (const std::bad_alloc&) {
    return report("error: ", "out of memory (a smaller scenario, or more memory, is needed)", 2);
  } catch (const std::exception& e) {
    return report("internal error: ", e.what(), 70);
  } catch (...) {
    return report("internal error: ", "unknown exception", 70);
  }
  return 0;
}
