#include "models/metrics/serving_metrics.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace rs {
namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
}

ServingMetrics::ServingMetrics(ServingSignals& sig, int64_t kv_blocks_total, Progress* progress)
    : kv_blocks_total_(kv_blocks_total), progress_(progress) {
  sig.queued.connect([this](const Request& r, TimeNs t) {
    if (since_.size() <= static_cast<std::size_t>(r.id)) since_.resize(static_cast<std::size_t>(r.id) + 1, 0);
    since_[static_cast<std::size_t>(r.id)] = t;
  });
  sig.scheduled.connect([this](const Request& r, TimeNs t) { interval_end(r, t, queued_); });
  sig.preempted.connect([this](const Request& r, TimeNs t) { interval_end(r, t, running_); });
  sig.finished.connect([this](const Request& r) {
    interval_end(r, r.finish, running_);
    ++done_;
    if (progress_) progress_->update(ns_to_s(r.finish), done_);
  });
  sig.rejected.connect([this](const Request&) { ++done_; });
  sig.token_gap.connect([this](TimeNs gap, int64_t n) { gaps_.add(gap, n); });
  sig.step.connect([this](const StepRecord& s) {
    kv_used_.add(s.start, s.end, s.kv_used_blocks);
    std::size_t bin = static_cast<std::size_t>(s.end / 1'000'000'000);
    if (tokens_per_s_.size() <= bin) tokens_per_s_.resize(bin + 1, 0);
    tokens_per_s_[bin] += s.tokens_out;
    gaps_.add(s.end - s.start, s.steady_gaps);
    last_event_ = std::max(last_event_, s.end);
  });
}

// Closes the interval the request spent in its previous state and opens the next one.
void ServingMetrics::interval_end(const Request& r, TimeNs t, BinnedIntegral& into) {
  TimeNs& s = since_[static_cast<std::size_t>(r.id)];
  into.add(s, t, 1);
  s = t;
}

std::vector<std::string> ServingMetrics::summary_columns() {
  return {"gpus", "replicas", "tp", "requests", "completed", "rejected", "preemptions", "sim_time_s",
          "output_tok_per_s", "output_tok_per_s_per_gpu", "input_tok_per_s", "ttft_p50_s", "ttft_p90_s",
          "ttft_p99_s", "itl_p50_s", "itl_p99_s", "tpot_mean_s", "e2e_p50_s", "e2e_p99_s", "slo_attainment",
          "goodput_rps", "kv_tokens_per_replica", "calibration", "calibration_kind", "energy_j", "avg_power_w",
          "peak_power_w", "tokens_per_kwh", "output_tok_per_s_per_mw", "usd_per_gpu_hour", "usd_per_mtok_input",
          "usd_per_mtok_output", "wall_s"};
}

std::vector<std::string> ServingMetrics::energy_columns() {
  return {"energy_j", "avg_power_w", "peak_power_w", "tokens_per_kwh", "output_tok_per_s_per_mw", "usd_per_gpu_hour",
          "usd_per_mtok_input", "usd_per_mtok_output"};
}

ServingSummary ServingMetrics::summarize(const std::deque<Request>& reqs, const SummaryContext& ctx) const {
  std::vector<double> ttft, e2e;
  double tpot_sum = 0;
  int64_t tpot_n = 0, good = 0, out_tokens = 0, in_tokens = 0;
  ServingSummary v;
  v.requests = static_cast<int64_t>(reqs.size());
  TimeNs first_arrival = reqs.empty() ? 0 : reqs.front().arrival, last_finish = first_arrival;
  for (const Request& r : reqs) {
    first_arrival = std::min(first_arrival, r.arrival);
    v.preemptions += r.preemptions;
    if (r.status == RequestStatus::rejected) {
      ++v.rejected;
      continue;
    }
    if (r.status != RequestStatus::finished) continue;
    ++v.completed;
    last_finish = std::max(last_finish, r.finish);
    double t = ns_to_s(r.first_token - r.arrival);
    ttft.push_back(t);
    e2e.push_back(ns_to_s(r.finish - r.arrival));
    out_tokens += r.output;
    in_tokens += r.input;
    double tpot = kNaN;
    if (r.output > 1) {
      tpot = ns_to_s(r.finish - r.first_token) / (r.output - 1);
      tpot_sum += tpot;
      ++tpot_n;
    }
    if (t <= ctx.slo_ttft_s && (r.output <= 1 || tpot <= ctx.slo_itl_s)) ++good;
  }
  std::sort(ttft.begin(), ttft.end());
  std::sort(e2e.begin(), e2e.end());
  v.sim_time_s = ns_to_s(last_finish - first_arrival);
  auto per_s = [&](double x) { return v.sim_time_s > 0 ? x / v.sim_time_s : kNaN; };
  auto s = [](double ns) { return std::isnan(ns) ? kNaN : ns * 1e-9; };
  v.output_tok_per_s = per_s(static_cast<double>(out_tokens));
  v.input_tok_per_s = per_s(static_cast<double>(in_tokens));
  v.ttft_p50_s = percentile_sorted(ttft, 0.5);
  v.ttft_p90_s = percentile_sorted(ttft, 0.9);
  v.ttft_p99_s = percentile_sorted(ttft, 0.99);
  std::vector<double> itl = gaps_.percentiles({0.5, 0.99});
  v.itl_p50_s = s(itl[0]);
  v.itl_p99_s = s(itl[1]);
  v.tpot_mean_s = tpot_n ? tpot_sum / static_cast<double>(tpot_n) : kNaN;
  v.e2e_p50_s = percentile_sorted(e2e, 0.5);
  v.e2e_p99_s = percentile_sorted(e2e, 0.99);
  v.slo_attainment = reqs.empty() ? kNaN : static_cast<double>(good) / static_cast<double>(reqs.size());
  v.goodput_rps = per_s(static_cast<double>(good));
  return v;
}

CsvWriter ServingMetrics::summary(const ServingSummary& v, const SummaryContext& ctx, const std::vector<double>& energy,
                                  double wall_s) const {
  CsvWriter w(summary_columns());
  w.cell(ctx.gpus).cell(ctx.replicas).cell(ctx.tp).cell(v.requests).cell(v.completed);
  w.cell(v.rejected).cell(v.preemptions).cell(v.sim_time_s);
  w.cell(v.output_tok_per_s);
  w.cell(v.output_tok_per_s / static_cast<double>(ctx.gpus));
  w.cell(v.input_tok_per_s);
  w.cell(v.ttft_p50_s).cell(v.ttft_p90_s).cell(v.ttft_p99_s);
  w.cell(v.itl_p50_s).cell(v.itl_p99_s);
  w.cell(v.tpot_mean_s);
  w.cell(v.e2e_p50_s).cell(v.e2e_p99_s);
  w.cell(v.slo_attainment);
  w.cell(v.goodput_rps);
  w.cell(ctx.kv_tokens_per_replica).cell(std::string_view(ctx.calibration)).cell(std::string_view(ctx.calibration_kind));
  for (std::size_t i = 0; i < energy_columns().size(); ++i) w.cell(i < energy.size() ? energy[i] : kNaN);
  w.cell(wall_s);
  w.end_row();
  return w;
}

CsvWriter ServingMetrics::requests_csv(const std::deque<Request>& reqs) const {
  CsvWriter w({"id", "arrival_s", "first_token_s", "finish_s", "input_tokens", "output_tokens", "preemptions",
               "replica", "status"});
  for (const Request& r : reqs) {
    w.cell(r.id).cell(ns_to_s(r.arrival));
    r.first_token >= 0 ? w.cell(ns_to_s(r.first_token)) : w.empty();
    r.finish >= 0 ? w.cell(ns_to_s(r.finish)) : w.empty();
    w.cell(static_cast<int64_t>(r.input)).cell(static_cast<int64_t>(r.output)).cell(static_cast<int64_t>(r.preemptions));
    r.replica >= 0 ? w.cell(static_cast<int64_t>(r.replica)) : w.empty();
    w.cell(std::string_view(to_string(r.status)));
    w.end_row();
  }
  return w;
}

CsvWriter ServingMetrics::timeline_csv() const {
  std::size_t bins = static_cast<std::size_t>((last_event_ + 999'999'999) / 1'000'000'000);
  bins = std::max(bins, tokens_per_s_.size());
  auto q = queued_.means(bins), run = running_.means(bins), kv = kv_used_.means(bins);
  CsvWriter w({"t_s", "queued", "running", "kv_used_frac", "output_tok_per_s"});
  for (std::size_t i = 0; i < bins; ++i) {
    w.cell(static_cast<int64_t>(i)).cell(q[i]).cell(run[i]);
    w.cell(kv_blocks_total_ > 0 ? kv[i] / static_cast<double>(kv_blocks_total_) : kNaN);
    w.cell(i < tokens_per_s_.size() ? tokens_per_s_[i] : int64_t{0});
    w.end_row();
  }
  return w;
}

}  // namespace rs
