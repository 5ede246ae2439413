#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <memory>

#include "models/power/gpu_power.hpp"
#include "models/scenario/scenario.hpp"
#include "sim/error.hpp"
#include "sim/params.hpp"
#include "sim/suggest.hpp"

using namespace rs;

namespace {
struct Demo {
  int64_t count = 0;
  double ratio = 0, delay = 0;
  std::string mode;
};
const Schema<Demo>& demo() {
  static const Schema<Demo> s = Schema<Demo>()
      .integer(&Demo::count, "count", "4", "a count", 1)
      .number(&Demo::ratio, "ratio", "0.5", "a ratio", 0, 1)
      .quantity(&Demo::delay, "delay", Dim::Seconds, "2 us", "a delay")
      .text(&Demo::mode, "mode", "fast", "a mode", {"fast", "slow"});
  return s;
}
std::string error_of(const std::string& yaml) {
  YamlSource src = load_yaml_text(yaml, "demo.yaml");
  try {
    demo().decode(src.root, Cursor{&src, ""});
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}
}  // namespace

TEST_CASE("defaults are declared once and applied") {
  YamlSource src = load_yaml_text("count: 7\n", "demo.yaml");
  Demo d = demo().decode(src.root, Cursor{&src, ""});
  CHECK(d.count == 7);
  CHECK(d.ratio == doctest::Approx(0.5));
  CHECK(d.delay == doctest::Approx(2e-6));
  CHECK(d.mode == "fast");
}

TEST_CASE("errors name file:line:col and what was expected") {
  CHECK(error_of("count: 7\ncuont: 3\n") ==
        "demo.yaml:2:1: unknown key 'cuont'; did you mean 'count'? (known keys: count, ratio, delay, mode)");
  CHECK(error_of("delay: 2\n") == "demo.yaml:1:8: delay: expected a duration with a unit (ns, us, ms, s, min, h), got '2' (missing unit)");
  CHECK(error_of("delay: 2 GB\n") ==
        "demo.yaml:1:8: delay: expected a duration with a unit (ns, us, ms, s, min, h), got a size '2 GB'");
  CHECK(error_of("count: 0\n") == "demo.yaml:1:8: count: must be >= 1, got 0");
  CHECK(error_of("count: many\n") == "demo.yaml:1:8: count: expected an integer, got 'many'");
  CHECK(error_of("ratio: 3 W\n") == "demo.yaml:1:8: ratio: expected a bare number without a unit, got '3 W'");
  CHECK(error_of("mode: slwo\n") == "demo.yaml:1:7: mode: unknown value 'slwo' (known: fast, slow); did you mean 'slow'?");
}

TEST_CASE("--set overrides are applied and named in errors") {
  YamlSource src = load_yaml_text("count: 7\n", "demo.yaml");
  apply_set(src, "count=9");
  CHECK(demo().decode(src.root, Cursor{&src, ""}).count == 9);
  apply_set(src, "delay=3");
  try {
    demo().decode(src.root, Cursor{&src, ""});
    FAIL("expected an error");
  } catch (const InputError& e) {
    CHECK(std::string(e.what()).starts_with("--set delay=3: delay: expected a duration"));
  }
  CHECK_THROWS_AS(apply_set(src, "novalue"), InputError);
}

TEST_CASE("scenario schema: unknown nested key gets a suggestion; explain lists every key") {
  try {
    load_scenario("", {"workload.rate_scal=4"});
    FAIL("expected an error");
  } catch (const InputError& e) {
    CHECK(std::string(e.what()) ==
          "--set workload.rate_scal=4: unknown key 'workload.rate_scal'; did you mean 'rate_scale'? (known keys: trace, "
          "format, rate_scale, max_requests, synthetic)");
  }
  std::vector<ExplainRow> rows;
  Scenario::schema().explain(rows);
  std::vector<std::string> keys;
  for (const auto& r : rows) keys.push_back(r.key);
  for (const char* k : {"hardware.gpu", "hardware.gpus", "model.name", "model.precision", "parallelism.tp",
                        "workload.trace", "workload.synthetic.requests", "workload.synthetic.rate",
                        "workload.synthetic.input_tokens", "workload.synthetic.output_tokens", "workload.rate_scale",
                        "workload.max_requests", "slo.ttft", "slo.itl", "seed", "topology.kind",
                        "serving.scheduler.kind", "serving.scheduler.max_num_seqs"})
    CHECK_MESSAGE(std::find(keys.begin(), keys.end(), k) != keys.end(), k);
}

TEST_CASE("did you mean") {
  CHECK(closest("gb20", {"gb200", "gb300", "h100"}) == "gb200");
  CHECK(closest("zzzzzz", {"gb200", "h100"}).empty());
}

TEST_CASE("a decoded ImplChoice still names its file:line:col after its LoadedScenario is moved and destroyed") {
  // The old Cursor held a raw pointer into LoadedScenario::src: after the move it
  // pointed at the moved-from object (here refilled with other text), then at freed memory.
  auto path = std::filesystem::temp_directory_path() / "rackscale-params-test-move.yaml";
  std::ofstream(path) << "serving:\n  scheduler:\n    kind: vllm\n    max_num_seqs: 64\n";
  // Worked out by hand: line 4, column 19 ("    max_num_seqs: " is 18 characters).
  const std::string file_loc = path.string() + ":4:19";
  const std::string set_loc = "--set serving.router.kind=round-robin";
  auto first = std::make_unique<LoadedScenario>(load_scenario(path.string(), {"serving.router.kind=round-robin"}));
  LoadedScenario moved = std::move(*first);
  *first = load_scenario("", {});  // the old storage now holds another document
  // (yaml-cpp node assignment writes through shared handles: ImplChoice and YamlSource rebind instead)
  CHECK(moved.s.serving.scheduler.params["max_num_seqs"].as<std::string>() == "64");
  CHECK(moved.src.root["serving"]["scheduler"]["max_num_seqs"].as<std::string>() == "64");
  auto check = [&] {
    const ImplChoice& sc = moved.s.serving.scheduler;
    CHECK(sc.at.child("max_num_seqs").where(sc.params["max_num_seqs"]) == file_loc);
    const ImplChoice& rc = moved.s.serving.router;
    CHECK(rc.at.child("kind").where(rc.params) == set_loc);
  };
  check();
  first.reset();  // and is freed (use-after-free under ASan with the old design)
  check();
  // A copy of the choice outlives every scenario object.
  ImplChoice copy = moved.s.serving.scheduler;
  { LoadedScenario gone = std::move(moved); }
  CHECK(copy.at.child("max_num_seqs").where(copy.params["max_num_seqs"]) == file_loc);
  std::filesystem::remove(path);
}

TEST_CASE("power and cost params are owned by their models and composed into the scenario") {
  // Every key of the models' own schemas appears under its section in explain scenario.
  std::vector<ExplainRow> rows;
  Scenario::schema().explain(rows);
  std::vector<std::string> keys;
  for (const auto& r : rows) keys.push_back(r.key);
  auto listed = [&](const std::string& k) { return std::find(keys.begin(), keys.end(), k) != keys.end(); };
  for (const auto& n : PowerParams::schema().names()) CHECK_MESSAGE(listed("power." + n), n);
  for (const auto& n : CostParams::schema().names()) CHECK_MESSAGE(listed("cost." + n), n);
  CHECK(PowerParams::schema().names().size() == 11);  // gpu_cap ... idle_share
  CHECK(CostParams::schema().names().size() == 10);   // electricity ... interest_rate
  // Errors inside a composed section name the full key and the --set.
  try {
    load_scenario("", {"power.pue=0.9"});
    FAIL("expected an error");
  } catch (const InputError& e) {
    CHECK(std::string(e.what()) == "--set power.pue=0.9: power.pue: must be >= 1, got 0.9");
  }
}

TEST_CASE("power keys given explicitly: in the file or by --set, not by default") {
  auto path = std::filesystem::temp_directory_path() / "rackscale-params-test-keys.yaml";
  std::ofstream(path) << "power:\n  dvfs_exponent: 2\n";
  LoadedScenario ls = load_scenario(path.string(), {});
  CHECK(ls.given("power.dvfs_exponent"));
  CHECK_FALSE(ls.given("power.memory_power_share"));
  CHECK_FALSE(ls.given("power.dvfs_exponent.x"));
  PowerKeysSet k = power_keys_set(ls);
  CHECK(k.dvfs_exponent);
  CHECK_FALSE(k.memory_share);
  PowerKeysSet k2 = power_keys_set(load_scenario(path.string(), {"power.memory_power_share=0.5"}));
  CHECK(k2.memory_share);
  CHECK(k2.dvfs_exponent);
  std::filesystem::remove(path);
}
