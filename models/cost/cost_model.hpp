#pragma once
// Cost model: USD per GPU-hour from capex amortised over years plus
// opex, or a rental price; USD per million input / output tokens by splitting
// the run's cost by GPU time spent on prefill vs decode work. Pure functions.
#include <cstdint>

#include "models/cost/cost_params.hpp"

namespace rs {

struct CostInputs {
  CostParams cost;
  double gpu_price = 0;          // USD per GPU incl. server/rack share (used when cost.gpu_price = 0)
  double it_peak_w_per_gpu = 0;  // provisioned IT power per GPU (facility sizing)
  double facility_kwh_per_gpu_hour = 0;  // measured: facility energy / (GPUs x hours)
};

struct CostPerGpuHour {
  double capital = 0, facility = 0, staff = 0, electricity = 0;  // USD per GPU-hour
  bool rental = false;
  double total() const { return capital + facility + staff + electricity; }
};

CostPerGpuHour cost_per_gpu_hour(const CostInputs& in);

struct TokenCost {
  double usd_per_mtok_input = 0, usd_per_mtok_output = 0;  // NaN when undefined
};

// `total_usd` over the run split by GPU time: prefill_gpu_s / (prefill + decode) to input tokens.
TokenCost token_cost(double total_usd, double prefill_gpu_s, double decode_gpu_s, int64_t input_tokens,
                     int64_t output_tokens);

}  // namespace rs
