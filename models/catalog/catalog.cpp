#include "models/catalog/catalog.hpp"

#include <algorithm>
#include <cstdlib>

#include "sim/error.hpp"
#include "sim/suggest.hpp"

namespace fs = std::filesystem;

namespace rs {

fs::path data_root() {
  if (const char* home = std::getenv("RACKSCALE_HOME"); home && *home) return home;
  return RACKSCALE_SOURCE_DIR;
}

std::vector<std::string> preset_names(const std::string& folder) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(data_root() / "models" / folder, ec))
    if (e.path().extension() == ".yaml") out.push_back(e.path().stem().string());
  std::sort(out.begin(), out.end());
  return out;
}

YamlSource load_preset_file(const std::string& folder, const std::string& name, const std::string& where,
                            const std::string& what) {
  bool is_path = name.find('/') != std::string::npos || name.ends_with(".yaml");
  fs::path p = is_path ? fs::path(name) : data_root() / "models" / folder / (name + ".yaml");
  if (!fs::exists(p)) {
    if (is_path) fail(where, what + " file '" + name + "' not found");
    auto known = preset_names(folder);
    fail(where, "unknown " + what + " '" + name + "' (known: " + join(known) + ")" + did_you_mean(name, known));
  }
  YamlSource src = load_yaml_file(p.string());
  if (!is_path) {
    YAML::Node n = src.root["name"];
    if (n && n.IsScalar() && n.Scalar() != name)
      fail(src.where(n, "name"), "preset name '" + n.Scalar() + "' does not match its file name '" + name + "'");
  }
  return src;
}

Precision parse_precision(const std::string& s) {
  if (s == "bf16") return Precision::bf16;
  if (s == "fp8") return Precision::fp8;
  if (s == "fp4") return Precision::fp4;
  throw std::logic_error("unvalidated precision " + s);
}
const char* to_string(Precision p) {
  switch (p) {
    case Precision::bf16: return "bf16";
    case Precision::fp8: return "fp8";
    case Precision::fp4: return "fp4";
  }
  return "?";
}
double bytes_per_element(Precision p) {
  switch (p) {
    case Precision::bf16: return 2;
    case Precision::fp8: return 1;
    case Precision::fp4: return 0.5;
  }
  return 2;
}
std::vector<std::string> precision_names() { return {"bf16", "fp8", "fp4"}; }

}  // namespace rs
