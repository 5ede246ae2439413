#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <iostream>
#include <memory>

#include "models/catalog/catalog.hpp"
#include "models/catalog/gpu.hpp"
#include "models/catalog/llm.hpp"
#include "models/serving/router.hpp"
#include "models/serving/scheduler.hpp"
#include "models/workload/trace_readers.hpp"
#include "sim/error.hpp"
#include "sim/registry.hpp"
#include "sim/suggest.hpp"
#include "topologies/topology.hpp"

namespace rs::cli {
namespace {

template <class I>
void list_registry() {
  for (const auto& [name, e] : Registry<I>::all()) std::cout << fmt::format("{:<16} {}\n", name, e.help);
}

void list(const std::string& what) {
  if (what == "gpus") {
    for (const auto& n : preset_names("hardware")) {
      GpuSpec g = load_gpu(n);
      std::cout << fmt::format("{:<8} {:<11} {}\n", n, g.status, g.description);
    }
  } else if (what == "models") {
    for (const auto& n : preset_names("llm")) {
      LlmSpec m = load_llm(n);
      std::cout << fmt::format("{:<16} {:>7.1f} B params  {}\n", n, m.total_params() / 1e9, m.description);
    }
  } else if (what == "traces") {
    for (const auto& t : bundled_traces()) std::cout << fmt::format("{:<22} {} [{}]\n", t.name, t.description, t.license);
  } else if (what == "calibrations") {
    for (const auto& n : preset_names("calibration")) std::cout << n << "\n";
  } else if (what == "schedulers") {
    list_registry<Scheduler>();
  } else if (what == "routers") {
    list_registry<Router>();
  } else if (what == "topologies") {
    list_registry<Topology>();
  }
}

}  // namespace

void add_list(CLI::App& app) {
  auto what = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand("list", "list presets and registered implementations");
  cmd->add_option("what", *what, "gpus|models|traces|calibrations|schedulers|routers|topologies")
      ->required()
      ->check(CLI::IsMember({"gpus", "models", "traces", "calibrations", "schedulers", "routers", "topologies"}));
  cmd->callback([what] { list(*what); });
}

}  // namespace rs::cli
