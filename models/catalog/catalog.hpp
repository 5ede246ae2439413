#pragma once
// Presets are YAML files, one per thing: models/hardware/<gpu>.yaml,
// models/llm/<model>.yaml, models/calibration/<profile>.yaml. Adding a GPU or
// an LLM is adding a file.
#include <filesystem>
#include <string>
#include <vector>

#include "sim/params.hpp"
#include "sim/yaml_source.hpp"

namespace rs {

// Root of the data folders (models/, scenarios/): $RACKSCALE_HOME, else the source tree.
std::filesystem::path data_root();

// Names of the presets in models/<folder>/ (file stems, sorted).
std::vector<std::string> preset_names(const std::string& folder);

// Loads models/<folder>/<name>.yaml, or `name` itself if it is a path to a
// .yaml file. Unknown names fail at `where` with the known ones listed.
YamlSource load_preset_file(const std::string& folder, const std::string& name, const std::string& where,
                            const std::string& what);

// Decodes a preset with its schema; the file's `name` must match its file name.
template <class S>
S load_preset(const Schema<S>& schema, const std::string& folder, const std::string& name, const std::string& where,
              const std::string& what) {
  YamlSource src = load_preset_file(folder, name, where, what);
  return schema.decode(src.root, Cursor{&src, ""});
}

enum class Precision { bf16, fp8, fp4 };
Precision parse_precision(const std::string& s);
const char* to_string(Precision p);
double bytes_per_element(Precision p);
std::vector<std::string> precision_names();

}  // namespace rs
