#pragma once
// DVFS hook of the serving core. A replica asks its governor how long a step
// takes at the clock its power limits allow. The answer must be a pure
// function of (replica, shape, start time, what the governor saw of steps that
// started in earlier control intervals), and constant within a control
// interval, so that coalesced decode windows (cut at interval boundaries)
// give exactly the same steps as stepping one at a time. Without a governor
// every step runs at full clock (level 0) on the replica's iteration model.
#include <cstdint>

#include "models/perf/iteration_model.hpp"

namespace rs {

struct StepTiming {
  TimeNs ns = 0;
  int32_t level = 0;
};

class ClockGovernor {
 public:
  virtual ~ClockGovernor() = default;
  virtual StepTiming step(int32_t replica, const BatchShape& b, TimeNs start) = 0;
  virtual StepTiming decode(int32_t replica, int64_t seqs, int64_t context, TimeNs start) = 0;
  // First control-interval boundary strictly after t (kNever if none).
  virtual TimeNs next_boundary(TimeNs t) const = 0;
};

}  // namespace rs
