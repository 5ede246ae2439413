#pragma once
// Self-registering implementations of an interface I (scheduler, router,
// topology...). An implementation T declares
//   struct Params {...};  static const Schema<Params>& schema();
//   T(const Params&, const typename I::Deps&);
// and registers itself in its own .cpp with one plain line:
//   static const bool registered = Registry<Scheduler>::add<VllmScheduler>("vllm", "help");
// The library is linked as an object library, so the line is never dropped.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "sim/error.hpp"
#include "sim/params.hpp"
#include "sim/suggest.hpp"

namespace rs {

template <class I>
class Registry {
 public:
  using Deps = typename I::Deps;
  struct Entry {
    std::string name, help;
    std::function<std::vector<ExplainRow>()> explain;
    // Validates params (defaults applied) and returns them as YAML.
    std::function<YAML::Node(const YAML::Node&, const Cursor&)> resolve;
    std::function<std::unique_ptr<I>(const YAML::Node&, const Cursor&, const Deps&)> make;
  };

  template <class T>
  static bool add(std::string name, std::string help) {
    Entry e;
    e.name = name;
    e.help = std::move(help);
    e.explain = [] {
      std::vector<ExplainRow> rows;
      T::schema().explain(rows);
      return rows;
    };
    e.resolve = [](const YAML::Node& n, const Cursor& at) {
      return T::schema().emit(T::schema().decode(n, at, {"kind"}));
    };
    e.make = [](const YAML::Node& n, const Cursor& at, const Deps& deps) -> std::unique_ptr<I> {
      return std::make_unique<T>(T::schema().decode(n, at, {"kind"}), deps);
    };
    entries().emplace(name, std::move(e));
    return true;
  }

  // The entry for `name`, or an input error listing the known names.
  static const Entry& get(const std::string& name, const std::string& where, const std::string& what) {
    auto it = entries().find(name);
    if (it == entries().end())
      fail(where, "unknown " + what + " '" + name + "' (known: " + join(names()) + ")" + did_you_mean(name, names()));
    return it->second;
  }
  static std::vector<std::string> names() {
    std::vector<std::string> out;
    for (const auto& [n, e] : entries()) out.push_back(n);
    return out;
  }
  static const std::map<std::string, Entry>& all() { return entries(); }

 private:
  // Function-local static: safe to use from other translation units' static initialisers.
  static std::map<std::string, Entry>& entries() {
    static std::map<std::string, Entry> m;
    return m;
  }
};

}  // namespace rs
