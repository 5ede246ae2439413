#include "models/cost/cost_model.hpp"

#include <cmath>
#include <limits>

namespace rs {
namespace {
constexpr double kHoursPerYear = 8760, kHoursPerMonth = kHoursPerYear / 12;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
// Share of a capital sum paid each year: an annuity at `rate` over `years` (straight line at rate 0).
double annual_factor(double rate, double years) {
  return rate > 0 ? rate / (1 - std::pow(1 + rate, -years)) : 1 / years;
}
}  // namespace

CostPerGpuHour cost_per_gpu_hour(const CostInputs& in) {
  const CostParams& c = in.cost;
  CostPerGpuHour r;
  if (c.gpu_hour > 0) {
    r.rental = true;
    r.capital = c.gpu_hour;  // a rental price covers everything, power included
    return r;
  }
  const double price = c.gpu_price > 0 ? c.gpu_price : in.gpu_price;
  r.capital = price * (1 + c.network_fraction) * annual_factor(c.interest_rate, c.it_years) / kHoursPerYear;
  const double it_kw = in.it_peak_w_per_gpu / 1000;
  r.facility = c.colocation > 0 ? c.colocation * it_kw / kHoursPerMonth
                                : c.facility_per_mw * (it_kw / 1000) * annual_factor(c.interest_rate, c.facility_years) /
                                      kHoursPerYear;
  r.staff = c.staff_fraction * (r.capital + r.facility);
  r.electricity = c.electricity * in.facility_kwh_per_gpu_hour;
  return r;
}

TokenCost token_cost(double total_usd, double prefill_gpu_s, double decode_gpu_s, int64_t input_tokens,
                     int64_t output_tokens) {
  TokenCost t{kNaN, kNaN};
  const double busy = prefill_gpu_s + decode_gpu_s;
  if (busy <= 0) return t;
  if (input_tokens > 0) t.usd_per_mtok_input = total_usd * (prefill_gpu_s / busy) / static_cast<double>(input_tokens) * 1e6;
  if (output_tokens > 0)
    t.usd_per_mtok_output = total_usd * (decode_gpu_s / busy) / static_cast<double>(output_tokens) * 1e6;
  return t;
}

}  // namespace rs
