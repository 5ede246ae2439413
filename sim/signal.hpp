#pragma once
// A typed signal: the core emits, observers (metrics, power, CSV writers)
// subscribe. The emitter never knows who listens.
#include <functional>
#include <vector>

namespace rs {

template <class... Args>
class Signal {
 public:
  using Slot = std::function<void(Args...)>;
  void connect(Slot s) { slots_.push_back(std::move(s)); }
  void operator()(Args... args) const {
    for (const auto& s : slots_) s(args...);
  }
  bool empty() const { return slots_.empty(); }

 private:
  std::vector<Slot> slots_;
};

}  // namespace rs
