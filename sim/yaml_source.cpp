#include "sim/yaml_source.hpp"

#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <sstream>

#include "sim/error.hpp"
#include "sim/yaml_duplicates.hpp"

namespace rs {

namespace {
std::string locate(const std::string& file, const std::map<std::string, std::string>& overrides,
                   const YAML::Node& node, const std::string& path) {
  // An override wins for its key and everything under it.
  for (const auto& [key, text] : overrides)
    if (path == key || path.starts_with(key + ".")) return text;
  YAML::Mark m = node.IsDefined() ? node.Mark() : YAML::Mark::null_mark();
  if (m.is_null()) return file;
  return fmt::format("{}:{}:{}", file, m.line + 1, m.column + 1);
}
}  // namespace

std::string YamlSource::where(const YAML::Node& node, const std::string& path) const {
  return locate(file, overrides, node, path);
}

std::string YamlOrigin::where(const YAML::Node& node, const std::string& path) const {
  return locate(file, overrides, node, path);
}

namespace {
YamlSource parse(const std::string& text, const std::string& label) {
  YamlSource src;
  src.file = label;
  try {
    src.root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    fail(fmt::format("{}:{}:{}", label, e.mark.line + 1, e.mark.column + 1), "YAML syntax error: " + e.msg);
  }
  reject_duplicate_keys(text, label);
  if (!src.root.IsDefined() || src.root.IsNull()) src.root = YAML::Node(YAML::NodeType::Map);
  if (!src.root.IsMap()) fail(src.where(src.root, ""), "expected a mapping of keys at the top level");
  return src;
}
}  // namespace

YamlSource load_yaml_file(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) fail(path, "is a directory, expected a YAML file");
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(path, "cannot open file");
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) fail(path, "read error");
  return parse(text.str(), path);
}

YamlSource load_yaml_text(const std::string& text, const std::string& label) { return parse(text, label); }

void apply_set(YamlSource& src, std::string_view assignment) {
  std::string where = "--set " + std::string(assignment);
  auto eq = assignment.find('=');
  if (eq == std::string_view::npos || eq == 0)
    fail(where, "expected key=value, e.g. --set workload.rate_scale=4");
  std::string key(assignment.substr(0, eq));
  std::string value(assignment.substr(eq + 1));
  YAML::Node parsed;
  try {
    parsed = YAML::Load(value);
  } catch (const YAML::Exception& e) {
    fail(where, "value is not a YAML scalar: " + e.msg);
  }
  if (parsed.IsNull() && value.empty()) fail(where, "empty value");
  // Walk/create the maps along the dotted key. yaml-cpp nodes are handles, so
  // assigning through a copy writes into the document.
  std::vector<std::string> parts;
  std::stringstream ss(key);
  for (std::string p; std::getline(ss, p, '.');) {
    if (p.empty()) fail(where, "empty component in key '" + key + "'");
    parts.push_back(p);
  }
  YAML::Node cur = src.root;
  for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
    YAML::Node next = cur[parts[i]];
    if (!next.IsDefined() || next.IsNull()) {
      cur[parts[i]] = YAML::Node(YAML::NodeType::Map);
      next = cur[parts[i]];
    } else if (next.IsScalar()) {
      // e.g. `serving.scheduler: vllm` then --set serving.scheduler.max_batch=8
      YAML::Node m(YAML::NodeType::Map);
      m["kind"] = next.Scalar();
      cur[parts[i]] = m;
      next = cur[parts[i]];
    } else if (!next.IsMap()) {
      fail(where, "'" + parts[i] + "' is not a mapping");
    }
    cur.reset(next);
  }
  cur[parts.back()] = parsed;
  src.overrides[key] = where;
}

void Cursor::fail(const YAML::Node& node, const std::string& what) const {
  std::string key = path.empty() ? "" : path + ": ";
  rs::fail(where(node), key + what);
}

}  // namespace rs
