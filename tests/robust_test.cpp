// Bad input found by review and by fuzzing (tests/fuzz): each gives one
// InputError naming where, never a crash, a hang or a silently wrong value.
#include <doctest/doctest.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <unistd.h>

#include "models/catalog/calibration.hpp"
#include "models/scenario/scenario.hpp"
#include "models/workload/trace_readers.hpp"
#include "sim/error.hpp"
#include "sim/units.hpp"
#include "sim/yaml_source.hpp"

using namespace rs;

namespace {

// A scratch file named `name` in the temp dir, removed at scope exit.
struct TempFile {
  std::string path;
  TempFile(const std::string& name, const std::string& text)
      : path(std::string(P_tmpdir) + "/rs-robust-" + std::to_string(getpid()) + "-" + name) {
    std::ofstream(path, std::ios::binary) << text;
  }
  ~TempFile() { std::remove(path.c_str()); }
};

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

int64_t rows_of(std::unique_ptr<RequestSource> src) {
  TraceRow r;
  int64_t n = 0;
  while (src->next(r)) ++n;
  return n;
}

}  // namespace

TEST_CASE("a key written twice in one YAML mapping is an error naming both places") {
  CHECK(error_of([] { load_yaml_text("hardware:\n  gpu: h100\n  gpus: 8\n  gpu: h200\n", "s.yaml"); }) ==
        "s.yaml:4:3: duplicate key 'hardware.gpu' (first at s.yaml:2:3); a mapping takes each key once");
  CHECK(error_of([] { load_yaml_text("a: 1\nb: 2\na: 3\n", "t.yaml"); }) ==
        "t.yaml:3:1: duplicate key 'a' (first at t.yaml:1:1); a mapping takes each key once");
  // Flow style, and a mapping inside a list.
  CHECK(error_of([] { load_yaml_text("x: {k: 1, k: 2}\n", "f.yaml"); }) ==
        "f.yaml:1:11: duplicate key 'x.k' (first at f.yaml:1:5); a mapping takes each key once");
  CHECK(error_of([] { load_yaml_text("l:\n  - {k: 1}\n  - {j: 1, j: 2}\n", "l.yaml"); }).starts_with(
      "l.yaml:3:12: duplicate key 'l.j' (first at l.yaml:3:6)"));
  // The same key in different mappings, and aliases, are fine.
  CHECK(error_of([] { load_yaml_text("a: {x: 1}\nb: {x: 2}\nl: [{k: 1}, {k: 2}]\nc: &r {y: 1}\nd: *r\n", "ok.yaml"); })
            .empty());
  // Through a file, as scenarios, presets and calibration profiles are read.
  TempFile f("dup.yaml", "hardware:\n  gpu: h100\n  gpu: h200\n");
  CHECK(error_of([&] { load_scenario(f.path, {}); }) ==
        f.path + ":3:3: duplicate key 'hardware.gpu' (first at " + f.path + ":2:3); a mapping takes each key once");
}

TEST_CASE("a directory given as a YAML file is an error, not an empty scenario") {
  CHECK(error_of([] { load_scenario(P_tmpdir, {}); }) == std::string(P_tmpdir) + ": is a directory, expected a YAML file");
}

TEST_CASE("vLLM's rule: max_num_batched_tokens >= max_num_seqs, at the key the user wrote") {
  TempFile f("sched.yaml", "serving:\n  scheduler:\n    kind: vllm\n    max_num_seqs: 16\n    max_num_batched_tokens: 8\n");
  CHECK(error_of([&] { load_scenario(f.path, {}); }) ==
        f.path + ":5:29: serving.scheduler.max_num_batched_tokens: max_num_batched_tokens (8) must be greater than "
                 "or equal to max_num_seqs (16), as vLLM requires");
  // Only the cap given, above the default budget of 8192: the cap is named.
  CHECK(error_of([] { load_scenario("", {"serving.scheduler.max_num_seqs=10000"}); }) ==
        "--set serving.scheduler.max_num_seqs=10000: serving.scheduler.max_num_seqs: max_num_batched_tokens (8192) "
        "must be greater than or equal to max_num_seqs (10000), as vLLM requires");
  // Equal is accepted (vLLM's condition is <).
  CHECK(error_of([] {
          load_scenario("", {"serving.scheduler.max_num_seqs=64", "serving.scheduler.max_num_batched_tokens=64"});
        }).empty());
}

