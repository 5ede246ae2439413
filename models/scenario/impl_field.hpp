#pragma once
// A schema field naming a registered implementation: either `key: kind` or
// `key: {kind: kind, <that implementation's params>}`. Validated at load time
// against the registry (unknown kinds and params rejected with suggestions).
#include "models/scenario/scenario.hpp"
#include "sim/registry.hpp"

namespace rs {

template <class I, class S>
typename Schema<S>::Field impl_field(ImplChoice S::*m, std::string name, std::string def_kind, std::string help,
                                     std::string what, bool allow_auto = false) {
  typename Schema<S>::Field f;
  f.name = name;
  f.type = "implementation";
  f.default_text = def_kind;
  f.help = help;
  f.decode = [m, what, allow_auto, def_kind](S& s, const YAML::Node& n, const Cursor& at) {
    ImplChoice c;
    c.at = at;
    if (n.IsMap()) {
      // `kind` may be left out to tune the default implementation's params.
      c.kind = n["kind"] ? decode::scalar(n["kind"], at.child("kind")) : def_kind;
      c.params = n;
    } else {
      c.kind = decode::scalar(n, at);
      c.params = YAML::Node(YAML::NodeType::Map);
    }
    if (!(allow_auto && c.kind == "auto")) {
      std::string where = n.IsMap() && n["kind"] ? at.child("kind").where(n["kind"]) : at.where(n);
      const auto& e = Registry<I>::get(c.kind, where, what);
      e.resolve(c.params, at);  // validates params now, before any simulation
    } else if (n.IsMap() && n.size() > 1) {
      at.fail(n, "parameters need an explicit kind (auto picks one)");
    }
    s.*m = c;
  };
  f.emit = [m, what](const S& s) {
    const ImplChoice& c = s.*m;
    YAML::Node out(YAML::NodeType::Map);
    out["kind"] = c.kind;
    if (c.kind == "auto") return out;
    YAML::Node p = Registry<I>::get(c.kind, "", what).resolve(c.params, c.at);
    for (auto it = p.begin(); it != p.end(); ++it) out[it->first.Scalar()] = it->second;
    return out;
  };
  f.explain_children = [def_kind, help, what](std::vector<ExplainRow>& rows, const std::string& prefix) {
    rows.push_back({prefix + ".kind", "one of " + join(Registry<I>::names(), "|") + (def_kind == "auto" ? "|auto" : ""),
                    "", def_kind, help});
    if (def_kind == "auto") return;
    for (auto r : Registry<I>::get(def_kind, "", what).explain()) {
      r.key = prefix + "." + r.key;
      r.help += " (" + what + " " + def_kind + ")";
      rows.push_back(r);
    }
  };
  return f;
}

}  // namespace rs
