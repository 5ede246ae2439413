#pragma once
// Errors in what the user gave us (scenario, preset, trace, command line).
// The CLI turns them into one line on stderr and exit code 2; library code
// never calls exit().
#include <stdexcept>
#include <string>

namespace rs {

struct InputError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// "where: what", where is file:line:col, file:line or "--set key=value".
[[noreturn]] inline void fail(const std::string& where, const std::string& what) {
  throw InputError(where.empty() ? what : where + ": " + what);
}

}  // namespace rs
