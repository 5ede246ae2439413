// The scenario loader and the --set parser. Input: a scenario YAML, then
// optionally a NUL byte and NUL-separated --set assignments.
#include <string>
#include <vector>

#include "models/scenario/scenario.hpp"
#include "tests/fuzz/fuzz_target.hpp"

namespace {

void fuzz_scenario(std::string_view input) {
  const auto nul = input.find('\0');
  std::vector<std::string> sets;
  if (nul != std::string_view::npos) {
    std::string_view rest = input.substr(nul + 1);
    for (;;) {
      const auto next = rest.find('\0');
      sets.emplace_back(rest.substr(0, next));
      if (next == std::string_view::npos) break;
      rest = rest.substr(next + 1);
    }
  }
  rs::load_scenario(rs::fuzz::scratch_file(input.substr(0, nul), ".yaml"), sets);
}

const bool registered = rs::fuzz::add("scenario", fuzz_scenario);

}  // namespace
