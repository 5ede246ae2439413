#pragma once
// The cost model's scenario parameters (`cost:` in a scenario, USD) and their
// schema. The scenario composes this section; nothing here knows the scenario.
#include "sim/params.hpp"

namespace rs {

struct CostParams {
  double electricity = 0, gpu_hour = 0, gpu_price = 0, network_fraction = 0, facility_per_mw = 0, colocation = 0,
         it_years = 0, facility_years = 0, staff_fraction = 0, interest_rate = 0;

  static const Schema<CostParams>& schema();
};

}  // namespace rs
