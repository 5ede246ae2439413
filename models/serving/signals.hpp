#pragma once
// What a serving simulation announces. Metrics, timelines, power and cost
// models subscribe; the serving code never calls them by name.
#include <span>

#include "models/perf/iteration_model.hpp"
#include "models/serving/request.hpp"
#include "sim/signal.hpp"

namespace rs {

// One engine step of one replica.
struct StepRecord {
  int32_t replica = 0;
  TimeNs start = 0, end = 0;
  int32_t seqs = 0;            // sequences in the batch
  int32_t prefill_tokens = 0;  // prompt (or recompute) tokens processed
  int32_t tokens_out = 0;      // output tokens emitted at the end of the step
  int32_t steady_gaps = 0;     // of those, tokens whose gap since the previous one is end - start
  int64_t kv_used_blocks = 0;  // during the step
  // Shape of the step (for power and cost observers): decode sequences' summed
  // context, and the prefill chunks (valid only during the signal).
  int64_t decode_context = 0;
  std::span<const PrefillChunk> prefill;
  int32_t clock_level = 0;  // DVFS level the step ran at (0 = full clock; see ClockGovernor)
};

struct ServingSignals {
  Signal<const Request&> arrived;
  Signal<const Request&> rejected;
  Signal<const Request&, TimeNs> queued;     // enters a replica's waiting queue (arrival or preemption)
  Signal<const Request&, TimeNs> scheduled;  // leaves the waiting queue into the running batch
  Signal<const Request&, TimeNs> preempted;  // leaves the running batch (KV full)
  Signal<const Request&> first_token;
  Signal<const Request&> finished;
  Signal<TimeNs, int64_t> token_gap;  // an inter-token gap other than a steady one (gap, count)
  Signal<const StepRecord&> step;
};

}  // namespace rs
