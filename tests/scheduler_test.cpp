#include <doctest/doctest.h>

#include "models/serving/scheduler.hpp"
#include "sim/registry.hpp"

using namespace rs;

namespace {
std::unique_ptr<Scheduler> vllm(KvCache& kv, const ServingSignals& sig, int64_t seqs, int64_t tokens) {
  YAML::Node p(YAML::NodeType::Map);
  p["max_num_seqs"] = seqs;
  p["max_num_batched_tokens"] = tokens;
  return Registry<Scheduler>::get("vllm", "", "scheduler").make(p, {}, {&kv, &sig, 0});
}
Request req(int64_t id, int32_t in, int32_t out) {
  Request r;
  r.id = id;
  r.input = in;
  r.output = out;
  return r;
}
}  // namespace

TEST_CASE("chunked prefill splits a long prompt by the token budget, then decodes") {
  KvCache kv(1000, 16);
  ServingSignals sig;
  int first = 0, finished = 0;
  sig.first_token.connect([&](const Request&) { ++first; });
  sig.finished.connect([&](const Request&) { ++finished; });
  auto s = vllm(kv, sig, 8, 100);
  Request r = req(0, 250, 3);
  s->enqueue(&r, 0);
  std::vector<int32_t> chunks;
  TimeNs t = 0;
  while (!s->idle()) {
    const StepPlan& p = s->plan(t);
    REQUIRE(p.items.size() == 1);
    chunks.push_back(p.items[0].tokens);
    s->commit(t, t + 10);
    t += 10;
  }
  CHECK(chunks == std::vector<int32_t>{100, 100, 50, 1, 1});
  CHECK(r.first_token == 30);
  CHECK(r.finish == 50);
  CHECK(first == 1);
  CHECK(finished == 1);
  CHECK(kv.free() == 1000);  // all blocks back
}

TEST_CASE("when KV runs out the newest running request is preempted and recomputed") {
  KvCache kv(4, 16);  // 64 tokens in all
  ServingSignals sig;
  auto s = vllm(kv, sig, 8, 1000);
  Request a = req(0, 16, 20), b = req(1, 16, 20);
  s->enqueue(&a, 0);
  s->enqueue(&b, 0);
  TimeNs t = 0;
  int steps = 0;
  while (!s->idle() && steps < 1000) {
    s->plan(t);
    s->commit(t, t + 1);
    ++t, ++steps;
  }
  CHECK(a.status == RequestStatus::finished);
  CHECK(b.status == RequestStatus::finished);
  CHECK(a.preemptions == 0);
  CHECK(b.preemptions >= 1);  // 2 x 36 tokens do not fit in 64
  CHECK(b.generated == 20);
  CHECK(kv.free() == 4);
}

TEST_CASE("a decode window equals the same number of single steps") {
  auto run = [](bool window) {
    KvCache kv(200, 16);
    ServingSignals sig;
    std::vector<int64_t> kv_used;
    sig.step.connect([&](const StepRecord& r) { kv_used.push_back(r.kv_used_blocks); });
    auto s = vllm(kv, sig, 8, 1000);
    std::vector<Request> rs{req(0, 30, 40), req(1, 7, 25), req(2, 15, 60)};
    for (auto& r : rs) s->enqueue(&r, 0);
    TimeNs t = 0;
    while (!s->idle()) {
      const StepPlan& p = s->plan(t);
      if (window && p.decode_only() && !p.preempted) {
        int64_t n = s->decode_horizon(1000);
        std::vector<TimeNs> ends;
        for (int64_t j = 1; j <= n; ++j) ends.push_back(t + 10 * j);
        s->commit_decode(ends, t);
        t = ends.back();
      } else {
        s->commit(t, t + 10);
        t += 10;
      }
    }
    std::vector<TimeNs> out;
    for (auto& r : rs) out.insert(out.end(), {r.first_token, r.finish, r.last_token});
    out.push_back(kv.free());
    out.insert(out.end(), kv_used.begin(), kv_used.end());
    return out;
  };
  CHECK(run(true) == run(false));
}
