#include "sim/units.hpp"

#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <fmt/format.h>

namespace rs {
namespace {

struct Unit {
  std::string_view name;
  Dim dim;
  double factor;  // to SI base
};

constexpr double K = 1e3, M = 1e6, G = 1e9, T = 1e12, P = 1e15, E = 1e18;
constexpr double Ki = 1024.0, Mi = Ki * Ki, Gi = Mi * Ki, Ti = Gi * Ki;

constexpr std::array kUnits = {
    Unit{"ns", Dim::Seconds, 1e-9}, Unit{"us", Dim::Seconds, 1e-6}, Unit{"µs", Dim::Seconds, 1e-6},
    Unit{"ms", Dim::Seconds, 1e-3}, Unit{"s", Dim::Seconds, 1}, Unit{"min", Dim::Seconds, 60},
    Unit{"h", Dim::Seconds, 3600},
    Unit{"B", Dim::Bytes, 1}, Unit{"KB", Dim::Bytes, K}, Unit{"kB", Dim::Bytes, K},
    Unit{"MB", Dim::Bytes, M}, Unit{"GB", Dim::Bytes, G}, Unit{"TB", Dim::Bytes, T},
    Unit{"PB", Dim::Bytes, P}, Unit{"KiB", Dim::Bytes, Ki}, Unit{"MiB", Dim::Bytes, Mi},
    Unit{"GiB", Dim::Bytes, Gi}, Unit{"TiB", Dim::Bytes, Ti},
    Unit{"B/s", Dim::BytesPerSec, 1}, Unit{"KB/s", Dim::BytesPerSec, K},
    Unit{"MB/s", Dim::BytesPerSec, M}, Unit{"GB/s", Dim::BytesPerSec, G},
    Unit{"TB/s", Dim::BytesPerSec, T}, Unit{"KiB/s", Dim::BytesPerSec, Ki},
    Unit{"MiB/s", Dim::BytesPerSec, Mi}, Unit{"GiB/s", Dim::BytesPerSec, Gi},
    Unit{"bit/s", Dim::BytesPerSec, 1.0 / 8}, Unit{"Kbit/s", Dim::BytesPerSec, K / 8},
    Unit{"Mbit/s", Dim::BytesPerSec, M / 8}, Unit{"Gbit/s", Dim::BytesPerSec, G / 8},
    Unit{"Tbit/s", Dim::BytesPerSec, T / 8}, Unit{"Gbps", Dim::BytesPerSec, G / 8},
    Unit{"Tbps", Dim::BytesPerSec, T / 8},
    Unit{"FLOPS", Dim::FlopsPerSec, 1}, Unit{"GFLOPS", Dim::FlopsPerSec, G},
    Unit{"TFLOPS", Dim::FlopsPerSec, T}, Unit{"PFLOPS", Dim::FlopsPerSec, P},
    Unit{"EFLOPS", Dim::FlopsPerSec, E},
    Unit{"W", Dim::Watts, 1}, Unit{"kW", Dim::Watts, K}, Unit{"MW", Dim::Watts, M},
    Unit{"GW", Dim::Watts, G},
    Unit{"J", Dim::Joules, 1}, Unit{"kJ", Dim::Joules, K}, Unit{"MJ", Dim::Joules, M},
    Unit{"kWh", Dim::Joules, 3.6e6}, Unit{"MWh", Dim::Joules, 3.6e9},
    Unit{"Hz", Dim::Hertz, 1}, Unit{"MHz", Dim::Hertz, M}, Unit{"GHz", Dim::Hertz, G},
};

// Units used when writing a value back (largest that keeps the number >= 1).
struct Out {
  Dim dim;
  std::array<std::string_view, 6> names;
};

}  // namespace

std::string_view dim_name(Dim d) {
  switch (d) {
    case Dim::Count: return "number";
    case Dim::Seconds: return "duration";
    case Dim::Bytes: return "size";
    case Dim::BytesPerSec: return "bandwidth";
    case Dim::FlopsPerSec: return "compute rate";
    case Dim::Watts: return "power";
    case Dim::Joules: return "energy";
    case Dim::Hertz: return "frequency";
  }
  return "?";
}

std::string_view dim_units(Dim d) {
  switch (d) {
    case Dim::Count: return "";
    case Dim::Seconds: return "ns, us, ms, s, min, h";
    case Dim::Bytes: return "B, KB, MB, GB, TB, KiB, MiB, GiB, TiB";
    case Dim::BytesPerSec: return "GB/s, TB/s, GiB/s, Gbit/s, Tbit/s, Gbps";
    case Dim::FlopsPerSec: return "GFLOPS, TFLOPS, PFLOPS";
    case Dim::Watts: return "W, kW, MW, GW";
    case Dim::Joules: return "J, kJ, MJ, kWh, MWh";
    case Dim::Hertz: return "Hz, MHz, GHz";
  }
  return "";
}

std::optional<Quantity> parse_quantity(std::string_view text, std::string* why) {
  auto trim = [](std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
  };
  text = trim(text);
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || !std::isfinite(value)) {
    if (why) *why = "not a number";
    return std::nullopt;
  }
  std::string_view unit = trim(std::string_view(end, text.data() + text.size() - end));
  if (unit.empty()) return Quantity{value, Dim::Count};
  for (const auto& u : kUnits)
    if (u.name == unit) {
      const double si = value * u.factor;  // "1e308 GB" overflows to inf
      if (!std::isfinite(si)) {
        if (why) *why = "value out of range";
        return std::nullopt;
      }
      return Quantity{si, u.dim};
    }
  if (why) *why = fmt::format("unknown unit '{}'", unit);
  return std::nullopt;
}

std::string format_quantity(double si, Dim d) {
  struct Step {
    double factor;
    std::string_view name;
  };
  auto pick = [si](std::initializer_list<Step> steps) {
    Step chosen = *steps.begin();
    for (const auto& s : steps)
      if (std::fabs(si) >= s.factor) chosen = s;
    return fmt::format("{:.12g} {}", si / chosen.factor, chosen.name);
  };
  switch (d) {
    case Dim::Count: return fmt::format("{:.12g}", si);
    case Dim::Seconds: return pick({{1e-9, "ns"}, {1e-6, "us"}, {1e-3, "ms"}, {1, "s"}});
    case Dim::Bytes: return pick({{1, "B"}, {K, "KB"}, {M, "MB"}, {G, "GB"}, {T, "TB"}});
    case Dim::BytesPerSec: return pick({{1, "B/s"}, {M, "MB/s"}, {G, "GB/s"}, {T, "TB/s"}});
    case Dim::FlopsPerSec: return pick({{1, "FLOPS"}, {G, "GFLOPS"}, {T, "TFLOPS"}, {P, "PFLOPS"}});
    case Dim::Watts: return pick({{1, "W"}, {K, "kW"}, {M, "MW"}, {G, "GW"}});
    case Dim::Joules: return pick({{1, "J"}, {K, "kJ"}, {M, "MJ"}});
    case Dim::Hertz: return pick({{1, "Hz"}, {M, "MHz"}, {G, "GHz"}});
  }
  return {};
}

}  // namespace rs
