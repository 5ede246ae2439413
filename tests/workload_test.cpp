#include <doctest/doctest.h>

#include "models/workload/synthetic.hpp"
#include "models/workload/trace_readers.hpp"
#include "sim/error.hpp"

using namespace rs;

TEST_CASE("the bundled Azure conversation trace reads whole, relative to its first row") {
  auto src = open_trace("azure-conv", "auto", "test");
  TraceRow r;
  REQUIRE(src->next(r));
  CHECK(r.arrival == 0);
  CHECK(r.input == 374);
  CHECK(r.output == 44);
  REQUIRE(src->next(r));
  CHECK(r.arrival == 4'314'579'000);  // 18:15:50.9951690 - 18:15:46.6805900
  CHECK(r.input == 396);
  int64_t n = 2;
  while (src->next(r)) ++n;
  CHECK(n == 19366);
}

TEST_CASE("Mooncake trace: ms timestamps, hash_ids reported as unused") {
  auto src = open_trace("mooncake-conversation", "auto", "test");
  TraceRow r;
  REQUIRE(src->next(r));
  CHECK(r.input == 6758);
  CHECK(r.output == 500);
  CHECK(src->unused_columns().size() == 1);
  int64_t n = 1;
  while (src->next(r)) ++n;
  CHECK(n == 12031);
}

TEST_CASE("malformed and unordered rows are reported with file:line") {
  auto bad = open_trace(RS_TEST_DATA "/bad_azure.csv", "auto", "test");
  TraceRow r;
  REQUIRE(bad->next(r));
  CHECK_THROWS_WITH_AS(bad->next(r),
                       RS_TEST_DATA "/bad_azure.csv:3: ContextTokens must be a positive integer: "
                                    "'2023-11-16 18:15:50.9951690,39x,109'",
                       InputError);
  auto unsorted = open_trace(RS_TEST_DATA "/unsorted_mooncake.jsonl", "auto", "test");
  REQUIRE(unsorted->next(r));
  REQUIRE(unsorted->next(r));
  CHECK(r.arrival == 1'000'000'000);
  CHECK_THROWS_WITH_AS(unsorted->next(r), RS_TEST_DATA "/unsorted_mooncake.jsonl:3: timestamps must not decrease",
                       InputError);
  CHECK_THROWS_WITH_AS(open_trace("azure-cnv", "auto", "w"),
                       "w: unknown trace 'azure-cnv' (bundled: azure-conv, azure-code, mooncake-conversation, "
                       "mooncake-synthetic, or give a file path); did you mean 'azure-conv'?",
                       InputError);
  CHECK_THROWS_WITH_AS(open_trace("/nonexistent/t.csv", "auto", "w"), "w: trace file '/nonexistent/t.csv' not found",
                       InputError);
}

TEST_CASE("synthetic workloads: offline, fixed rate, Poisson, deterministic by seed") {
  SyntheticParams p{5, 0, "poisson", "fixed", 128, 64, 0.5};
  auto offline = make_synthetic(p, 1);
  TraceRow r;
  int n = 0;
  while (offline->next(r)) {
    CHECK(r.arrival == 0);
    CHECK(r.input == 128);
    ++n;
  }
  CHECK(n == 5);
  p.rate = 4;
  p.arrival = "fixed";
  auto fixed = make_synthetic(p, 1);
  std::vector<TimeNs> t;
  while (fixed->next(r)) t.push_back(r.arrival);
  CHECK(t == std::vector<TimeNs>{0, 250'000'000, 500'000'000, 750'000'000, 1'000'000'000});
  p.arrival = "poisson";
  p.lengths = "lognormal";
  p.requests = 20000;
  auto a = make_synthetic(p, 7), b = make_synthetic(p, 7);
  TraceRow ra, rb;
  double sum_in = 0;
  while (a->next(ra)) {
    REQUIRE(b->next(rb));
    CHECK(ra.arrival == rb.arrival);
    sum_in += ra.input;
  }
  CHECK(sum_in / 20000 == doctest::Approx(128).epsilon(0.03));
  CHECK(ra.arrival * 1e-9 == doctest::Approx(20000 / 4.0).epsilon(0.03));
}

TEST_CASE("rate_scale compresses time; max_requests stops the stream") {
  SyntheticParams p{100, 2, "fixed", "fixed", 10, 10, 0};
  ScaledSource s(make_synthetic(p, 1), 4, 3);
  TraceRow r;
  std::vector<TimeNs> t;
  while (s.next(r)) t.push_back(r.arrival);
  CHECK(t == std::vector<TimeNs>{0, 125'000'000, 250'000'000});
}

TEST_CASE("the trace catalog knows each bundled trace's size") {
  for (const auto& t : bundled_traces()) {
    auto src = open_trace(t.name, "auto", "test");
    TraceRow r;
    int64_t n = 0;
    while (src->next(r)) ++n;
    CHECK_MESSAGE(n == t.requests, t.name);
  }
}
