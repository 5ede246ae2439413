#include "models/power/power_meter.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace rs {
namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr TimeNs kSecond = 1'000'000'000;
}  // namespace

PowerMeter::PowerMeter(ServingSignals& sig, const PowerModel& pm, const PowerPlan& plan, TimeNs stop_at)
    : pm_(pm), plan_(plan), stop_at_(stop_at) {
  sig.step.connect([this](const StepRecord& s) { on_step(s); });
  sig.first_token.connect([this](const Request& r) {
    if (r.first_token <= stop_at_) input_tokens_ += r.input;
  });
}

void PowerMeter::on_step(const StepRecord& s) {
  const TimeNs end = std::min(s.end, stop_at_);
  if (end <= s.start) return;
  const int64_t tp = plan_.tp;
  const BatchShape shape{s.prefill.empty() ? s.seqs : s.seqs - static_cast<int64_t>(s.prefill.size()),
                         s.decode_context, s.prefill};
  const bool decode_only = s.prefill.empty();
  const TimeNs t_level = decode_only ? pm_.decode_ns(s.clock_level, shape.decode_seqs, shape.decode_context)
                                     : pm_.step_ns(s.clock_level, shape);
  const StepParts parts = decode_only ? pm_.decode_parts(shape.decode_seqs, shape.decode_context) : pm_.parts(shape);
  const TimeNs dur = s.end - s.start;  // longer than t_level when duty-cycled
  const double dyn_w = pm_.dynamic_j(parts, s.clock_level, t_level) / ns_to_s(dur);
  // Floor to whole mW so that a capped step never reads above its cap.
  dynamic_mw_.add(s.start, end, static_cast<int64_t>(std::floor(dyn_w * 1000)) * tp);
  const double clock = pm_.clock(s.clock_level) * static_cast<double>(t_level) / static_cast<double>(dur);
  const int64_t thr = std::llround((1 - clock) * 1e6);
  if (thr != 0) throttle_ppm_.add(s.start, end, thr * tp);
  min_clock_ppm_ = std::min(min_clock_ppm_, 1'000'000 - thr);
  // GPU time split between prefill (input) and decode (output) work.
  const TimeNs gpu_ns = end - s.start;
  TimeNs prefill_ns = 0;
  if (!decode_only) {
    const IterationModel& m = pm_.model(0);
    Breakdown full = m.breakdown(shape);
    double attn_decode = m.breakdown(BatchShape{shape.decode_seqs, shape.decode_context, {}}).attention_s;
    double tokens = static_cast<double>(shape.decode_seqs + s.prefill_tokens);
    double dense = full.total_s() - full.attention_s;
    double share = ((full.attention_s - attn_decode) + dense * static_cast<double>(s.prefill_tokens) / tokens) /
                   full.total_s();
    prefill_ns = std::llround(static_cast<double>(gpu_ns) * std::clamp(share, 0.0, 1.0));
  }
  prefill_gpu_ns_ += static_cast<i128>(prefill_ns) * tp;
  decode_gpu_ns_ += static_cast<i128>(gpu_ns - prefill_ns) * tp;
  if (s.end <= stop_at_) output_tokens_ += s.tokens_out;
  last_end_ = std::max(last_end_, s.end);
}

std::vector<PowerMeter::Row> PowerMeter::rows() const {
  const TimeNs end = span_end();
  const std::size_t bins = static_cast<std::size_t>((end + kSecond - 1) / kSecond);
  auto dyn = dynamic_mw_.means(bins), thr = throttle_ppm_.means(bins);
  const double n = static_cast<double>(plan_.gpus);
  std::vector<Row> out(bins);
  for (std::size_t i = 0; i < bins; ++i) {
    const TimeNs from = static_cast<TimeNs>(i) * kSecond;
    const double covered = ns_to_s(std::min(end - from, kSecond));
    Row& r = out[i];
    r.covered_s = covered;
    r.gpu_w = n * plan_.idle_w + dyn[i] / 1000 / covered;
    r.rack_w = r.gpu_w + plan_.host_total_w();
    r.site_w = plan_.site_w(r.rack_w);
    r.clock = 1 - thr[i] / 1e6 / n / covered;
  }
  return out;
}

CsvWriter PowerMeter::power_csv() const {
  CsvWriter w({"t_s", "gpu_w", "rack_w", "site_w", "clock_factor"});
  int64_t i = 0;
  for (const Row& r : rows()) {
    w.cell(i++).cell(r.gpu_w).cell(r.rack_w).cell(r.site_w).cell(r.clock);
    w.end_row();
  }
  return w;
}

PowerMeter::Totals PowerMeter::totals() const {
  Totals t;
  t.span_s = ns_to_s(span_end());
  // Facility energy: the idle floor over the span plus PUE x GPU dynamic energy (exact integer sum).
  const std::size_t bins = static_cast<std::size_t>((span_end() + kSecond - 1) / kSecond);
  double dyn_j = 0;
  for (double m : dynamic_mw_.means(bins)) dyn_j += m / 1000;  // mean W over a full second = J in that second
  t.gpu_dynamic_j = dyn_j;
  const double floor_w = plan_.site_w(static_cast<double>(plan_.gpus) * plan_.idle_w + plan_.host_total_w());
  t.facility_j = floor_w * t.span_s + plan_.pue * dyn_j;
  t.avg_w = t.span_s > 0 ? t.facility_j / t.span_s : kNaN;
  t.peak_w = kNaN;
  for (const Row& r : rows()) t.peak_w = std::isnan(t.peak_w) ? r.site_w : std::max(t.peak_w, r.site_w);
  t.prefill_gpu_s = static_cast<double>(prefill_gpu_ns_) * 1e-9;
  t.decode_gpu_s = static_cast<double>(decode_gpu_ns_) * 1e-9;
  t.input_tokens = input_tokens_;
  t.output_tokens = output_tokens_;
  t.min_clock = static_cast<double>(min_clock_ppm_) / 1e6;
  return t;
}

std::vector<double> PowerMeter::summary_values(const CostInputs& cost_in) const {
  Totals t = totals();
  const double gpus = static_cast<double>(plan_.gpus), hours = t.span_s / 3600;
  CostInputs in = cost_in;
  in.it_peak_w_per_gpu = plan_.it_peak_w_per_gpu();
  in.facility_kwh_per_gpu_hour = hours > 0 ? t.facility_j / 3.6e6 / (gpus * hours) : 0;
  CostPerGpuHour c = cost_per_gpu_hour(in);
  const double per_gpu_hour = hours > 0 ? c.total() : kNaN;
  TokenCost tc = token_cost(c.total() * gpus * hours, t.prefill_gpu_s, t.decode_gpu_s, t.input_tokens, t.output_tokens);
  const double kwh = t.facility_j / 3.6e6;
  const double out = static_cast<double>(t.output_tokens);
  return {t.span_s > 0 ? t.facility_j : kNaN,
          t.avg_w,
          t.peak_w,
          kwh > 0 ? out / kwh : kNaN,
          t.facility_j > 0 ? out * 1e6 / t.facility_j : kNaN,
          per_gpu_hour,
          tc.usd_per_mtok_input,
          tc.usd_per_mtok_output};
}

}  // namespace rs
