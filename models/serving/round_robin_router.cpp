// Round robin: replica i, i+1, ... regardless of load.
#include "models/serving/router.hpp"
#include "sim/registry.hpp"

namespace rs {
namespace {

class RoundRobinRouter final : public Router {
 public:
  struct Params {};
  static const Schema<Params>& schema() {
    static const Schema<Params> s("round robin (no parameters)");
    return s;
  }
  RoundRobinRouter(const Params&, const Deps& d) : n_(d.replicas) {}
  int32_t route(const Request&, const ReplicaLoads&) override {
    int32_t r = next_;
    next_ = (next_ + 1) % n_;
    return r;
  }

 private:
  int32_t n_, next_ = 0;
};

const bool registered = Registry<Router>::add<RoundRobinRouter>("round-robin", "each request to the next replica in turn");

}  // namespace
}  // namespace rs
