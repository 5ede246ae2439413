#pragma once
// Paged KV cache of one replica: fixed-size blocks of tokens, allocated on
// demand as sequences grow (vLLM's PagedAttention block manager).
#include <cstdint>

#include "models/serving/request.hpp"

namespace rs {

class KvCache {
 public:
  KvCache(int64_t total_blocks, int64_t block_size) : total_(total_blocks), free_(total_blocks), bs_(block_size) {}

  // Sizes the cache once the memory plan is known (nothing allocated yet).
  void reset(int64_t total_blocks) { total_ = free_ = total_blocks; }

  int64_t blocks_for(int64_t tokens) const { return (tokens + bs_ - 1) / bs_; }
  // Extra blocks `r` needs to hold `tokens` tokens.
  int64_t need(const Request& r, int64_t tokens) const {
    int64_t n = blocks_for(tokens) - r.blocks;
    return n > 0 ? n : 0;
  }
  bool can_hold(const Request& r, int64_t tokens) const { return need(r, tokens) <= free_; }
  void grow(Request& r, int64_t tokens) {
    int64_t n = need(r, tokens);
    free_ -= n;
    r.blocks += static_cast<int32_t>(n);
  }
  void release(Request& r) {
    free_ += r.blocks;
    r.blocks = 0;
  }

  int64_t total() const { return total_; }
  int64_t free() const { return free_; }
  int64_t used() const { return total_ - free_; }
  int64_t block_size() const { return bs_; }
  int64_t capacity_tokens() const { return total_ * bs_; }

 private:
  int64_t total_, free_, bs_;
};

}  // namespace rs
