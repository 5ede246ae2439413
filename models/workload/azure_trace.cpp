// Azure LLM inference trace 2023 (Splitwise): CSV with a header
// TIMESTAMP,ContextTokens,GeneratedTokens; TIMESTAMP like
// "2023-11-16 18:15:46.6805900" (wall clock, 7 fractional digits).
#include <charconv>
#include <fmt/format.h>
#include <limits>

#include "models/workload/line_reader.hpp"
#include "models/workload/trace_readers.hpp"
#include "sim/error.hpp"

namespace rs {
namespace {

// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
int64_t days_from_civil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

// Digits only (no sign): every field of the trace is a non-negative count or date part.
bool parse_int(std::string_view s, int64_t& v) {
  if (s.empty() || s.front() < '0' || s.front() > '9') return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc{} && p == s.data() + s.size();
}

// Token counts are stored as int32 (TraceRow).
constexpr int64_t kMaxTokens = std::numeric_limits<int32_t>::max();

class AzureTrace final : public RequestSource {
 public:
  explicit AzureTrace(const std::string& path) : in_(path) {
    std::string header;
    if (!in_.next(header)) fail(in_.where(), "empty trace file");
    if (header.rfind("TIMESTAMP,ContextTokens,GeneratedTokens", 0) != 0)
      fail(in_.where(), "expected the Azure header 'TIMESTAMP,ContextTokens,GeneratedTokens', got '" + header + "'");
  }
  std::string describe() const override { return "Azure LLM trace " + in_.path(); }

  bool next(TraceRow& row) override {
    do {
      if (!in_.next(line_)) return false;
    } while (line_.empty());  // a loop, not recursion: any number of blank lines
    std::string_view s(line_);
    auto c1 = s.find(','), c2 = s.find(',', c1 + 1);
    if (c1 == std::string_view::npos || c2 == std::string_view::npos || s.find(',', c2 + 1) != std::string_view::npos)
      bad("expected 3 comma-separated columns");
    int64_t t = parse_time(s.substr(0, c1));
    int64_t in = 0, out = 0;
    if (!parse_int(s.substr(c1 + 1, c2 - c1 - 1), in) || in < 1) bad("ContextTokens must be a positive integer");
    if (!parse_int(s.substr(c2 + 1), out) || out < 1) bad("GeneratedTokens must be a positive integer");
    if (in > kMaxTokens || out > kMaxTokens) bad("token counts must be below 2^31");
    if (first_ < 0) first_ = t;
    TimeNs rel = t - first_;
    if (rel < last_) bad("timestamps must not decrease");
    last_ = rel;
    row = {rel, static_cast<int32_t>(in), static_cast<int32_t>(out)};
    return true;
  }

 private:
  [[noreturn]] void bad(const std::string& why) const { fail(in_.where(), why + ": '" + line_ + "'"); }

  // "YYYY-MM-DD HH:MM:SS[.fffffff]" -> ns since the epoch.
  int64_t parse_time(std::string_view s) const {
    int64_t y, mo, d, h, mi, se;
    if (s.size() < 19 || s[4] != '-' || s[7] != '-' || s[10] != ' ' || s[13] != ':' || s[16] != ':' ||
        !parse_int(s.substr(0, 4), y) || !parse_int(s.substr(5, 2), mo) || !parse_int(s.substr(8, 2), d) ||
        !parse_int(s.substr(11, 2), h) || !parse_int(s.substr(14, 2), mi) || !parse_int(s.substr(17, 2), se))
      bad("TIMESTAMP must look like 2023-11-16 18:15:46.6805900");
    // Nanoseconds since 1970 fit in int64 until 2262; the calendar fields must be real.
    if (y < 1970 || y > 2200 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60)
      bad("TIMESTAMP out of range (a date from 1970 to 2200, a time of day up to 23:59:60)");
    int64_t frac_ns = 0;
    if (s.size() > 19) {
      if (s[19] != '.' || s.size() > 29) bad("TIMESTAMP fraction must be '.' and up to 9 digits");
      std::string_view f = s.substr(20);
      if (!parse_int(f, frac_ns)) bad("TIMESTAMP fraction is not a number");
      for (std::size_t i = f.size(); i < 9; ++i) frac_ns *= 10;
    }
    int64_t secs = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se;
    return secs * 1'000'000'000 + frac_ns;
  }

  LineReader in_;
  std::string line_;
  int64_t first_ = -1;
  TimeNs last_ = 0;
};

}  // namespace

std::unique_ptr<RequestSource> open_azure_trace(const std::string& path) { return std::make_unique<AzureTrace>(path); }

}  // namespace rs
