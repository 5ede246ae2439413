#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <unistd.h>

#include "models/catalog/calibration.hpp"
#include "models/catalog/gpu.hpp"
#include "models/catalog/llm.hpp"
#include "models/perf/iteration_model.hpp"
#include "models/perf/gemm_time.hpp"
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
  Calibration unfitted = measured;
  unfitted.gemm_fits.clear();  // same profile, GEMMs at the scalar efficiencies
  IterationModel m(PerfConfig{llm, gpu, measured, Precision::bf16, Precision::bf16, 1}, "t");
  IterationModel u(PerfConfig{llm, gpu, unfitted, Precision::bf16, Precision::bf16, 1}, "t");
  // Batch-1 decode: every GEMM reads its weight; the fixture's law at m = 1 is
  // e = exp(-1.5 + 0.005 ln n + 0.005 ln k), the unfitted path uses the HBM efficiency 3015/3350.
  // Only the GEMM terms differ: sum over GEMMs of bytes / HBM x (1/e - 1/0.9).
  auto delta = [](double n, double k) {
    double bytes = (k + n) * 2 + n * k * 2;
    double e = std::exp(-1.5 + 0.005 * std::log(n) + 0.005 * std::log(k));
    return bytes / 3.35e12 * (1 / e - 3350.0 / 3015);
  };
  // Per layer: fused qkv (6144 x 4096), o (4096 x 4096), gate+up (28672 x 4096), down (4096 x 14336); LM head.
  double expect = 32 * (delta(6144, 4096) + delta(4096, 4096) + delta(28672, 4096) + delta(4096, 14336)) +
                  delta(128256, 4096);
  CHECK(ns_to_s(m.decode_ns(1, 100)) - ns_to_s(u.decode_ns(1, 100)) == doctest::Approx(expect).epsilon(1e-5));
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

