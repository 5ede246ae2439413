// The serving cluster's event calendar: per-request times worked out by hand
// from the iteration model's step times, the cost following the work (a
// million replicas with a few requests create only those few), coalesced
// decode windows equal to stepping, and the SimGrid actor equal to the
// standalone loop.
#include <doctest/doctest.h>

#include <cmath>
#include <simgrid/s4u.hpp>

#include "fork_helper.hpp"
#include "models/serving/cluster.hpp"
#include "sim/registry.hpp"

using namespace rs;

namespace {

class RowsSource final : public RequestSource {
 public:
  explicit RowsSource(std::vector<TraceRow> rows) : rows_(std::move(rows)) {}
  bool next(TraceRow& row) override {
    if (i_ >= rows_.size()) return false;
    row = rows_[i_++];
    return true;
  }
  std::string describe() const override { return "test rows"; }

 private:
  std::vector<TraceRow> rows_;
  std::size_t i_ = 0;
};

struct Model {
  GpuSpec gpu = load_gpu("h100");
  LlmSpec llm = load_llm("llama-3.1-8b");
  Calibration cal = load_calibration("default");
  IterationModel m{PerfConfig{llm, gpu, cal, Precision::bf16, Precision::bf16, 1}, "test"};
};

struct Outcome {
  std::deque<Request> reqs;
  int64_t replicas_used = 0, peak_active = 0;
};

ServingCluster make_cluster(const Model& model, int64_t replicas, bool coalesce, int64_t kv_blocks,
                            RequestSource& src, ServingSignals& sig, simgrid::s4u::Host* host = nullptr) {
  ClusterConfig cc;
  cc.replicas = replicas;
  cc.host = host;
  cc.coalesce = coalesce;
  cc.max_request_tokens = 1 << 20;
  cc.kv_capacity_tokens = kv_blocks * 16;
  YAML::Node p(YAML::NodeType::Map);
  p["max_num_seqs"] = 64;
  p["max_num_batched_tokens"] = 512;
  auto make_sched = [p](const Scheduler::Deps& d) {
    return Registry<Scheduler>::get("vllm", "", "scheduler").make(p, {}, d);
  };
  YAML::Node none(YAML::NodeType::Map);
  auto router = Registry<Router>::get("round-robin", "", "router").make(none, {}, {static_cast<int32_t>(replicas)});
  return ServingCluster(cc, make_sched, std::move(router), model.m, kv_blocks, 16, src, sig);
}

Outcome run(const Model& model, int64_t replicas, const std::vector<TraceRow>& rows, bool coalesce = true,
            int64_t kv_blocks = 100000) {
  RowsSource src(rows);
  ServingSignals sig;
  ServingCluster c = make_cluster(model, replicas, coalesce, kv_blocks, src, sig);
  c.run_standalone();
  return {c.requests(), c.replicas_used(), c.peak_active()};
}

// A request alone on an idle replica (prompt within the token budget): one
// prefill step, then one decode step per further token, step j attending
// input + j tokens.
TimeNs alone_first_token(const IterationModel& m, int32_t input) {
  PrefillChunk c{input, 0, true};
  return m.step_ns(BatchShape{0, 0, {&c, 1}});
}
TimeNs alone_decode(const IterationModel& m, int32_t input, int32_t output) {
  TimeNs t = 0;
  for (int32_t j = 1; j < output; ++j) t += m.decode_ns(1, input + j);
  return t;
}

std::vector<TraceRow> poisson_rows(int n, double rate, uint64_t seed) {
  std::vector<TraceRow> rows;
  uint64_t x = seed;
  auto uniform = [&x] {  // splitmix64
    x += 0x9e3779b97f4a7c15ULL;
    uint64_t z = x;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return static_cast<double>((z ^ (z >> 31)) >> 11) * 0x1.0p-53;
  };
  double t = 0;
  for (int i = 0; i < n; ++i) {
    t += -std::log(1 - uniform()) / rate;
    rows.push_back({s_to_ns(t), 50 + static_cast<int32_t>(uniform() * 900), 2 + static_cast<int32_t>(uniform() * 300)});
  }
  return rows;
}

}  // namespace

