#pragma once
// Observer of a serving simulation: latency distributions, throughput and a
// per-second timeline; writes summary.csv, requests.csv and timeline.csv.
#include <deque>
#include <string>
#include <vector>

#include "models/metrics/stats.hpp"
#include "models/serving/signals.hpp"
#include "sim/output.hpp"
#include "sim/progress.hpp"

namespace rs {

struct SummaryContext {  // scenario facts the summary reports
  int64_t gpus = 0, replicas = 0, tp = 0, kv_tokens_per_replica = 0;
  double slo_ttft_s = 0, slo_itl_s = 0;
  std::string calibration, calibration_kind;
};

// The serving columns of summary.csv as typed values (NaN: undefined), for
// callers that build on a run's results (e.g. `rackscale site`).
struct ServingSummary {
  int64_t requests = 0, completed = 0, rejected = 0, preemptions = 0;
  double sim_time_s = 0, output_tok_per_s = 0, input_tok_per_s = 0;
  double ttft_p50_s = 0, ttft_p90_s = 0, ttft_p99_s = 0, itl_p50_s = 0, itl_p99_s = 0, tpot_mean_s = 0;
  double e2e_p50_s = 0, e2e_p99_s = 0, slo_attainment = 0, goodput_rps = 0;
};

class ServingMetrics {
 public:
  ServingMetrics(ServingSignals& sig, int64_t kv_blocks_total, Progress* progress);

  // Columns of summary.csv, in order (stable contract; wall_s last).
  static std::vector<std::string> summary_columns();
  // Power and cost columns (energy_j ... usd_per_mtok_output), filled by the power meter.
  static std::vector<std::string> energy_columns();
  ServingSummary summarize(const std::deque<Request>& reqs, const SummaryContext& ctx) const;
  CsvWriter summary(const ServingSummary& v, const SummaryContext& ctx, const std::vector<double>& energy,
                    double wall_s) const;
  CsvWriter summary(const std::deque<Request>& reqs, const SummaryContext& ctx, const std::vector<double>& energy,
                    double wall_s) const {
    return summary(summarize(reqs, ctx), ctx, energy, wall_s);
  }
  CsvWriter requests_csv(const std::deque<Request>& reqs) const;
  CsvWriter timeline_csv() const;

 private:
  void interval_end(const Request& r, TimeNs t, BinnedIntegral& into);
  std::vector<TimeNs> since_;  // by request id: when it entered its current state
  BinnedIntegral queued_, running_, kv_used_;
  std::vector<int64_t> tokens_per_s_;
  WeightedSample gaps_;  // inter-token gaps (ns) with multiplicities
  int64_t kv_blocks_total_, done_ = 0;
  TimeNs last_event_ = 0;
  Progress* progress_;
};

}  // namespace rs
