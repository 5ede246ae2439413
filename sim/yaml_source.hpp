#pragma once
// A YAML document plus what is needed to point at any place in it:
// "file:line:col" for values from the file, "--set key=value" for overrides.
#include <map>
#include <string>
#include <string_view>
#include <yaml-cpp/yaml.h>

namespace rs {

struct YamlSource {
  std::string file;  // path, or a label such as "<default scenario>"
  YAML::Node root;
  std::map<std::string, std::string> overrides;  // dotted key -> "--set key=value"

  // Where the node at dotted key `path` came from.
  std::string where(const YAML::Node& node, const std::string& path) const;
};

YamlSource load_yaml_file(const std::string& path);
YamlSource load_yaml_text(const std::string& text, const std::string& label);

// Applies "a.b.c=value" (value parsed as a YAML scalar) to the document.
void apply_set(YamlSource& src, std::string_view assignment);

// A position while decoding: the document and the dotted key reached.
struct Cursor {
  const YamlSource* src = nullptr;
  std::string path;

  Cursor child(std::string_view key) const {
    return {src, path.empty() ? std::string(key) : path + "." + std::string(key)};
  }
  std::string where(const YAML::Node& node) const { return src ? src->where(node, path) : path; }
  [[noreturn]] void fail(const YAML::Node& node, const std::string& what) const;
};

}  // namespace rs