TEST_CASE("a request alone on an idle replica takes one prefill step, then one decode step per token") {
  Model model;
  const TimeNs arrival = 1'500'000'000;
  Outcome o = run(model, 1, {{arrival, 100, 4}});
  REQUIRE(o.reqs.size() == 1);
  const Request& r = o.reqs[0];
  CHECK(r.status == RequestStatus::finished);
  const TimeNs ttft = alone_first_token(model.m, 100);
  CHECK(ttft > 0);
  CHECK(r.first_token == arrival + ttft);
  CHECK(r.finish == arrival + ttft + model.m.decode_ns(1, 101) + model.m.decode_ns(1, 102) + model.m.decode_ns(1, 103));
}

TEST_CASE("a million replicas with a few requests create only the replicas that get one") {
  Model model;
  std::vector<TraceRow> rows;
  for (int i = 0; i < 5; ++i) rows.push_back({i * 1'000'000LL, 200 + 10 * i, 3 + i});
  Outcome o = run(model, 1'000'000, rows);
  CHECK(o.replicas_used == 5);
  REQUIRE(o.reqs.size() == 5);
  for (int i = 0; i < 5; ++i) {
    const Request& r = o.reqs[static_cast<std::size_t>(i)];
    CAPTURE(i);
    CHECK(r.replica == i);  // round robin
    CHECK(r.first_token == rows[static_cast<std::size_t>(i)].arrival + alone_first_token(model.m, r.input));
    CHECK(r.finish == r.first_token + alone_decode(model.m, r.input, r.output));
  }
}

