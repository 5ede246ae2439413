#include "models/workload/synthetic.hpp"

#include <cmath>
#include <numbers>
#include <fmt/format.h>

namespace rs {
namespace {

class Synthetic final : public RequestSource {
 public:
  Synthetic(const SyntheticParams& p, uint64_t seed) : p_(p), rng_(seed) {}
  std::string describe() const override {
    return fmt::format("synthetic: {} requests, {} arrivals at {} req/s, {} lengths (input {}, output {})", p_.requests,
                       p_.rate > 0 ? p_.arrival : "offline", p_.rate, p_.lengths, p_.input_tokens, p_.output_tokens);
  }
  bool next(TraceRow& row) override {
    if (count_ >= p_.requests) return false;
    if (p_.rate > 0 && count_ > 0) {
      double gap = p_.arrival == "poisson" ? -std::log(1 - uniform()) / p_.rate : 1.0 / p_.rate;
      t_ += gap;
    }
    row.arrival = static_cast<TimeNs>(std::llround(t_ * 1e9));
    row.input = length(p_.input_tokens);
    row.output = length(p_.output_tokens);
    ++count_;
    return true;
  }

 private:
  double uniform() { return static_cast<double>(rng_() >> 11) * 0x1.0p-53; }  // [0, 1)
  double normal() {
    double u1 = 1 - uniform(), u2 = uniform();
    return std::sqrt(-2 * std::log(u1)) * std::cos(2 * std::numbers::pi * u2);
  }
  int32_t length(int64_t mean) {
    double m = static_cast<double>(mean), v = m;
    if (p_.lengths == "uniform") {
      // Uniform on [m(1 - a), m(1 + a)] with a = cv * sqrt(3) (same mean and cv), a <= 1.
      double a = std::min(1.0, p_.length_cv * std::sqrt(3.0));
      v = m * (1 - a) + uniform() * 2 * a * m;
    } else if (p_.lengths == "lognormal") {
      double s2 = std::log(1 + p_.length_cv * p_.length_cv);
      v = std::exp(std::log(m) - s2 / 2 + std::sqrt(s2) * normal());
    }
    return static_cast<int32_t>(std::max<double>(1, std::llround(v)));
  }

  SyntheticParams p_;
  std::mt19937_64 rng_;
  int64_t count_ = 0;
  double t_ = 0;
};

}  // namespace

std::unique_ptr<RequestSource> make_synthetic(const SyntheticParams& p, uint64_t seed) {
  return std::make_unique<Synthetic>(p, seed);
}

bool ScaledSource::next(TraceRow& row) {
  if (max_ > 0 && count_ >= max_) return false;
  if (!inner_->next(row)) return false;
  ++count_;
  if (scale_ != 1) row.arrival = static_cast<TimeNs>(std::llround(static_cast<double>(row.arrival) / scale_));
  return true;
}

}  // namespace rs
