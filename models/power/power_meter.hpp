#pragma once
// Observer of the serving signals: GPU, rack and site power per simulated
// second (power.csv), facility energy, tokens per kWh and the GPU time spent
// on prefill vs decode (for $/Mtoken). Sums are kept in integers (mW x ns,
// ns) so that results do not depend on the order steps are reported in:
// coalesced decode windows give the same bytes as stepping.
#include <vector>

#include "models/cost/cost_model.hpp"
#include "models/metrics/stats.hpp"
#include "models/power/power_model.hpp"
#include "models/power/power_plan.hpp"
#include "models/serving/signals.hpp"
#include "sim/output.hpp"

namespace rs {

class PowerMeter {
 public:
  // Steps are clipped at `stop_at` (sim.duration; kNever: none).
  PowerMeter(ServingSignals& sig, const PowerModel& pm, const PowerPlan& plan, TimeNs stop_at);

  // End of the metered span: sim.duration if set, else the end of the last step.
  TimeNs span_end() const { return stop_at_ != kNever ? stop_at_ : last_end_; }
  CsvWriter power_csv() const;

  struct Totals {
    double span_s = 0, facility_j = 0, avg_w = 0, peak_w = 0, gpu_dynamic_j = 0;
    double prefill_gpu_s = 0, decode_gpu_s = 0, min_clock = 1;
    int64_t input_tokens = 0, output_tokens = 0;
  };
  Totals totals() const;
  // Values of the summary columns energy_j ... usd_per_mtok_output (ServingMetrics::summary_columns()).
  std::vector<double> summary_values(const CostInputs& cost) const;

 private:
  struct Row {
    double covered_s, gpu_w, rack_w, site_w, clock;
  };
  std::vector<Row> rows() const;
  void on_step(const StepRecord& s);

  const PowerModel& pm_;
  PowerPlan plan_;
  TimeNs stop_at_, last_end_ = 0;
  BinnedIntegral dynamic_mw_;   // GPU power above idle, mW x ns
  BinnedIntegral throttle_ppm_; // (1 - clock factor) x 1e6 per GPU, x ns
  i128 prefill_gpu_ns_ = 0, decode_gpu_ns_ = 0;
  int64_t input_tokens_ = 0, output_tokens_ = 0;
  int64_t min_clock_ppm_ = 1'000'000;
};

}  // namespace rs
