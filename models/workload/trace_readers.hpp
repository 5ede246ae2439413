#pragma once
// Trace readers and the catalog of bundled traces (scenarios/traces/traces.yaml).
#include <memory>
#include <string>
#include <vector>

#include "models/workload/source.hpp"

namespace rs {

std::unique_ptr<RequestSource> open_azure_trace(const std::string& path);
std::unique_ptr<RequestSource> open_mooncake_trace(const std::string& path);

struct TraceInfo {
  std::string name, file, format, description, license, attribution;
  int64_t requests = 0;  // rows in the file (for progress ETA)
};
std::vector<TraceInfo> bundled_traces();

// Opens a bundled trace by name, or a file path (format: azure|mooncake|auto
// by extension). Errors name `where`.
std::unique_ptr<RequestSource> open_trace(const std::string& name_or_path, const std::string& format,
                                          const std::string& where);

}  // namespace rs
