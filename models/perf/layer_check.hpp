#pragma once
// The measured check of the iteration model's composition: a calibration
// profile's `layer` group times a real decoder layer on the GPU; the model,
// fed the same profile's fits, predicts it. Rows carry the error as it is.
#include <string>
#include <vector>

#include "models/catalog/calibration.hpp"
#include "sim/yaml_source.hpp"

namespace rs {

struct LayerCheckRow {
  std::string model, phase;
  int64_t tp = 0, batch = 0, context = 0, tokens = 0;
  double measured_us = 0, modelled_us = 0;
  double error_pct() const { return (modelled_us - measured_us) / measured_us * 100; }
};

// Rows for every measured layer point of a raw profile (empty if it has none).
std::vector<LayerCheckRow> check_layers(const std::string& profile_path);
std::string format_layer_check(const std::vector<LayerCheckRow>& rows);  // Markdown table

}  // namespace rs
