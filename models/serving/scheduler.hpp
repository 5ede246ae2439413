#pragma once
// A replica's scheduler: decides each engine step which requests run and how
// many tokens each processes. The base class keeps the request bookkeeping
// (queues, KV blocks, token emission, signals) shared by every policy; a
// policy implements plan() and decode_horizon().
#include <deque>
#include <span>
#include <vector>

#include "models/perf/iteration_model.hpp"
#include "models/serving/kv_cache.hpp"
#include "models/serving/signals.hpp"

namespace rs {

struct StepItem {
  Request* req;
  int32_t tokens;
};

struct StepPlan {
  std::vector<StepItem> items;
  std::vector<PrefillChunk> prefill;  // shape for the iteration model
  int64_t decode_seqs = 0, decode_context = 0;
  int32_t prefill_tokens = 0;
  bool preempted = false;
  bool decode_only() const { return prefill.empty() && decode_seqs > 0; }
  BatchShape shape() const { return {decode_seqs, decode_context, prefill}; }
  void clear() {
    items.clear();
    prefill.clear();
    decode_seqs = decode_context = 0;
    prefill_tokens = 0;
    preempted = false;
  }
};

class Scheduler {
 public:
  struct Deps {
    KvCache* kv;
    const ServingSignals* signals;
    int32_t replica;
  };
  explicit Scheduler(const Deps& d) : kv_(*d.kv), sig_(*d.signals), replica_(d.replica) {}
  virtual ~Scheduler() = default;

  void enqueue(Request* r, TimeNs now);
  bool idle() const { return running_.empty() && waiting_.empty(); }

  // Engine limits the memory plan and iteration model need.
  struct Limits {
    int64_t max_seqs, token_budget;
  };
  virtual Limits limits() const = 0;

  // Plans the next step at time `now` (allocating its KV blocks, preempting if needed).
  virtual const StepPlan& plan(TimeNs now) = 0;
  // After a decode-only plan without preemption: how many consecutive steps,
  // starting with the planned one, are guaranteed to be the same decode-only
  // batch (no completion before the last, KV blocks suffice, nobody admitted).
  virtual int64_t decode_horizon(int64_t limit) const = 0;

  // Applies the planned step, which ended at `end` after starting at `start`.
  // `level`: the DVFS clock level it ran at (reported in the step signal).
  void commit(TimeNs start, TimeNs end, int32_t level = 0);
  // Applies n decode-only steps of the planned batch; ends[j] is step j's end;
  // levels[j] its clock level (empty: all 0).
  void commit_decode(std::span<const TimeNs> ends, TimeNs start, std::span<const int32_t> levels = {});

  std::size_t running() const { return running_.size(); }
  std::size_t waiting() const { return waiting_.size(); }
  const KvCache& kv() const { return kv_; }

 protected:
  void admit(Request* r, TimeNs now);    // waiting front -> running
  void preempt(Request* r, TimeNs now);  // running -> waiting front (recompute later)
  void add_item(StepPlan& p, Request* r, int32_t n);
  void retire_finished(TimeNs end);  // completions leave the batch
  void emit_step(const StepRecord& r) const;

  KvCache& kv_;
  const ServingSignals& sig_;
  int32_t replica_;
  std::deque<Request*> running_, waiting_;
  StepPlan plan_;
};

}  // namespace rs
