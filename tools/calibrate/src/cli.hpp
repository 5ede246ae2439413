// Command line parsing and the --dry-run plan printer (no CUDA calls).
#pragma once

#include <string>

#include "common.hpp"

namespace calib {

enum class ParseResult { Ok, Help, Error };
ParseResult parse_args(int argc, char** argv, Options* o, std::string* err);
void print_usage();
void print_plan(const Options& o);

}  // namespace calib
