#include <doctest/doctest.h>

#include <cmath>

#include "models/cost/cost_model.hpp"
#include "sim/error.hpp"
#include "sim/yaml_source.hpp"

using namespace rs;

namespace {
CostParams hand_case() {
  CostParams c;
  c.electricity = 0.10;
  c.gpu_price = 30000;
  c.network_fraction = 0.10;
  c.facility_per_mw = 8.76e6;
  c.it_years = 5;
  c.facility_years = 10;
  c.staff_fraction = 0.10;
  c.interest_rate = 0;
  return c;
}
}  // namespace

TEST_CASE("cost per GPU-hour by hand: straight-line capex, facility per MW, staff, electricity") {
  CostInputs in{hand_case(), 99999, 1000, 2.0};  // preset price ignored: cost.gpu_price is set
  CostPerGpuHour c = cost_per_gpu_hour(in);
  // 30000 x 1.1 / (5 x 8760) = 0.75342465753...
  CHECK(c.capital == doctest::Approx(33000.0 / 43800.0).epsilon(1e-12));
  // 8.76e6 $/MW x 0.001 MW / (10 x 8760 h) = 0.1
  CHECK(c.facility == doctest::Approx(0.1).epsilon(1e-12));
  CHECK(c.staff == doctest::Approx(0.1 * (33000.0 / 43800.0 + 0.1)).epsilon(1e-12));
  CHECK(c.electricity == doctest::Approx(0.2).epsilon(1e-12));  // 0.10 $/kWh x 2 kWh per GPU-hour
  CHECK(c.total() == doctest::Approx(0.75342465753 + 0.1 + 0.085342465753 + 0.2).epsilon(1e-9));
  CHECK_FALSE(c.rental);
}

TEST_CASE("the preset price applies when cost.gpu_price is 0; colocation replaces facility capex") {
  CostParams k = hand_case();
  k.gpu_price = 0;
  k.colocation = 200;  // $/kW-month
  CostPerGpuHour c = cost_per_gpu_hour(CostInputs{k, 43800, 1000, 0});
  CHECK(c.capital == doctest::Approx(43800 * 1.1 / 43800).epsilon(1e-12));
  CHECK(c.facility == doctest::Approx(200.0 / 730.0).epsilon(1e-12));  // 1 kW x 200 / (8760 / 12) h
}

TEST_CASE("interest turns capex into an annuity") {
  CostParams k = hand_case();
  k.interest_rate = 0.10;
  k.it_years = 2;
  CostPerGpuHour c = cost_per_gpu_hour(CostInputs{k, 0, 1000, 0});
  // 33000 x 0.1 / (1 - 1.1^-2) = 33000 x 0.57619047619 per year
  CHECK(c.capital == doctest::Approx(33000 * 0.576190476190476 / 8760).epsilon(1e-9));
}

TEST_CASE("a rental price replaces the whole model") {
  CostParams k = hand_case();
  k.gpu_hour = 39.33 / 8;  // p5.48xlarge capacity block, per GPU
  CostPerGpuHour c = cost_per_gpu_hour(CostInputs{k, 30000, 1000, 5});
  CHECK(c.rental);
  CHECK(c.total() == doctest::Approx(4.91625).epsilon(1e-12));
}

TEST_CASE("$/Mtoken splits the run's cost by prefill vs decode GPU time") {
  // 100 USD; 1 GPU-s prefill, 3 GPU-s decode; 1M input, 0.5M output tokens.
  TokenCost t = token_cost(100, 1, 3, 1'000'000, 500'000);
  CHECK(t.usd_per_mtok_input == doctest::Approx(25));
  CHECK(t.usd_per_mtok_output == doctest::Approx(150));
  TokenCost none = token_cost(100, 0, 0, 10, 10);
  CHECK(std::isnan(none.usd_per_mtok_input));
  CHECK(std::isnan(token_cost(100, 1, 1, 0, 10).usd_per_mtok_input));
}

TEST_CASE("the cost model owns its params and schema; the scenario composes them as its cost section") {
  // Defaults as stated in the schema's help (EIA average, 5/15 years, 8 % cost of capital).
  CostParams d = CostParams::schema().decode(YAML::Node(), Cursor{});
  CHECK(d.electricity == doctest::Approx(0.08));
  CHECK(d.it_years == doctest::Approx(5));
  CHECK(d.facility_years == doctest::Approx(15));
  CHECK(d.interest_rate == doctest::Approx(0.08));
  CHECK(d.gpu_hour == 0);
  YamlSource src = load_yaml_text("electricity: 0.12\nit_years: 0\n", "cost.yaml");
  try {
    CostParams::schema().decode(src.root, Cursor{&src, ""});
    FAIL("expected an error");
  } catch (const InputError& e) {
    CHECK(std::string(e.what()) == "cost.yaml:2:11: it_years: must be >= 0.1, got 0");
  }
}
