// Mooncake (FAST'25) traces: JSON lines
// {"timestamp": ms, "input_length": n, "output_length": n, "hash_ids": [...]}.
// hash_ids (shared 512-token prefix blocks) are read and validated but not
// used until prefix caching is modelled; the run log says so.
#include <charconv>
#include <limits>

#include "models/workload/line_reader.hpp"
#include "models/workload/trace_readers.hpp"
#include "sim/error.hpp"

namespace rs {
namespace {

constexpr int64_t kMaxTokens = std::numeric_limits<int32_t>::max();  // TraceRow stores int32
constexpr int64_t kMaxTimestampMs = std::numeric_limits<int64_t>::max() / 1'000'000;  // ms -> ns must fit

class MooncakeTrace final : public RequestSource {
 public:
  explicit MooncakeTrace(const std::string& path) : in_(path) {}
  std::string describe() const override { return "Mooncake trace " + in_.path(); }
  std::vector<std::string> unused_columns() const override {
    return {"hash_ids (prefix-cache block ids; prefix caching is not modelled yet)"};
  }

  bool next(TraceRow& row) override {
    do {
      if (!in_.next(line_)) return false;
    } while (line_.find_first_not_of(" \t") == std::string::npos);  // a loop: any number of blank lines
    pos_ = 0;
    int64_t ts = -1, in = -1, out = -1;
    bool seen_ts = false, seen_in = false, seen_out = false, hashes = false;
    expect('{');
    for (bool first = true;; first = false) {
      skip_ws();
      if (peek() == '}') {
        if (first) bad("empty object");
        ++pos_;
        break;
      }
      if (!first) {
        expect(',');
        skip_ws();
      }
      std::string key = parse_string();
      expect(':');
      skip_ws();
      if ((key == "timestamp" && seen_ts) || (key == "input_length" && seen_in) ||
          (key == "output_length" && seen_out) || (key == "hash_ids" && hashes))
        bad("field '" + key + "' given twice");
      if (key == "timestamp") ts = parse_number(key), seen_ts = true;
      else if (key == "input_length") in = parse_number(key), seen_in = true;
      else if (key == "output_length") out = parse_number(key), seen_out = true;
      else if (key == "hash_ids") hashes = (skip_int_array(), true);
      else bad("unknown field '" + key + "' (expected timestamp, input_length, output_length, hash_ids)");
      skip_ws();
      if (peek() == '}') {
        ++pos_;
        break;
      }
    }
    skip_ws();
    if (pos_ != line_.size()) bad("unexpected text after the closing '}'");
    if (!seen_ts) bad("missing 'timestamp'");
    if (ts < 0) bad("'timestamp' must be >= 0");
    if (ts > kMaxTimestampMs) bad("'timestamp' above 2^63 ns (292 years)");
    if (in < 1 || in > kMaxTokens) bad("'input_length' missing, not positive or above 2^31");
    if (out < 1 || out > kMaxTokens) bad("'output_length' missing, not positive or above 2^31");
    TimeNs t = ts * 1'000'000;  // ms -> ns
    if (first_ < 0) first_ = t;
    TimeNs rel = t - first_;
    if (rel < last_) fail(in_.where(), "timestamps must not decrease");
    last_ = rel;
    row = {rel, static_cast<int32_t>(in), static_cast<int32_t>(out)};
    return true;
  }

 private:
  [[noreturn]] void bad(const std::string& why) const {
    fail(in_.where() + ":" + std::to_string(pos_ + 1), why);
  }
  char peek() const { return pos_ < line_.size() ? line_[pos_] : '\0'; }
  void skip_ws() {
    while (pos_ < line_.size() && (line_[pos_] == ' ' || line_[pos_] == '\t')) ++pos_;
  }
  void expect(char c) {
    skip_ws();
    if (peek() != c) bad(std::string("expected '") + c + "'");
    ++pos_;
  }
  std::string parse_string() {
    expect('"');
    auto end = line_.find('"', pos_);
    if (end == std::string::npos) bad("unterminated string");
    std::string s = line_.substr(pos_, end - pos_);
    pos_ = end + 1;
    return s;
  }
  int64_t parse_number(const std::string& key) {
    int64_t v = 0;
    auto [p, ec] = std::from_chars(line_.data() + pos_, line_.data() + line_.size(), v);
    if (ec != std::errc{}) bad("'" + key + "' must be an integer");
    pos_ = static_cast<std::size_t>(p - line_.data());
    return v;
  }
  void skip_int_array() {
    expect('[');
    skip_ws();
    if (peek() == ']') {
      ++pos_;
      return;
    }
    for (;;) {
      skip_ws();
      parse_number("hash_ids");
      skip_ws();
      if (peek() == ']') {
        ++pos_;
        return;
      }
      expect(',');
    }
  }

  LineReader in_;
  std::string line_;
  std::size_t pos_ = 0;
  int64_t first_ = -1;
  TimeNs last_ = 0;
};

}  // namespace

std::unique_ptr<RequestSource> open_mooncake_trace(const std::string& path) {
  return std::make_unique<MooncakeTrace>(path);
}

}  // namespace rs
