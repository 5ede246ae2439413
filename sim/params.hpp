#pragma once
// Typed parameters declared once. A Schema<S> lists the fields of a plain
// struct S: name, type, unit, default and help. The same declaration
//   - decodes a YAML mapping into S (defaults applied, unknown keys rejected
//     with a "did you mean", values checked, errors at file:line:col),
//   - writes S back as YAML (scenario.resolved.yaml),
//   - lists itself for `rackscale explain`.
#include <cmath>
#include <functional>
#include <limits>
#include <memory>
#include <string>
#include <vector>
#include <yaml-cpp/yaml.h>

#include "sim/units.hpp"
#include "sim/yaml_source.hpp"

namespace rs {

// A number with its provenance (catalog presets): exactly one of a source or
// a labelled assumption, plus an optional note (conflicts, caveats).
struct Sourced {
  double value = std::numeric_limits<double>::quiet_NaN();
  std::string source;
  std::string assumption;
  std::string note;
  bool present() const { return !std::isnan(value); }
  std::string provenance() const { return source.empty() ? "ASSUMPTION: " + assumption : source; }
};

struct ExplainRow {
  std::string key, type, unit, default_text, help;
};

// Decoding helpers shared by all field kinds.
namespace decode {
std::string scalar(const YAML::Node& n, const Cursor& at);
int64_t integer(const YAML::Node& n, const Cursor& at, int64_t min, int64_t max);
double number(const YAML::Node& n, const Cursor& at, double min, double max);
double quantity(const YAML::Node& n, const Cursor& at, Dim dim, double min_si);
bool boolean(const YAML::Node& n, const Cursor& at);
std::string choice(const YAML::Node& n, const Cursor& at, const std::vector<std::string>& choices);
Sourced sourced(const YAML::Node& n, const Cursor& at, Dim dim);
// Rejects keys of `n` not in `known` (with a suggestion).
void reject_unknown(const YAML::Node& n, const Cursor& at, const std::vector<std::string>& known);
YAML::Node default_node(const std::string& text);
}  // namespace decode

template <class S>
class Schema {
 public:
  struct Field {
    std::string name, type, unit, default_text, help;
    bool required = false;
    std::function<void(S&, const YAML::Node&, const Cursor&)> decode;
    std::function<YAML::Node(const S&)> emit;
    std::function<void(std::vector<ExplainRow>&, const std::string&)> explain_children;
    bool decodes_absent = false;  // decode() handles an absent key itself (sections, sourced numbers)
  };

  explicit Schema(std::string help = {}) : help_(std::move(help)) {}

  Schema& integer(int64_t S::*m, std::string name, std::string def, std::string help,
                  int64_t min = std::numeric_limits<int64_t>::min(),
                  int64_t max = std::numeric_limits<int64_t>::max()) {
    return add({std::move(name), "integer", "", std::move(def), std::move(help), false,
                [m, min, max](S& s, const YAML::Node& n, const Cursor& at) {
                  s.*m = decode::integer(n, at, min, max);
                },
                [m](const S& s) { return YAML::Node(s.*m); }, {}});
  }
  Schema& number(double S::*m, std::string name, std::string def, std::string help,
                 double min = -std::numeric_limits<double>::infinity(),
                 double max = std::numeric_limits<double>::infinity()) {
    return add({std::move(name), "number", "", std::move(def), std::move(help), false,
                [m, min, max](S& s, const YAML::Node& n, const Cursor& at) {
                  s.*m = decode::number(n, at, min, max);
                },
                [m](const S& s) { return YAML::Node(s.*m); }, {}});
  }
  // A quantity with a unit, stored in SI units. `min_si`: smallest accepted value.
  Schema& quantity(double S::*m, std::string name, Dim dim, std::string def, std::string help,
                   double min_si = 0) {
    return add({std::move(name), std::string(dim_name(dim)), std::string(dim_units(dim)), std::move(def),
                std::move(help), false,
                [m, dim, min_si](S& s, const YAML::Node& n, const Cursor& at) {
                  s.*m = decode::quantity(n, at, dim, min_si);
                },
                [m, dim](const S& s) { return YAML::Node(format_quantity(s.*m, dim)); }, {}});
  }
  Schema& text(std::string S::*m, std::string name, std::string def, std::string help,
               std::vector<std::string> choices = {}) {
    std::string type = choices.empty() ? "string" : "one of " + join_choices(choices);
    return add({std::move(name), std::move(type), "", std::move(def), std::move(help), false,
                [m, choices](S& s, const YAML::Node& n, const Cursor& at) {
                  s.*m = choices.empty() ? decode::scalar(n, at) : decode::choice(n, at, choices);
                },
                [m](const S& s) { return YAML::Node(s.*m); }, {}});
  }
  Schema& flag(bool S::*m, std::string name, std::string def, std::string help) {
    return add({std::move(name), "bool", "", std::move(def), std::move(help), false,
                [m](S& s, const YAML::Node& n, const Cursor& at) { s.*m = decode::boolean(n, at); },
                [m](const S& s) { return YAML::Node(s.*m); }, {}});
  }
  // A preset number with its source: `{value: 900 GB/s, source: "..."}`.
  // An empty default makes the field optional (absent = not present()).
  Schema& sourced(Sourced S::*m, std::string name, Dim dim, std::string help, bool required = true) {
    Field f{std::move(name), "sourced " + std::string(dim_name(dim)), std::string(dim_units(dim)), "", std::move(help),
            required,
            [m, dim](S& s, const YAML::Node& n, const Cursor& at) {
              if (n.IsDefined()) s.*m = decode::sourced(n, at, dim);
            },
            [m, dim](const S& s) {
              YAML::Node out;
              if (!(s.*m).present()) return out;
              out["value"] = format_quantity((s.*m).value, dim);
              if (!(s.*m).source.empty()) out["source"] = (s.*m).source;
              if (!(s.*m).assumption.empty()) out["assumption"] = (s.*m).assumption;
              if (!(s.*m).note.empty()) out["note"] = (s.*m).note;
              return out;
            },
            {}, true};
    return add(std::move(f));
  }
  // A nested mapping decoded by its own schema.
  template <class T>
  Schema& section(T S::*m, std::string name, const Schema<T>& sub, std::string help) {
    const Schema<T>* subp = &sub;
    Field f{name, "section", "", "", std::move(help), false,
            [m, subp](S& s, const YAML::Node& n, const Cursor& at) { s.*m = subp->decode(n, at); },
            [m, subp](const S& s) { return subp->emit(s.*m); },
            [subp](std::vector<ExplainRow>& rows, const std::string& prefix) { subp->explain(rows, prefix); }, true};
    return add(std::move(f));
  }
  // Escape hatch for fields whose decoding depends on other registries.
  Schema& custom(Field f) { return add(std::move(f)); }
  // A rule between fields, run after all are decoded: (params, the mapping, its cursor).
  using Check = std::function<void(const S&, const YAML::Node&, const Cursor&)>;
  Schema& check(Check c) {
    checks_.push_back(std::move(c));
    return *this;
  }

