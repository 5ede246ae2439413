#pragma once
// A fuzz target: one function taking arbitrary bytes. rs::InputError is the
// expected answer to bad input and is swallowed; anything else (another
// exception, a crash, undefined behaviour, a hang) escapes and is a bug.
// Each target registers itself with one line:
//   static const bool registered = rs::fuzz::add("units", fuzz_units);
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

namespace rs::fuzz {

using Target = void (*)(std::string_view input);

std::map<std::string, Target>& targets();
inline bool add(const std::string& name, Target t) { return targets().emplace(name, t).second; }

// Writes `input` to a scratch file of this process (readers take paths) and returns its path.
std::string scratch_file(std::string_view input, const std::string& suffix);

// Runs target `name` on `input`, swallowing rs::InputError only.
void run(const std::string& name, std::string_view input);

}  // namespace rs::fuzz
