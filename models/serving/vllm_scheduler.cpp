// vLLM-style (V1 engine) scheduling: continuous batching with chunked prefill
// under a token budget, a cap on running sequences, paged KV cache, FCFS
// waiting queue, and preemption by recompute of the newest running request
// when a running request cannot get a KV block.
#include <fmt/format.h>

#include "models/serving/scheduler.hpp"
#include "sim/registry.hpp"

namespace rs {
namespace {

class VllmScheduler final : public Scheduler {
 public:
  struct Params {
    int64_t max_num_seqs = 0;
    int64_t max_num_batched_tokens = 0;
  };
  static const Schema<Params>& schema() {
    static const Schema<Params> s = Schema<Params>("vLLM V1 scheduler")
        // Defaults: vLLM's OpenAI server on GPUs with >= 70 GiB (H100 class and up), per
        // vllm/engine/arg_utils.py (default_max_num_seqs / default_max_num_batched_tokens).
        .integer(&Params::max_num_seqs, "max_num_seqs", "1024",
                 "maximum sequences in the running batch (vLLM --max-num-seqs)", 1)
        .integer(&Params::max_num_batched_tokens, "max_num_batched_tokens", "8192",
                 "token budget per step, prefill chunks + decodes (vLLM --max-num-batched-tokens)", 1)
        // vLLM refuses a token budget below the sequence cap (SchedulerConfig._verify_args,
        // vllm/config/scheduler.py: "max_num_batched_tokens (...) must be greater than or equal
        // to max_num_seqs (...)"): every running sequence must be able to decode one token per
        // step, which the coalesced decode steps here also assume.
        .check([](const Params& p, const YAML::Node& n, const Cursor& at) {
          if (p.max_num_batched_tokens >= p.max_num_seqs) return;
          // Point at the key the user wrote (the budget, else the cap that outgrew the default budget).
          const char* key = n.IsMap() && n["max_num_batched_tokens"] ? "max_num_batched_tokens" : "max_num_seqs";
          at.child(key).fail(n.IsMap() ? n[key] : n,
                             fmt::format("max_num_batched_tokens ({}) must be greater than or equal to max_num_seqs "
                                         "({}), as vLLM requires",
                                         p.max_num_batched_tokens, p.max_num_seqs));
        });
    return s;
  }
  VllmScheduler(const Params& p, const Deps& d) : Scheduler(d), p_(p) {}

  Limits limits() const override { return {p_.max_num_seqs, p_.max_num_batched_tokens}; }

  const StepPlan& plan(TimeNs now) override {
    plan_.clear();
    int64_t budget = p_.max_num_batched_tokens;
    // 1. Running requests, oldest first; preempt the newest when KV is short.
    for (std::size_t i = 0; i < running_.size() && budget > 0;) {
      Request* r = running_[i];
      int32_t n = static_cast<int32_t>(std::min<int64_t>(r->remaining(), budget));
      while (!kv_.can_hold(*r, r->computed + n)) {
        Request* victim = running_.back();
        preempt(victim, now);
        plan_.preempted = true;
        if (victim == r) break;
      }
      if (i >= running_.size() || running_[i] != r) break;  // r itself was preempted
      add_item(plan_, r, n);
      budget -= n;
      ++i;
    }
    // 2. Waiting requests in FCFS order, unless this step preempted.
    while (!plan_.preempted && !waiting_.empty() && budget > 0 &&
           static_cast<int64_t>(running_.size()) < p_.max_num_seqs) {
      Request* r = waiting_.front();
      int32_t n = static_cast<int32_t>(std::min<int64_t>(r->remaining(), budget));
      if (!kv_.can_hold(*r, r->computed + n)) break;
      admit(r, now);
      add_item(plan_, r, n);
      budget -= n;
    }
    return plan_;
  }

  int64_t decode_horizon(int64_t limit) const override {
    // Steps until the first completion (a request with k tokens left finishes at step k).
    int64_t horizon = limit;
    for (auto [r, n] : plan_.items) horizon = std::min<int64_t>(horizon, r->output - r->generated);
    // Steps 2..S allocate blocks at block boundaries; stop before KV runs short.
    const int64_t bs = kv_.block_size();
    std::vector<int64_t> residues(static_cast<std::size_t>(bs), 0);
    for (auto [r, n] : plan_.items) residues[static_cast<std::size_t>(r->computed % bs)]++;
    int64_t free = kv_.free();
    for (int64_t j = 2; j <= horizon; ++j) {
      free -= residues[static_cast<std::size_t>(((1 - j) % bs + bs) % bs)];
      if (free < 0) return j - 1;
    }
    return horizon;
  }

 private:
  Params p_;
};

const bool registered = Registry<Scheduler>::add<VllmScheduler>(
    "vllm", "continuous batching, chunked prefill, paged KV, FCFS, preemption by recompute (vLLM V1)");

}  // namespace
}  // namespace rs