TEST_CASE("a replica with nothing left to do is released and created afresh by its next request") {
  Model model;
  // One replica, requests 10 s apart (each done long before the next): the same times as alone each time.
  std::vector<TraceRow> rows;
  for (int i = 0; i < 4; ++i) rows.push_back({i * 10'000'000'000LL, 300, 20});
  Outcome o = run(model, 1, rows);
  CHECK(o.replicas_used == 1);
  CHECK(o.peak_active == 1);
  for (const Request& r : o.reqs) {
    CAPTURE(r.id);
    CHECK(r.first_token == r.arrival + alone_first_token(model.m, 300));
    CHECK(r.finish == r.first_token + alone_decode(model.m, 300, 20));
  }
  // 40 replicas in turn, never two busy at once.
  rows.clear();
  for (int i = 0; i < 40; ++i) rows.push_back({i * 10'000'000'000LL, 300, 20});
  o = run(model, 100, rows);
  CHECK(o.replicas_used == 40);
  CHECK(o.peak_active == 1);
  CHECK(o.reqs.back().finish == o.reqs.back().arrival + alone_first_token(model.m, 300) + alone_decode(model.m, 300, 20));
}

TEST_CASE("replicas created never exceed the requests routed, nor the replicas there are") {
  Model model;
  auto rows = poisson_rows(40, 20, 7);
  CHECK(run(model, 1000, rows).replicas_used == 40);
  CHECK(run(model, 3, rows).replicas_used == 3);
}

TEST_CASE("coalesced decode windows give the same request times as stepping, with arrivals and preemptions") {
  Model model;
  auto rows = poisson_rows(120, 40, 11);
  for (int64_t kv_blocks : {100000, 120}) {  // 120 blocks of 16: preemptions
    CAPTURE(kv_blocks);
    Outcome a = run(model, 3, rows, true, kv_blocks), b = run(model, 3, rows, false, kv_blocks);
    REQUIRE(a.reqs.size() == rows.size());
    int64_t preemptions = 0;
    for (std::size_t i = 0; i < rows.size(); ++i) {
      CAPTURE(i);
      CHECK(a.reqs[i].status == b.reqs[i].status);
      CHECK(a.reqs[i].first_token == b.reqs[i].first_token);
      CHECK(a.reqs[i].finish == b.reqs[i].finish);
      CHECK(a.reqs[i].preemptions == b.reqs[i].preemptions);
      preemptions += a.reqs[i].preemptions;
    }
    if (kv_blocks == 120) CHECK(preemptions > 0);  // the case is exercised
  }
}

TEST_CASE("the SimGrid actor gives the same request times as the standalone loop") {
  Model model;
  auto rows = poisson_rows(60, 30, 3);
  Outcome alone = run(model, 4, rows);
  std::vector<double> got = in_child([&] {
    Engine engine;
    RowsSource src(rows);
    ServingSignals sig;
    ServingCluster c = make_cluster(model, 4, true, 100000, src, sig, engine.single_host("serving"));
    c.start();
    engine.run();
    std::vector<double> out;
    for (const Request& r : c.requests()) {
      out.push_back(static_cast<double>(r.first_token));
      out.push_back(static_cast<double>(r.finish));
    }
    out.push_back(simgrid::s4u::Engine::get_clock());
    return out;
  });
  REQUIRE(got.size() == 2 * rows.size() + 1);
  TimeNs last = 0;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    CAPTURE(i);
    CHECK(got[2 * i] == static_cast<double>(alone.reqs[i].first_token));
    CHECK(got[2 * i + 1] == static_cast<double>(alone.reqs[i].finish));
    last = std::max(last, alone.reqs[i].finish);
  }
  CHECK(got.back() == doctest::Approx(ns_to_s(last)).epsilon(1e-12));  // the actor slept to the last event
}

namespace {
// A load-aware router for the test: the replica with the fewest waiting + running
// requests (lowest id on ties); records what it saw.
class LeastLoaded final : public Router {
 public:
  explicit LeastLoaded(std::vector<ReplicaLoad>* seen) : seen_(seen) {}
  int32_t route(const Request&, const ReplicaLoads& loads) override {
    int32_t best = 0;
    int64_t best_load = INT64_MAX;
    for (int32_t i = 0; i < loads.size(); ++i) {
      const ReplicaLoad l = loads.at(i);
      seen_->push_back(l);
      if (l.waiting + l.running < best_load) best = i, best_load = l.waiting + l.running;
    }
    return best;
  }

 private:
  std::vector<ReplicaLoad>* seen_;
};
}  // namespace

TEST_CASE("a load-aware router sees replicas without work as empty, without creating them") {
  Model model;
  // Three requests at the same instant on 8 replicas, each long enough to overlap.
  std::vector<TraceRow> rows = {{0, 500, 50}, {0, 500, 50}, {0, 500, 50}};
  RowsSource src(rows);
  ServingSignals sig;
  ClusterConfig cc;
  cc.replicas = 8;
  cc.max_request_tokens = 1 << 20;
  cc.kv_capacity_tokens = 1000 * 16;
  YAML::Node p(YAML::NodeType::Map);
  auto make_sched = [p](const Scheduler::Deps& d) {
    return Registry<Scheduler>::get("vllm", "", "scheduler").make(p, {}, d);
  };
  std::vector<ReplicaLoad> seen;
  ServingCluster c(cc, make_sched, std::make_unique<LeastLoaded>(&seen), model.m, 1000, 16, src, sig);
  c.run_standalone();
  REQUIRE(seen.size() == 24);  // 3 arrivals x 8 replicas asked
  // First arrival: all 8 empty with every KV block free; second: replica 0 holds one request (not yet
  // enqueued: it arrived at this instant), the 7 others empty; the router spread them over 0, 1, 2.
  for (int i = 0; i < 8; ++i) {
    CAPTURE(i);
    CHECK(seen[static_cast<std::size_t>(i)].waiting == 0);
    CHECK(seen[static_cast<std::size_t>(i)].kv_free_blocks == 1000);
  }
  CHECK(seen[8].waiting == 1);
  CHECK(seen[9].waiting == 0);
  CHECK(c.requests()[0].replica == 0);
  CHECK(c.requests()[1].replica == 1);
  CHECK(c.requests()[2].replica == 2);
  CHECK(c.replicas_used() == 3);  // asking for loads created nothing
}
