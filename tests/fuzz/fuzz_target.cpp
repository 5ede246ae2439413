#include "tests/fuzz/fuzz_target.hpp"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
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
  // Memory-backed /dev/shm when there is one: on a disk /tmp, writing the file made
  // the trace targets about 500 times slower (3 vs 2000 executions per second).
  const char* env = std::getenv("TMPDIR");
  std::error_code ec;
  const std::string dir = env && *env ? env : std::filesystem::is_directory("/dev/shm", ec) ? "/dev/shm" : "/tmp";
  std::string path = dir + "/rackscale-fuzz-" + std::to_string(getpid()) + suffix;
  // Removed when the process exits (one scratch file per suffix and process).
  static std::map<std::string, std::string> made;
  struct Remove {
    ~Remove() {
      for (const auto& [suffix_, file] : made) std::remove(file.c_str());
    }
  };
  static Remove remove_at_exit;
  made.emplace(suffix, path);
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