  // Decodes `n` (a mapping, or undefined/null for "all defaults").
  S decode(const YAML::Node& n, const Cursor& at, const std::vector<std::string>& extra_keys = {}) const {
    if (n.IsDefined() && !n.IsNull() && !n.IsMap()) at.fail(n, "expected a mapping");
    if (n.IsDefined() && n.IsMap()) {
      std::vector<std::string> known = names();
      known.insert(known.end(), extra_keys.begin(), extra_keys.end());
      decode::reject_unknown(n, at, known);
    }
    S s{};
    for (const auto& f : fields_) {
      YAML::Node v = (n.IsDefined() && n.IsMap()) ? n[f.name] : YAML::Node();
      Cursor c = at.child(f.name);
      if ((!v.IsDefined() || v.IsNull()) && f.required) at.fail(n, "missing required key '" + f.name + "'");
      if (v.IsDefined() && !v.IsNull()) {
        f.decode(s, v, c);
      } else if (f.decodes_absent) {
        f.decode(s, v, c);
      } else {
        Cursor dc{nullptr, "default of " + c.path};
        f.decode(s, decode::default_node(f.default_text), dc);
      }
    }
    for (const auto& c : checks_) c(s, n, at);
    return s;
  }

  YAML::Node emit(const S& s) const {
    YAML::Node out(YAML::NodeType::Map);
    for (const auto& f : fields_) {
      YAML::Node v = f.emit(s);
      if (v.IsDefined() && !v.IsNull()) out[f.name] = v;
    }
    return out;
  }

  void explain(std::vector<ExplainRow>& rows, const std::string& prefix = "") const {
    for (const auto& f : fields_) {
      std::string key = prefix.empty() ? f.name : prefix + "." + f.name;
      if (f.explain_children) {
        f.explain_children(rows, key);
      } else {
        rows.push_back({key, f.type, f.unit, f.required ? "(required)" : f.default_text, f.help});
      }
    }
  }

  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (const auto& f : fields_) out.push_back(f.name);
    return out;
  }
  const std::vector<Field>& fields() const { return fields_; }
  const std::string& help() const { return help_; }

 private:
  Schema& add(Field f) {
    fields_.push_back(std::move(f));
    return *this;
  }
  static std::string join_choices(const std::vector<std::string>& c) {
    std::string out;
    for (std::size_t i = 0; i < c.size(); ++i) out += (i ? "|" : "") + c[i];
    return out;
  }
  std::string help_;
  std::vector<Field> fields_;
  std::vector<Check> checks_;
};

// Formats explain rows as an aligned text table.
std::string format_explain(const std::vector<ExplainRow>& rows);

}  // namespace rs
