#include <doctest/doctest.h>

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
