#pragma once
// Quantities with units, as written in YAML ("900 GB/s", "2 us", "120 kW").
// Values are kept in SI base units (bytes, seconds, watts, FLOP/s...); the
// dimension is checked once, when a Schema decodes the value;
// SI prefixes are decimal (GB = 1e9 B), binary ones explicit (GiB = 2^30 B);
// bit rates are converted to bytes per second.
#include <optional>
#include <string>
#include <string_view>

namespace rs {

enum class Dim { Count, Seconds, Bytes, BytesPerSec, FlopsPerSec, Watts, Joules, Hertz };

// Human name of a dimension ("duration") and the units it accepts.
std::string_view dim_name(Dim d);
std::string_view dim_units(Dim d);

struct Quantity {
  double si = 0;
  Dim dim = Dim::Count;
};

// Parses "<number> <unit>" (space optional). Returns nullopt and sets *why on failure.
std::optional<Quantity> parse_quantity(std::string_view text, std::string* why);

// Canonical text for a value, re-parseable: "2 s", "186 GB", "900 GB/s".
std::string format_quantity(double si, Dim d);

}  // namespace rs
