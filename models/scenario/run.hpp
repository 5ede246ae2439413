#pragma once
// `rackscale run`: a scenario in, results/<run>/ out.
#include <iosfwd>
#include <string>
#include <vector>

namespace rs {

struct RunOptions {
  std::string scenario;           // empty: the embedded default
  std::vector<std::string> sets;  // --set key=value
  std::string out;                // empty: results/<name>
  bool force = false;
  bool force_calibration = false;  // accept a profile measured on another GPU
};

// Runs the scenario and writes its outputs atomically. Throws InputError on bad input.
void run_scenario(const RunOptions& opt, std::ostream& out, std::ostream& log);

}  // namespace rs
