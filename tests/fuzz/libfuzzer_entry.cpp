// libFuzzer entry of one target, chosen at compile time (RS_FUZZ_TARGET).
#include <cstdio>
#include <string>

#include "tests/fuzz/fuzz_target.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  rs::fuzz::run(RS_FUZZ_TARGET, std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