TEST_CASE("a quantity that overflows its SI value is rejected") {
  std::string why;
  CHECK_FALSE(parse_quantity("1e308 GB", &why));
  CHECK(why == "value out of range");
  CHECK(parse_quantity("1e290 GB", &why)->si == doctest::Approx(1e299));
}

TEST_CASE("Azure rows out of range are errors, not overflowed times or counts") {
  const std::string head = "TIMESTAMP,ContextTokens,GeneratedTokens\n";
  // Year 9999 in ns overflows int64 (UB before): the reader bounds the date.
  TempFile year("year.csv", head + "9999-11-16 18:15:46.6805900,374,44\n");
  CHECK(error_of([&] { rows_of(open_azure_trace(year.path)); }).starts_with(
      year.path + ":2: TIMESTAMP out of range (a date from 1970 to 2200"));
  TempFile month("month.csv", head + "2023-13-16 18:15:46,374,44\n");
  CHECK(error_of([&] { rows_of(open_azure_trace(month.path)); }).find("out of range") != std::string::npos);
  TempFile frac("frac.csv", head + "2023-11-16 18:15:46.-5,374,44\n");
  CHECK(error_of([&] { rows_of(open_azure_trace(frac.path)); }).find("fraction is not a number") != std::string::npos);
  // 2^31 tokens do not fit the int32 of a row.
  TempFile big("big.csv", head + "2023-11-16 18:15:46,2147483648,44\n");
  CHECK(error_of([&] { rows_of(open_azure_trace(big.path)); }) ==
        big.path + ":2: token counts must be below 2^31: '2023-11-16 18:15:46,2147483648,44'");
  // Many blank lines: a loop, not one stack frame per line.
  TempFile blank("blank.csv", head + std::string(200000, '\n') + "2023-11-16 18:15:46,1,1\n");
  CHECK(rows_of(open_azure_trace(blank.path)) == 1);
}

TEST_CASE("Mooncake rows out of range or malformed are errors") {
  auto err = [](const std::string& line) {
    TempFile f("m.jsonl", line + "\n");
    return error_of([&] { rows_of(open_mooncake_trace(f.path)); });
  };
  // ms -> ns would overflow int64.
  CHECK(err(R"({"timestamp": 9223372036855, "input_length": 1, "output_length": 1})")
            .ends_with(":1:68: 'timestamp' above 2^63 ns (292 years)"));
  CHECK(err(R"({"timestamp": 9223372036854, "input_length": 1, "output_length": 1})").empty());
  CHECK(err(R"({"timestamp": 0, "input_length": 4294967297, "output_length": 1})").find("above 2^31") !=
        std::string::npos);
  CHECK(err(R"({"timestamp": 0, "timestamp": 5, "input_length": 1, "output_length": 1})")
            .find("field 'timestamp' given twice") != std::string::npos);
  CHECK(err(R"({"timestamp": 0, "input_length": 1, "output_length": 1} trailing)")
            .find("unexpected text after the closing '}'") != std::string::npos);
  CHECK(err(R"({"timestamp": -3, "input_length": 1, "output_length": 1})").find("'timestamp' must be >= 0") !=
        std::string::npos);
  CHECK(err(std::string("{\"timestamp\": 0,\0 \"input_length\": 1, \"output_length\": 1}", 52))
            .find("NUL byte in a text line") != std::string::npos);
  TempFile blank("blank.jsonl", std::string(200000, '\n') + R"({"timestamp": 0, "input_length": 1, "output_length": 1})");
  CHECK(rows_of(open_mooncake_trace(blank.path)) == 1);
}

TEST_CASE("a measured calibration profile whose group is not a mapping is read, not a crash (fuzzing)") {
  // Found by tests/fuzz (calibration): `gemm: 5` made operator[] throw yaml-cpp's BadSubscript.
  TempFile f("prof.yaml",
             "format: rackscale-calibration-raw/1\nenvironment: {gpu_preset: h100}\ngroups:\n  gemm: 5\n"
             "  hbm: {points: [7, {status: done, kind: read, gbps: 3000}]}\n");
  Calibration c;
  CHECK(error_of([&] { c = load_calibration(f.path, "w"); }).empty());
  CHECK(c.kind == "measured");
  CHECK(c.gemm_efficiency.note.find("assumption kept") != std::string::npos);
  // H100 SXM HBM3: 3.35 TB/s datasheet, so 3000 GB/s reads = 0.8955.
  CHECK(c.memory_efficiency.value == doctest::Approx(3000.0 / 3350).epsilon(1e-3));
}
