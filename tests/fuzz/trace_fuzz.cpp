// The Azure and Mooncake trace readers. Property: every row they return has
// a non-negative, non-decreasing arrival time and positive token counts.
#include <memory>
#include <stdexcept>

#include "models/workload/trace_readers.hpp"
#include "tests/fuzz/fuzz_target.hpp"

namespace {

void read_all(std::unique_ptr<rs::RequestSource> src) {
  rs::TraceRow row;
  rs::TimeNs last = 0;
  while (src->next(row)) {
    if (row.arrival < last) throw std::logic_error("trace reader returned a decreasing arrival time");
    if (row.input < 1 || row.output < 1) throw std::logic_error("trace reader returned a non-positive token count");
    last = row.arrival;
  }
}

void fuzz_azure(std::string_view input) { read_all(rs::open_azure_trace(rs::fuzz::scratch_file(input, ".csv"))); }
void fuzz_mooncake(std::string_view input) {
  read_all(rs::open_mooncake_trace(rs::fuzz::scratch_file(input, ".jsonl")));
}

const bool registered = rs::fuzz::add("azure", fuzz_azure) && rs::fuzz::add("mooncake", fuzz_mooncake);

}  // namespace
