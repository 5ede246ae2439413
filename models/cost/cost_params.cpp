#include "models/cost/cost_params.hpp"

namespace rs {

// Every default states its source or is a labelled assumption.
const Schema<CostParams>& CostParams::schema() {
  static const Schema<CostParams> s = Schema<CostParams>("cost model (USD)")
      .number(&CostParams::electricity, "electricity", "0.08",
              "electricity price in USD/kWh (facility energy, i.e. with PUE). ASSUMPTION: about the US industrial "
              "average (EIA Electric Power Monthly, about 8 cents/kWh in 2023-2024)",
              0)
      .number(&CostParams::gpu_hour, "gpu_hour", "0",
              "rental price in USD per GPU-hour, replacing the capex/opex model (power included, as in cloud prices; "
              "e.g. p5.48xlarge capacity block $39.33/h / 8 = 4.92); 0 = use the capex model",
              0)
      .number(&CostParams::gpu_price, "gpu_price", "0",
              "purchase price per GPU in USD including its server/rack share; 0 = the GPU preset's price_per_gpu", 0)
      .number(&CostParams::network_fraction, "network_fraction", "0.15",
              "scale-out network capex as a fraction of GPU capex. ASSUMPTION: cluster TCO models put the back-end "
              "network at roughly 10-20 % of cluster capex",
              0)
      .number(&CostParams::facility_per_mw, "facility_per_mw", "10000000",
              "data-center construction capex in USD per MW of IT capacity. ASSUMPTION: industry rules of thumb of "
              "about $10M per MW for new builds",
              0)
      .number(&CostParams::colocation, "colocation", "0",
              "colocation price in USD per kW of IT capacity per month; > 0 replaces facility_per_mw", 0)
      .number(&CostParams::it_years, "it_years", "5",
              "amortisation of GPUs, servers and network in years. ASSUMPTION: hyperscalers depreciate servers over 5-6 years",
              0.1)
      .number(&CostParams::facility_years, "facility_years", "15",
              "amortisation of the facility in years. ASSUMPTION: shell and power/cooling plant last 15-20 years", 0.1)
      .number(&CostParams::staff_fraction, "staff_fraction", "0.05",
              "staff and maintenance as a fraction of the hourly capital cost. ASSUMPTION: no public source found; "
              "operations staff are a small share of AI cluster TCO next to capital and power, so a few percent", 0)
      .number(&CostParams::interest_rate, "interest_rate", "0.08",
              "yearly cost of capital; capex is paid back as an annuity over the amortisation years (0 = straight "
              "line). ASSUMPTION: a typical weighted cost of capital for data-center investments",
              0);
  return s;
}

}  // namespace rs
