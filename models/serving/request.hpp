#pragma once
// A request's life in a serving replica. Token accounting is uniform for
// prefill, decode and recompute after preemption: before emitting its next
// token a request must have input + generated tokens in the KV cache.
#include <cstdint>

#include "sim/engine.hpp"

namespace rs {

enum class RequestStatus : uint8_t { pending, queued, running, finished, rejected };
const char* to_string(RequestStatus s);

struct Request {
  int64_t id = 0;
  TimeNs arrival = 0;
  int32_t input = 0, output = 0;  // prompt tokens, output tokens to generate

  int32_t computed = 0;   // tokens whose KV is in the cache
  int32_t generated = 0;  // output tokens emitted so far
  int32_t blocks = 0;     // KV blocks held
  int32_t preemptions = 0;
  int32_t replica = -1;
  TimeNs first_token = -1, finish = -1, last_token = -1;
  RequestStatus status = RequestStatus::pending;

  // Tokens still to process before the next token can be emitted (1 when decoding).
  int32_t remaining() const { return input + generated - computed; }
  bool decoding() const { return generated > 0 && remaining() == 1; }
};

}  // namespace rs
