#pragma once
// Routes each arriving request to a replica.
#include <cstdint>

#include "models/serving/request.hpp"

namespace rs {

// What a router may look at for each replica.
struct ReplicaLoad {
  int64_t waiting = 0, running = 0, kv_free_blocks = 0;
};

// The loads of all replicas, computed on demand: a router that does not look
// (round robin) costs nothing per replica, and a replica that has not received
// a request yet answers without being created (empty queues, all KV free).
class ReplicaLoads {
 public:
  virtual ~ReplicaLoads() = default;
  virtual int32_t size() const = 0;
  virtual ReplicaLoad at(int32_t replica) const = 0;
};

class Router {
 public:
  struct Deps {
    int32_t replicas;
  };
  virtual ~Router() = default;
  virtual int32_t route(const Request& r, const ReplicaLoads& loads) = 0;
};

}  // namespace rs
