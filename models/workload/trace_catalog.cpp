#include <filesystem>

#include "models/catalog/catalog.hpp"
#include "models/workload/trace_readers.hpp"
#include "sim/error.hpp"
#include "sim/suggest.hpp"
#include "sim/yaml_source.hpp"

namespace fs = std::filesystem;

namespace rs {

std::vector<TraceInfo> bundled_traces() {
  fs::path dir = data_root() / "scenarios" / "traces";
  YamlSource src = load_yaml_file((dir / "traces.yaml").string());
  std::vector<TraceInfo> out;
  for (auto it = src.root.begin(); it != src.root.end(); ++it) {
    const YAML::Node n = it->second;  // a copy: it-> yields a temporary proxy (ASan: stack-use-after-scope)
    auto get = [&](const char* k) { return n[k] ? n[k].as<std::string>() : std::string{}; };
    out.push_back({it->first.as<std::string>(), (dir / get("file")).string(), get("format"), get("description"),
                   get("license"), get("attribution"), n["requests"] ? n["requests"].as<int64_t>() : 0});
  }
  return out;
}

std::unique_ptr<RequestSource> open_trace(const std::string& name_or_path, const std::string& format,
                                          const std::string& where) {
  std::string path = name_or_path, fmt = format;
  bool is_path = name_or_path.find('/') != std::string::npos || name_or_path.find('.') != std::string::npos;
  if (!is_path) {
    std::vector<std::string> names;
    bool found = false;
    for (const auto& t : bundled_traces()) {
      names.push_back(t.name);
      if (t.name == name_or_path) path = t.file, fmt = t.format, found = true;
    }
    if (!found)
      fail(where, "unknown trace '" + name_or_path + "' (bundled: " + join(names) + ", or give a file path)" +
                      did_you_mean(name_or_path, names));
  } else if (!fs::exists(path)) {
    fail(where, "trace file '" + path + "' not found");
  }
  if (fmt == "auto") {
    std::string p = path.ends_with(".gz") ? path.substr(0, path.size() - 3) : path;
    if (p.ends_with(".csv")) fmt = "azure";
    else if (p.ends_with(".jsonl")) fmt = "mooncake";
    else fail(where, "cannot tell the format of '" + path + "' from its name: set workload.format (azure|mooncake)");
  }
  if (fmt == "azure") return open_azure_trace(path);
  if (fmt == "mooncake") return open_mooncake_trace(path);
  fail(where, "unknown trace format '" + fmt + "' (known: azure, mooncake)");
}

}  // namespace rs