namespace {
// A data folder holding the hardware presets and the given calibration files (RACKSCALE_HOME).
struct DataHome {
  std::filesystem::path dir;
  explicit DataHome(const std::vector<std::string>& profiles) {
    namespace fs = std::filesystem;
    dir = fs::temp_directory_path() / ("rs-calib-home-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir / "models" / "calibration");
    fs::copy(fs::path(RACKSCALE_SOURCE_DIR) / "models" / "hardware", dir / "models" / "hardware");
    fs::copy(fs::path(RACKSCALE_SOURCE_DIR) / "models" / "calibration" / "default.yaml", dir / "models" / "calibration");
    for (const auto& p : profiles) fs::copy(p, dir / "models" / "calibration");
    ::setenv("RACKSCALE_HOME", dir.c_str(), 1);
  }
  ~DataHome() {
    ::unsetenv("RACKSCALE_HOME");
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
};
}  // namespace

TEST_CASE("auto selection: the assumed default without measured profiles, else the nearest measured one") {
  {
    DataHome home({});
    Calibration c = select_calibration("auto", load_gpu("gb200"), false, "w");
    CHECK(c.name == "default");
    CHECK(c.kind_label() == "assumed");
  }
  {
    DataHome home({RS_TEST_DATA "/calib-synthetic-h100.yaml"});
    Calibration same = select_calibration("auto", load_gpu("h100"), false, "w");
    CHECK(same.name == "calib-synthetic-h100");
    CHECK(same.kind_label() == "measured");
    Calibration carried = select_calibration("auto", load_gpu("gb200"), false, "w");
    CHECK(carried.name == "calib-synthetic-h100");
    CHECK(carried.carried_from == "h100");
  }
}

TEST_CASE("layer check: modelled one-layer time vs the profile's measured layer points") {
  auto rows = check_layers(RS_TEST_DATA "/calib-synthetic-h100.yaml");
  REQUIRE(rows.size() == 2);
  Calibration cal = load_calibration(RS_TEST_DATA "/calib-synthetic-h100.yaml");
  GpuSpec gpu = load_gpu("h100");
  LlmSpec llm = load_llm("llama-3.1-8b");
  IterationModel m(PerfConfig{llm, gpu, cal, Precision::bf16, Precision::bf16, 1}, "t");
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

// GEMM time must be non-decreasing in m and never beat the roofline, for the
// assumed path, every measured fit (committed profiles, the test fixture) and
// fits shaped to break it (convex, above 1, steep, falling).
TEST_CASE("GEMM efficiency is at most 1 and GEMM time is non-decreasing in m") {
  std::vector<std::pair<std::string, GemmRoofline>> cases;
  auto add_profile = [&](const std::string& label, const Calibration& c) {
    for (const char* gpu : {"h100", "b200", "gb300"}) {
      GpuSpec g = load_gpu(gpu);
      for (Precision p : {Precision::bf16, Precision::fp8, Precision::fp4}) {
        const Sourced& peak = p == Precision::bf16 ? g.peak.bf16 : p == Precision::fp8 ? g.peak.fp8 : g.peak.fp4;
        if (!peak.present()) continue;
        GemmRoofline r{peak.value, g.hbm_bandwidth.value, c.gemm_efficiency.value, c.memory_efficiency.value, {}, 2};
        if (const GemmFit* f = c.gemm_fit(p)) r.fit = *f;
        cases.push_back({label + "/" + gpu + "/" + to_string(p), r});
      }
    }
  };
  for (const auto& n : preset_names("calibration")) add_profile(n, load_calibration(n));
  add_profile("fixture", load_calibration(RS_TEST_DATA "/calib-synthetic-h100.yaml"));
  GpuSpec h100 = load_gpu("h100");
  for (auto [c0, c1, c2] : {std::tuple{-1.5, 0.35, -0.025}, {-1.0, 0.9, 0.02}, {0.5, 0.6, -0.01}, {-3.0, 1.5, -0.05},
                            {-0.5, -0.2, -0.03}, {-0.2, -0.3, 0.05}}) {
    GemmRoofline r{h100.peak.bf16.value, h100.hbm_bandwidth.value, 1, 1, GemmFit{}, 2};
    r.fit->coef << c0, c1, c2, 0.01, 0.01;
    cases.push_back({"synthetic fit", r});
  }
  int checked = 0;
  for (const auto& c : cases) {
    const std::string& label = c.first;  // not a structured binding: clang 14 cannot capture those (CAPTURE)
    const GemmRoofline& r = c.second;
    CAPTURE(label);
    for (double n : {128.0, 1024.0, 7168.0, 28672.0, 129280.0})
      for (double k : {128.0, 2048.0, 8192.0, 53248.0}) {
        double w = n * k * 1.0, prev = 0;
        for (double m = 0.25; m <= 1 << 17; m *= 1.07) {
          double t = gemm_time_s(r, m, n, k, w);
          double ideal = std::max(2 * m * n * k / r.peak_flops, ((m * k + m * n) * 2 + w) / r.hbm_bw);
          if (r.fit) CHECK(r.fit->efficiency(m, n, k) <= 1.0);
          if (t < prev * (1 - 1e-12) || t < ideal * (1 - 1e-12)) {
            CAPTURE(m);
            CAPTURE(n);
            CAPTURE(k);
            CHECK(t >= prev);
            CHECK(t >= ideal);
          }
          prev = t;
          ++checked;
        }
      }
  }
  CHECK(checked > 10000);
}

TEST_CASE("a measured fit cannot make a bigger batch faster through the iteration model") {
  Calibration measured = load_calibration(RS_TEST_DATA "/calib-synthetic-h100.yaml");
  for (const char* model : {"llama-3.1-8b", "deepseek-r1"}) {
    CAPTURE(model);
    GpuSpec gpu = load_gpu("h100");
    LlmSpec llm = load_llm(model);
    IterationModel m(PerfConfig{llm, gpu, measured, Precision::bf16, Precision::bf16, 8}, "t");
    TimeNs prev = 0;
    for (int64_t b = 1; b <= 4096; b = b < 64 ? b + 1 : b * 5 / 4) {
      std::vector<PrefillChunk> c{{b, 0, true}};
      TimeNs t = m.step_ns(BatchShape{0, 0, c});
      CHECK(t >= prev);
      prev = t;
    }
  }
}
