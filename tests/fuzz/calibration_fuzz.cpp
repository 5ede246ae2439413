// The calibration profile loader: an assumed profile (Calibration schema) or
// a measured one (format: rackscale-calibration-raw/1, fitted on load).
#include "models/catalog/calibration.hpp"
#include "tests/fuzz/fuzz_target.hpp"

namespace {

void fuzz_calibration(std::string_view input) {
  rs::load_calibration(rs::fuzz::scratch_file(input, "-profile.yaml"), "fuzz");
}

const bool registered = rs::fuzz::add("calibration", fuzz_calibration);

}  // namespace
