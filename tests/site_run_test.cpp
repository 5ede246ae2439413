// `rackscale site` in the library: the site's figures from a run's typed summary
// values, and extra outputs written into the run's folder before its one commit.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "models/power/site.hpp"
#include "models/scenario/run.hpp"
#include "sim/error.hpp"
#include "tests/fork_helper.hpp"

using namespace rs;
namespace fs = std::filesystem;

namespace {
// One H100 HGX node serving Llama-3.1-8B, 20 synthetic requests: a run of well under a second.
RunOptions small_run(const fs::path& out) {
  RunOptions o;
  o.sets = {"hardware.gpu=h100", "hardware.gpus=8", "model.name=llama-3.1-8b", "workload.synthetic.requests=20",
            "workload.synthetic.rate=100"};
  o.out = out.string();
  return o;
}
fs::path fresh_dir(const char* name) {
  fs::path d = fs::temp_directory_path() / name;
  fs::remove_all(d);
  return d;
}
}  // namespace

TEST_CASE("site figures by hand: rates and power scale with the GPUs, ratios carry over") {
  SitePlan p;
  p.gpus = 432, p.simulated_gpus = 72, p.scale = 6;  // 6 racks of 72 from one simulated rack
  SiteRunValues r;
  r.avg_power_w = 100e3, r.peak_power_w = 150e3, r.output_tok_per_s = 2000, r.input_tok_per_s = 5000;
  r.goodput_rps = 3, r.slo_attainment = 0.75, r.usd_per_mtok_input = 0.5, r.usd_per_mtok_output = 2.5;
  r.usd_per_gpu_hour = 4;
  SiteFigures f = scale_to_site(p, r);
  CHECK(f.avg_power_w == doctest::Approx(600e3));
  CHECK(f.peak_power_w == doctest::Approx(900e3));
  CHECK(f.output_tok_per_s == doctest::Approx(12000));
  CHECK(f.input_tok_per_s == doctest::Approx(30000));
  CHECK(f.goodput_rps == doctest::Approx(18));
  CHECK(f.slo_attainment == doctest::Approx(0.75));
  CHECK(f.usd_per_mtok_output == doctest::Approx(2.5));
  CHECK(f.usd_per_hour == doctest::Approx(1728));  // 432 GPUs x 4 USD
  CsvWriter w = site_csv(p, f);
  CHECK(w.columns() == 15);
  CHECK(w.text().starts_with("site_budget_w,rack_facility_peak_w,racks,gpus,simulated_gpus,scale,"));
}

TEST_CASE("extra outputs land in the run folder before its commit; a late failure leaves no folder") {
  fs::path out = fresh_dir("rackscale-site-run-test");
  // SimGrid allows one engine per process: each run in a child, its numbers checked here.
  std::vector<double> v = in_child([&] {
    std::ostringstream o, l;
    double staged_only = -1;
    RunResult r = run_scenario(small_run(out), o, l, [&](const RunResult&, const OutputDir& dir) {
      staged_only = fs::exists(out) ? 0 : 1;  // not committed yet
      std::ofstream(dir.file("extra.txt")) << "written before the commit\n";
    });
    // summary.csv's values as text, to compare with the typed ones.
    std::ifstream csv(out / "summary.csv");
    std::string head, row;
    std::getline(csv, head);
    std::getline(csv, row);
    auto split = [](const std::string& line) {
      std::vector<std::string> c;
      std::stringstream ss(line);
      for (std::string x; std::getline(ss, x, ',');) c.push_back(x);
      return c;
    };
    const std::vector<std::string> cols = split(head), vals = split(row);
    auto csv_value = [&](const std::string& name) {
      for (std::size_t i = 0; i < cols.size() && i < vals.size(); ++i)
        if (cols[i] == name) return std::stod(vals[i]);
      return -1.0;
    };
    return std::vector<double>{staged_only,
                               fs::exists(out / "extra.txt") ? 1.0 : 0.0,
                               static_cast<double>(r.serving.requests),
                               static_cast<double>(r.serving.completed),
                               static_cast<double>(r.replicas * r.tp),
                               r.serving.output_tok_per_s,
                               csv_value("output_tok_per_s"),
                               r.energy.avg_power_w,
                               csv_value("avg_power_w")};
  });
  REQUIRE(v.size() == 9);
  CHECK(v[0] == 1);  // the hook ran before the folder existed
  CHECK(v[1] == 1);  // and its file was committed with the run
  CHECK(v[2] == 20);  // 20 requests, all completed, on 8 GPUs
  CHECK(v[3] == 20);
  CHECK(v[4] == 8);
  CHECK(v[5] > 0);
  CHECK(v[6] == doctest::Approx(v[5]).epsilon(1e-8));  // typed == summary.csv (9 significant digits)
  CHECK(v[7] > 0);
  CHECK(v[8] == doctest::Approx(v[7]).epsilon(1e-8));
  fs::remove_all(out);

  std::vector<double> late = in_child([&] {
    std::ostringstream o, l;
    double caught = 0;
    try {
      run_scenario(small_run(out), o, l, [&](const RunResult&, const OutputDir& dir) {
        std::ofstream(dir.file("site.csv")) << "half";
        throw InputError("site: failed late");
      });
    } catch (const InputError& e) {
      caught = std::string(e.what()) == "site: failed late" ? 1 : 0;
    }
    return std::vector<double>{caught};
  });
  CHECK(late == std::vector<double>{1});
  CHECK_FALSE(fs::exists(out));
  // Nothing staged is left beside it either.
  for (const auto& e : fs::directory_iterator(out.parent_path()))
    CHECK_MESSAGE(e.path().filename().string().find("rackscale-site-run-test") == std::string::npos, e.path().string());
}
