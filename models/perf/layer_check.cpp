#include "models/perf/layer_check.hpp"

#include <fmt/format.h>

#include "models/catalog/gpu.hpp"
#include "models/catalog/llm.hpp"
#include "models/perf/iteration_model.hpp"
#include "sim/error.hpp"

namespace rs {

std::vector<LayerCheckRow> check_layers(const std::string& profile_path) {
  Calibration cal = load_calibration(profile_path);
  if (!cal.measured()) fail(profile_path, "not a measured profile (no layer measurements to check)");
  GpuSpec gpu = load_gpu(cal.gpu_preset);
  YamlSource src = load_yaml_file(profile_path);
  std::vector<LayerCheckRow> rows;
  const YAML::Node points = src.root["groups"]["layer"]["points"];
  if (!points || !points.IsSequence()) return rows;
  for (const auto& p : points) {
    if (!p["status"] || p["status"].Scalar() != "done") continue;
    LayerCheckRow r;
    try {
      r.model = p["model"].as<std::string>();
      r.phase = p["phase"].as<std::string>();
      r.tp = p["tp"].as<int64_t>();
      r.batch = p["batch"].as<int64_t>();
      r.context = p["context"].as<int64_t>();
      r.tokens = p["tokens"].as<int64_t>();
      r.measured_us = p["time_us_median"].as<double>();
    } catch (const YAML::Exception& e) {
      fail(src.where(p, "groups.layer.points"), std::string("malformed layer point: ") + e.what());
    }
    LlmSpec llm = load_llm(r.model, src.where(p, "groups.layer.points"));
    IterationModel m(PerfConfig{llm, gpu, cal, Precision::bf16, Precision::bf16, r.tp}, profile_path);
    std::vector<PrefillChunk> chunk;
    BatchShape shape;
    if (r.phase == "decode") {
      shape = {r.batch, r.batch * (r.context + 1), {}};
    } else {
      chunk.push_back({r.tokens, r.context, true});
      shape = {0, 0, chunk};
    }
    r.modelled_us = m.layer_s(shape) * 1e6;
    rows.push_back(r);
  }
  return rows;
}

std::string format_layer_check(const std::vector<LayerCheckRow>& rows) {
  std::string out = "| model | tp | phase | batch | tokens | context | measured (us) | modelled (us) | error |\n"
                    "|---|---|---|---|---|---|---|---|---|\n";
  for (const auto& r : rows)
    out += fmt::format("| {} | {} | {} | {} | {} | {} | {:.1f} | {:.1f} | {:+.1f} % |\n", r.model, r.tp, r.phase,
                       r.batch, r.tokens, r.context, r.measured_us, r.modelled_us, r.error_pct());
  return out;
}

}  // namespace rs
