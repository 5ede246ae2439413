// The unit parser: "<number> <unit>". Property: what it accepts is finite and
// survives format_quantity -> parse_quantity with its dimension and value.
#include <cmath>
#include <stdexcept>

#include "sim/units.hpp"
#include "tests/fuzz/fuzz_target.hpp"

namespace {

void fuzz_units(std::string_view input) {
  std::string why;
  auto q = rs::parse_quantity(input, &why);
  if (!q) {
    if (why.empty()) throw std::logic_error("parse_quantity failed without a reason");
    return;
  }
  if (!std::isfinite(q->si)) throw std::logic_error("parse_quantity accepted a non-finite value");
  const std::string text = rs::format_quantity(q->si, q->dim);
  auto back = rs::parse_quantity(text, &why);
  if (!back || back->dim != q->dim) throw std::logic_error("format_quantity is not re-parseable: " + text);
  if (std::fabs(back->si - q->si) > 1e-9 * std::fabs(q->si) + 1e-300)
    throw std::logic_error("format_quantity round trip changed the value: " + text);
}

const bool registered = rs::fuzz::add("units", fuzz_units);

}  // namespace
