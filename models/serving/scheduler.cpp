#include "models/serving/scheduler.hpp"

#include <algorithm>

namespace rs {

const char* to_string(RequestStatus s) {
  switch (s) {
    case RequestStatus::pending: return "pending";
    case RequestStatus::queued: return "queued";
    case RequestStatus::running: return "running";
    case RequestStatus::finished: return "finished";
    case RequestStatus::rejected: return "rejected";
  }
  return "?";
}

void Scheduler::enqueue(Request* r, TimeNs) {
  r->status = RequestStatus::queued;
  r->replica = replica_;
  waiting_.push_back(r);
  sig_.queued(*r, r->arrival);  // waiting since it arrived, though seen at the next step boundary
}

void Scheduler::admit(Request* r, TimeNs now) {
  waiting_.pop_front();
  running_.push_back(r);
  r->status = RequestStatus::running;
  sig_.scheduled(*r, now);
}

void Scheduler::preempt(Request* r, TimeNs now) {
  auto it = std::find(running_.begin(), running_.end(), r);
  running_.erase(it);
  kv_.release(*r);
  r->computed = 0;  // recompute: prompt + generated tokens are processed again
  r->preemptions++;
  r->status = RequestStatus::queued;
  waiting_.push_front(r);
  sig_.preempted(*r, now);
  sig_.queued(*r, now);
}

void Scheduler::add_item(StepPlan& p, Request* r, int32_t n) {
  kv_.grow(*r, r->computed + n);
  p.items.push_back({r, n});
  if (r->decoding() && n == 1) {
    p.decode_seqs++;
    p.decode_context += r->computed + 1;
  } else {
    p.prefill.push_back({n, r->computed, n == r->remaining()});
    p.prefill_tokens += n;
  }
}

void Scheduler::emit_step(const StepRecord& r) const { sig_.step(r); }

void Scheduler::commit(TimeNs start, TimeNs end, int32_t level) {
  int32_t out = 0, steady = 0;
  int64_t kv_used = kv_.used();
  for (auto [r, n] : plan_.items) {
    r->computed += n;
    if (r->remaining() != 0) continue;  // chunked prefill not finished yet
    r->generated++;
    out++;
    if (r->generated == 1) {
      r->first_token = end;
      sig_.first_token(*r);
    } else if (r->last_token == start) {
      steady++;
    } else {
      sig_.token_gap(end - r->last_token, 1);
    }
    r->last_token = end;
  }
  emit_step(StepRecord{replica_, start, end, static_cast<int32_t>(plan_.items.size()), plan_.prefill_tokens, out, steady,
                       kv_used, plan_.decode_context, plan_.prefill, level});
  retire_finished(end);
}

void Scheduler::retire_finished(TimeNs end) {
  for (auto it = running_.begin(); it != running_.end();) {
    Request* r = *it;
    if (r->generated >= r->output) {
      r->finish = end;
      r->status = RequestStatus::finished;
      kv_.release(*r);
      it = running_.erase(it);
      sig_.finished(*r);
    } else {
      ++it;
    }
  }
}

void Scheduler::commit_decode(std::span<const TimeNs> ends, TimeNs start, std::span<const int32_t> levels) {
  const int32_t n = static_cast<int32_t>(ends.size());
  const int32_t seqs = static_cast<int32_t>(plan_.items.size());
  // Blocks in use during each step: the planned step's, then growth at block boundaries.
  int64_t used = kv_.used();
  const int64_t bs = kv_.block_size();
  std::vector<int32_t> residues(static_cast<std::size_t>(bs), 0);
  for (auto [r, tokens] : plan_.items) residues[static_cast<std::size_t>(r->computed % bs)]++;
  TimeNs prev = start;
  for (int32_t j = 1; j <= n; ++j) {
    // Step j processes each sequence's token number computed+j; it needs a new
    // block when computed+j-1 is a multiple of the block size (j >= 2: step 1's
    // blocks were allocated by plan()).
    if (j >= 2) used += residues[static_cast<std::size_t>(((1 - j) % bs + bs) % bs)];
    const std::size_t k = static_cast<std::size_t>(j - 1);
    emit_step(StepRecord{replica_, prev, ends[k], seqs, 0, seqs, seqs, used,
                         plan_.decode_context + static_cast<int64_t>(j - 1) * plan_.decode_seqs, {},
                         levels.empty() ? 0 : levels[k]});
    prev = ends[j - 1];
  }
  for (auto [r, tokens] : plan_.items) {
    r->computed += n;
    r->generated += n;
    kv_.grow(*r, r->computed);
    r->last_token = ends.back();
  }
  retire_finished(ends.back());
}

}  // namespace rs
