#pragma once
// A stream of requests in arrival order (trace readers, generators). Streams,
// so a 10^7-request trace is never loaded whole.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "sim/engine.hpp"

namespace rs {

struct TraceRow {
  TimeNs arrival = 0;  // from the first request of the stream (t = 0)
  int32_t input = 0, output = 0;
};

class RequestSource {
 public:
  virtual ~RequestSource() = default;
  virtual bool next(TraceRow& row) = 0;
  virtual std::string describe() const = 0;
  // Columns read from the input but not used by the simulation yet.
  virtual std::vector<std::string> unused_columns() const { return {}; }
};

// Applies workload.rate_scale (divides arrival times) and max_requests.
class ScaledSource final : public RequestSource {
 public:
  ScaledSource(std::unique_ptr<RequestSource> inner, double rate_scale, int64_t max_requests)
      : inner_(std::move(inner)), scale_(rate_scale), max_(max_requests) {}
  bool next(TraceRow& row) override;
  std::string describe() const override { return inner_->describe(); }
  std::vector<std::string> unused_columns() const override { return inner_->unused_columns(); }

 private:
  std::unique_ptr<RequestSource> inner_;
  double scale_;
  int64_t max_, count_ = 0;
};

}  // namespace rs
