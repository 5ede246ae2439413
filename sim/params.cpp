#include "sim/params.hpp"

#include <algorithm>
#include <charconv>
#include <fmt/format.h>

#include "sim/error.hpp"
#include "sim/suggest.hpp"

namespace rs::decode {

std::string scalar(const YAML::Node& n, const Cursor& at) {
  if (!n.IsScalar()) at.fail(n, "expected a single value, not a list or mapping");
  return n.Scalar();
}

int64_t integer(const YAML::Node& n, const Cursor& at, int64_t min, int64_t max) {
  std::string s = scalar(n, at);
  int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || end != s.data() + s.size()) {
    // Accept integral floats such as 1e6 for counts.
    double d = 0;
    auto [e2, ec2] = std::from_chars(s.data(), s.data() + s.size(), d);
    if (ec2 != std::errc{} || e2 != s.data() + s.size() || d != std::floor(d) || std::fabs(d) > 9e15)
      at.fail(n, fmt::format("expected an integer, got '{}'", s));
    v = static_cast<int64_t>(d);
  }
  if (v < min) at.fail(n, fmt::format("must be >= {}, got {}", min, v));
  if (v > max) at.fail(n, fmt::format("must be <= {}, got {}", max, v));
  return v;
}

double number(const YAML::Node& n, const Cursor& at, double min, double max) {
  std::string s = scalar(n, at);
  std::string why;
  auto q = parse_quantity(s, &why);
  if (!q) at.fail(n, fmt::format("expected a number, got '{}'", s));
  if (q->dim != Dim::Count) at.fail(n, fmt::format("expected a bare number without a unit, got '{}'", s));
  if (q->si < min) at.fail(n, fmt::format("must be >= {:g}, got {:g}", min, q->si));
  if (q->si > max) at.fail(n, fmt::format("must be <= {:g}, got {:g}", max, q->si));
  return q->si;
}

double quantity(const YAML::Node& n, const Cursor& at, Dim dim, double min_si) {
  std::string s = scalar(n, at);
  if (dim == Dim::Count) return number(n, at, min_si, std::numeric_limits<double>::infinity());
  std::string why;
  auto q = parse_quantity(s, &why);
  std::string expect = fmt::format("a {} with a unit ({})", dim_name(dim), dim_units(dim));
  if (!q) at.fail(n, fmt::format("expected {}, got '{}' ({})", expect, s, why));
  if (q->dim == Dim::Count) at.fail(n, fmt::format("expected {}, got '{}' (missing unit)", expect, s));
  if (q->dim != dim) at.fail(n, fmt::format("expected {}, got a {} '{}'", expect, dim_name(q->dim), s));
  if (q->si < min_si)
    at.fail(n, fmt::format("must be >= {}, got '{}'", format_quantity(min_si, dim), s));
  return q->si;
}

bool boolean(const YAML::Node& n, const Cursor& at) {
  std::string s = scalar(n, at);
  if (s == "true" || s == "yes" || s == "on") return true;
  if (s == "false" || s == "no" || s == "off") return false;
  at.fail(n, fmt::format("expected true or false, got '{}'", s));
}

std::string choice(const YAML::Node& n, const Cursor& at, const std::vector<std::string>& choices) {
  std::string s = scalar(n, at);
  if (std::find(choices.begin(), choices.end(), s) != choices.end()) return s;
  at.fail(n, fmt::format("unknown value '{}' (known: {}){}", s, join(choices), did_you_mean(s, choices)));
}

Sourced sourced(const YAML::Node& n, const Cursor& at, Dim dim) {
  if (!n.IsMap()) at.fail(n, "expected {value: ..., source: \"...\"} (every preset number names its source)");
  reject_unknown(n, at, {"value", "source", "assumption", "note"});
  Sourced s;
  if (!n["value"]) at.fail(n, "missing 'value'");
  s.value = quantity(n["value"], at.child("value"), dim, 0);
  if (n["source"]) s.source = scalar(n["source"], at.child("source"));
  if (n["assumption"]) s.assumption = scalar(n["assumption"], at.child("assumption"));
  if (n["note"]) s.note = scalar(n["note"], at.child("note"));
  if (s.source.empty() == s.assumption.empty())
    at.fail(n, "needs exactly one of 'source' (where the number comes from) or 'assumption' (why it is assumed)");
  return s;
}

void reject_unknown(const YAML::Node& n, const Cursor& at, const std::vector<std::string>& known) {
  for (auto it = n.begin(); it != n.end(); ++it) {
    std::string key = it->first.Scalar();
    if (std::find(known.begin(), known.end(), key) != known.end()) continue;
    Cursor c = at.child(key);
    std::string where = c.where(it->first);
    fail(where, fmt::format("unknown key '{}'{} (known keys: {})", c.path, did_you_mean(key, known), join(known)));
  }
}

YAML::Node default_node(const std::string& text) { return YAML::Node(text); }

}  // namespace rs::decode

namespace rs {

std::string format_explain(const std::vector<ExplainRow>& rows) {
  std::size_t wk = 3, wt = 4, wd = 7;
  for (const auto& r : rows) {
    wk = std::max(wk, r.key.size());
    wt = std::max(wt, r.type.size());
    wd = std::max(wd, r.default_text.size());
  }
  std::string out = fmt::format("{:<{}}  {:<{}}  {:<{}}  {}\n", "key", wk, "type", wt, "default", wd, "help");
  for (const auto& r : rows) {
    std::string help = r.help;
    if (!r.unit.empty()) help += " [units: " + r.unit + "]";
    out += fmt::format("{:<{}}  {:<{}}  {:<{}}  {}\n", r.key, wk, r.type, wt, r.default_text, wd, help);
  }
  return out;
}

}  // namespace rs
