#pragma once
// A YAML document plus what is needed to point at any place in it:
// "file:line:col" for values from the file, "--set key=value" for overrides.
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <yaml-cpp/yaml.h>

namespace rs {

struct YamlSource {
  std::string file;  // path, or a label such as "<default scenario>"
  YAML::Node root;
  std::map<std::string, std::string> overrides;  // dotted key -> "--set key=value"

  YamlSource() = default;
  YamlSource(const YamlSource&) = default;
  // yaml-cpp's Node::operator= writes into the node every copy of the handle
  // shares; rebinding keeps assignment a value operation (no other object changes).
  YamlSource& operator=(const YamlSource& o) {
    file = o.file;
    root.reset(o.root);
    overrides = o.overrides;
    return *this;
  }

  // Where the node at dotted key `path` came from.
  std::string where(const YAML::Node& node, const std::string& path) const;
};

YamlSource load_yaml_file(const std::string& path);
YamlSource load_yaml_text(const std::string& text, const std::string& label);

// Applies "a.b.c=value" (value parsed as a YAML scalar) to the document.
void apply_set(YamlSource& src, std::string_view assignment);

// What a location needs besides a node's own Mark: the file label and the
// --set overrides. Immutable and shared, so that a Cursor (kept in decoded
// values such as ImplChoice) stays valid after the YamlSource it came from is
// moved or destroyed.
struct YamlOrigin {
  std::string file;
  std::map<std::string, std::string> overrides;
  std::string where(const YAML::Node& node, const std::string& path) const;
};

// A position while decoding: the document's origin and the dotted key reached.
// Holds no pointer into a YamlSource: it snapshots the origin (file label and
// overrides, as they are when the cursor is made) into a shared immutable value.
struct Cursor {
  std::shared_ptr<const YamlOrigin> origin;  // null: no document (e.g. a default value)
  std::string path;

  Cursor() = default;
  Cursor(std::nullptr_t, std::string p) : path(std::move(p)) {}
  Cursor(const YamlSource* src, std::string p)
      : origin(src ? std::make_shared<const YamlOrigin>(YamlOrigin{src->file, src->overrides}) : nullptr),
        path(std::move(p)) {}
  Cursor(std::shared_ptr<const YamlOrigin> o, std::string p) : origin(std::move(o)), path(std::move(p)) {}

  Cursor child(std::string_view key) const {
    return {origin, path.empty() ? std::string(key) : path + "." + std::string(key)};
  }
  std::string where(const YAML::Node& node) const { return origin ? origin->where(node, path) : path; }
  [[noreturn]] void fail(const YAML::Node& node, const std::string& what) const;
};

}  // namespace rs
