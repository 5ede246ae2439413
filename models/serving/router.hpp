#pragma once
// Routes each arriving request to a replica.
#include <cstdint>
#include <span>

#include "models/serving/request.hpp"

namespace rs {

// What a router may look at for each replica.
struct ReplicaLoad {
  int64_t waiting = 0, running = 0, kv_free_blocks = 0;
};

class Router {
 public:
  struct Deps {
    int32_t replicas;
  };
  virtual ~Router() = default;
  virtual int32_t route(const Request& r, std::span<const ReplicaLoad> loads) = 0;
};

}  // namespace rs
