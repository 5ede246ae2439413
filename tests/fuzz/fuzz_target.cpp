#include "tests/fuzz/fuzz_target.hpp"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <unistd.h>

#include "sim/error.hpp"

namespace rs::fuzz {

std::map<std::string, Target>& targets() {
  static std::map<std::string, Target> m;
  return m;
}

std::string scratch_file(std::string_view input, const std::string& suffix) {
  const char* dir = std::getenv("TMPDIR");
  std::string path = std::string(dir && *dir ? dir : "/tmp") + "/rackscale-fuzz-" + std::to_string(getpid()) + suffix;
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(input.data(), static_cast<std::streamsize>(input.size()));
  if (!out.flush()) throw std::runtime_error("fuzz: cannot write scratch file " + path);
  return path;
}

void run(const std::string& name, std::string_view input) {
  auto it = targets().find(name);
  if (it == targets().end()) throw std::logic_error("fuzz: unknown target " + name);
  try {
    it->second(input);
  } catch (const InputError&) {
    // Bad input, reported as such: the expected outcome.
  }
}

}  // namespace rs::fuzz
