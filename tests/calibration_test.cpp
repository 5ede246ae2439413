#include <doctest/doctest.h>

#include <cmath>

#include "models/catalog/calibration.hpp"
#include "models/catalog/gpu.hpp"
#include "models/catalog/llm.hpp"
#include "models/perf/iteration_model.hpp"
#include "models/perf/layer_check.hpp"
#include "models/collectives/nvlink_fit.hpp"
#include "sim/error.hpp"

using namespace rs;

TEST_CASE("a raw profile is fitted: GEMM efficiency law recovered, HBM and attention efficiencies derived") {
  Calibration c = load_calibration(RS_TEST_DATA "/calib-synthetic-h100.yaml");
  CHECK(c.kind == "measured");
  CHECK(c.gpu_preset == "h100");
  REQUIRE(c.gemm_fits.size() == 1);
  const GemmFit& f = c.gemm_fits[0];
  CHECK(f.dtype == "bf16");
  CHECK(f.points == 40);
  CHECK(f.rms_log_error < 1e-6);  // the fixture follows the fit's own law exactly
  CHECK(f.coef[0] == doctest::Approx(-1.5).epsilon(1e-4));
  CHECK(f.coef[1] == doctest::Approx(0.35).epsilon(1e-4));
  CHECK(f.efficiency(100, 8192, 8192) ==
        doctest::Approx(std::exp(-1.5 + 0.35 * std::log(100.0) - 0.025 * std::pow(std::log(100.0), 2) +
                                 0.005 * std::log(8192.0) + 0.005 * std::log(8192.0))));
  CHECK(c.memory_efficiency.value == doctest::Approx(3015e9 / 3.35e12));  // best non-L2 read
  CHECK(c.attention_efficiency.value == doctest::Approx(2010e9 / 3.35e12));  // context >= 1024 only
  CHECK_FALSE(c.nvlink_efficiency.note.empty());  // no NCCL group: assumption kept and said
  CHECK(c.gemm_fit(Precision::fp8) == nullptr);
}

TEST_CASE("the iteration model uses the fitted efficiency for GEMMs") {
  GpuSpec gpu = load_gpu("h100");
  LlmSpec llm = load_llm("llama-3.1-8b");
  Calibration measured = load_calibration(RS_TEST_DATA "/calib-synthetic-h100.yaml");
  Calibration assumed = load_calibration("default");
  IterationModel a(PerfConfig{&llm, &gpu, &assumed, Precision::bf16, Precision::bf16, 1}, "t");
  IterationModel m(PerfConfig{&llm, &gpu, &measured, Precision::bf16, Precision::bf16, 1}, "t");
  // Batch-1 decode: efficiency of the fitted law at m=1 is exp(-1.5 + 0.09) ~ 0.24, far below 0.8.
  CHECK(m.decode_ns(1, 100) > a.decode_ns(1, 100) * 1.3);
}

TEST_CASE("bad profiles: unknown GPU, corrupted file, profile from another GPU") {
  CHECK_THROWS_WITH_AS(load_calibration(RS_TEST_DATA "/calib-unknown-gpu.yaml"),
                       doctest::Contains("unknown GPU 'a100'"), InputError);
  CHECK_THROWS_WITH_AS(load_calibration(RS_TEST_DATA "/calib-corrupt.yaml"), doctest::Contains("YAML syntax error"),
                       InputError);
  GpuSpec gb200 = load_gpu("gb200");
  CHECK_THROWS_WITH_AS(select_calibration(RS_TEST_DATA "/calib-synthetic-h100.yaml", gb200, false, "s.yaml:3:14"),
                       doctest::Contains("s.yaml:3:14: calibration"), InputError);
  Calibration carried = select_calibration(RS_TEST_DATA "/calib-synthetic-h100.yaml", gb200, true, "w");
  CHECK(carried.carried_from == "h100");
  CHECK(carried.kind_label() == "carried");
}

TEST_CASE("auto selection falls back to the assumed default without measured profiles") {
  Calibration c = select_calibration("auto", load_gpu("gb200"), false, "w");
  if (c.measured()) {
    CHECK((c.gpu_preset == "gb200" || !c.carried_from.empty()));
  } else {
    CHECK(c.name == "default");
    CHECK(c.kind_label() == "assumed");
  }
}

TEST_CASE("layer check: modelled one-layer time vs the profile's measured layer points") {
  auto rows = check_layers(RS_TEST_DATA "/calib-synthetic-h100.yaml");
  REQUIRE(rows.size() == 2);
  Calibration cal = load_calibration(RS_TEST_DATA "/calib-synthetic-h100.yaml");
  GpuSpec gpu = load_gpu("h100");
  LlmSpec llm = load_llm("llama-3.1-8b");
  IterationModel m(PerfConfig{&llm, &gpu, &cal, Precision::bf16, Precision::bf16, 1}, "t");
  CHECK(rows[0].phase == "decode");
  CHECK(rows[0].modelled_us == doctest::Approx(m.layer_s(BatchShape{8, 8 * 1025, {}}) * 1e6));
  CHECK(rows[0].error_pct() == doctest::Approx((rows[0].modelled_us - 300) / 300 * 100));
  // One decode layer of an 8B model reads ~218 MB of weights: tens of microseconds or more.
  CHECK(rows[0].modelled_us > 50);
  CHECK(rows[1].tokens == 512);
  CHECK(rows[1].modelled_us > rows[0].modelled_us);
}

TEST_CASE("the default profile's NVLink numbers are those fitted to the bundled NCCL data") {
  const NvlinkFit& f = bundled_nvlink_fit();
  Calibration c = load_calibration("default");
  CHECK(c.nvlink_call_latency.value == doctest::Approx(f.ab.alpha0_s).epsilon(0.005));
  CHECK(c.nvlink_latency.value == doctest::Approx(f.ab.alpha_step_s).epsilon(0.005));
  CHECK(c.nvlink_efficiency.value == doctest::Approx(f.ab.bw_Bps / f.measured_nvlink_Bps).epsilon(0.005));
}
