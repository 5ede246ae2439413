#include <doctest/doctest.h>

#include "sim/units.hpp"

using namespace rs;

TEST_CASE("quantities parse into SI units") {
  auto q = [](const char* s) { return parse_quantity(s, nullptr); };
  CHECK(q("1200 W")->si == doctest::Approx(1200));
  CHECK(q("1200 W")->dim == Dim::Watts);
  CHECK(q("120 kW")->si == doctest::Approx(120e3));
  CHECK(q("8 TB/s")->si == doctest::Approx(8e12));
  CHECK(q("8 TB/s")->dim == Dim::BytesPerSec);
  CHECK(q("400 Gbit/s")->si == doctest::Approx(50e9));  // bits -> bytes
  CHECK(q("3200 Gbps")->si == doctest::Approx(400e9));
  CHECK(q("2 us")->si == doctest::Approx(2e-6));
  CHECK(q("50ms")->si == doctest::Approx(0.05));  // space optional
  CHECK(q("186 GB")->si == doctest::Approx(186e9));
  CHECK(q("1 GiB")->si == doctest::Approx(1073741824.0));
  CHECK(q("2500 TFLOPS")->si == doctest::Approx(2.5e15));
  CHECK(q("2500 TFLOPS")->dim == Dim::FlopsPerSec);
  CHECK(q("42")->dim == Dim::Count);
}

TEST_CASE("bad quantities are rejected with a reason") {
  std::string why;
  CHECK_FALSE(parse_quantity("12 parsecs", &why));
  CHECK(why == "unknown unit 'parsecs'");
  CHECK_FALSE(parse_quantity("fast", &why));
  CHECK(why == "not a number");
}

TEST_CASE("formatted quantities parse back to the same value") {
  for (auto [v, d] : {std::pair{0.1, Dim::Seconds}, {186e9, Dim::Bytes}, {900e9, Dim::BytesPerSec}, {1200.0, Dim::Watts},
                      {2.5e15, Dim::FlopsPerSec}, {2e-6, Dim::Seconds}}) {
    auto back = parse_quantity(format_quantity(v, d), nullptr);
    REQUIRE(back);
    CHECK(back->dim == d);
    CHECK(back->si == doctest::Approx(v));
  }
  CHECK(format_quantity(0.1, Dim::Seconds) == "100 ms");
  CHECK(format_quantity(186e9, Dim::Bytes) == "186 GB");
}
