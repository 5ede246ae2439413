#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <iostream>
#include <memory>

#include "models/catalog/calibration.hpp"
#include "models/catalog/gpu.hpp"
#include "models/catalog/llm.hpp"
#include "models/scenario/scenario.hpp"
#include "models/serving/router.hpp"
#include "models/serving/scheduler.hpp"
#include "sim/error.hpp"
#include "sim/registry.hpp"
#include "topologies/topology.hpp"

namespace rs::cli {
namespace {

// Prints a preset as emitted by its schema: "key  value  source".
void describe(const YAML::Node& n, const std::string& prefix) {
  for (auto it = n.begin(); it != n.end(); ++it) {
    std::string key = prefix + it->first.Scalar();
    const YAML::Node v = it->second;  // a copy: it-> yields a temporary proxy (ASan: stack-use-after-scope)
    if (v.IsMap() && v["value"]) {
      std::cout << fmt::format("{:<28} {:<16} {}\n", key, v["value"].Scalar(),
                               v["source"] ? "source: " + v["source"].Scalar()
                                           : "ASSUMPTION: " + v["assumption"].Scalar());
      if (v["note"]) std::cout << fmt::format("{:<28} {:<16} note: {}\n", "", "", v["note"].Scalar());
    } else if (v.IsMap()) {
      describe(v, key + ".");
    } else if (v.IsScalar()) {
      std::cout << fmt::format("{:<28} {}\n", key, v.Scalar());
    }
  }
}

template <class I>
void explain_impl(const std::string& name, const std::string& what) {
  const auto& e = Registry<I>::get(name, "", what);
  std::cout << what << " " << name << ": " << e.help << "\n\n";
  auto rows = e.explain();
  std::cout << (rows.empty() ? "(no parameters)\n" : format_explain(rows));
}

void explain(const std::string& what, const std::string& name) {
  auto need = [&] {
    if (name.empty()) fail("", "explain " + what + " needs a name, e.g. rackscale explain " + what + " <name>");
  };
  if (what == "scenario") {
    std::vector<ExplainRow> rows;
    Scenario::schema().explain(rows);
    std::cout << format_explain(rows);
  } else if (what == "gpu") {
    need();
    GpuSpec g = load_gpu(name);
    describe(GpuSpec::schema().emit(g), "");
  } else if (what == "model") {
    need();
    LlmSpec m = load_llm(name);
    describe(LlmSpec::schema().emit(m), "");
    std::cout << fmt::format("{:<28} {:.2f} B (computed from the architecture)\n", "total_params", m.total_params() / 1e9);
    std::cout << fmt::format("{:<28} {:.2f} B per token\n", "active_params", m.active_params() / 1e9);
  } else if (what == "calibration") {
    need();
    describe(Calibration::schema().emit(load_calibration(name)), "");
  } else if (what == "scheduler") {
    need();
    explain_impl<Scheduler>(name, what);
  } else if (what == "router") {
    need();
    explain_impl<Router>(name, what);
  } else if (what == "topology") {
    need();
    explain_impl<Topology>(name, what);
  }
}

}  // namespace

void add_explain(CLI::App& app) {
  auto what = std::make_shared<std::string>();
  auto name = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand("explain", "every field, unit, value and source of a preset, or every scenario key");
  cmd->add_option("what", *what, "scenario|gpu|model|calibration|scheduler|router|topology")
      ->required()
      ->check(CLI::IsMember({"scenario", "gpu", "model", "calibration", "scheduler", "router", "topology"}));
  cmd->add_option("name", *name, "preset or implementation name");
  cmd->callback([what, name] { explain(*what, *name); });
}

}  // namespace rs::cli
