#include "models/serving/cluster.hpp"

#include <algorithm>
#include <simgrid/s4u.hpp>
#include <stdexcept>

namespace sg4 = simgrid::s4u;

namespace rs {

// Loads as the router sees them: replicas not created yet are empty.
class ServingCluster::Loads final : public ReplicaLoads {
 public:
  explicit Loads(const ServingCluster& c) : c_(c) {}
  int32_t size() const override { return static_cast<int32_t>(c_.cfg_.replicas); }
  ReplicaLoad at(int32_t i) const override {
    auto it = c_.replicas_.find(i);
    return it != c_.replicas_.end() ? it->second->load() : ReplicaLoad{0, 0, c_.rcfg_.kv_blocks};
  }

 private:
  const ServingCluster& c_;
};

ServingCluster::ServingCluster(ClusterConfig cfg, SchedulerFactory make_scheduler, std::unique_ptr<Router> router,
                               const IterationModel& model, int64_t kv_blocks, int64_t block_size,
                               RequestSource& source, const ServingSignals& signals)
    : cfg_(std::move(cfg)),
      router_(std::move(router)),
      loads_(std::make_unique<Loads>(*this)),
      source_(source),
      sig_(signals) {
  if (cfg_.replicas < 1 || cfg_.replicas > kMaxReplicas) throw std::logic_error("replica count out of range");
  rcfg_.model = &model;
  rcfg_.signals = &sig_;
  rcfg_.kv_blocks = kv_blocks;
  rcfg_.block_size = block_size;
  rcfg_.coalesce = cfg_.coalesce;
  rcfg_.max_window = cfg_.max_window;
  rcfg_.governor = cfg_.governor;
  rcfg_.stop_at = cfg_.stop_at;
  rcfg_.make_scheduler = std::move(make_scheduler);
}

ServingCluster::~ServingCluster() = default;

bool ServingCluster::admissible(const Request& r) const {
  int64_t tokens = static_cast<int64_t>(r.input) + r.output;
  return tokens <= cfg_.max_request_tokens && tokens <= cfg_.kv_capacity_tokens;
}

Replica& ServingCluster::replica(int32_t i) {
  auto& slot = replicas_[i];
  if (!slot) {
    slot = std::make_unique<Replica>(i, rcfg_);
    used_.insert(i);
    peak_active_ = std::max(peak_active_, static_cast<int64_t>(replicas_.size()));
  }
  return *slot;
}

void ServingCluster::reschedule(int32_t i, TimeNs before, TimeNs after) {
  if (before != after && after != kNever) calendar_.emplace(after, i);  // the entry at `before` is now stale
}

bool ServingCluster::live(const Event& e) const {
  auto it = replicas_.find(e.second);
  return it != replicas_.end() && it->second->next_event() == e.first;
}

void ServingCluster::start() {
  if (!cfg_.host) throw std::logic_error("ServingCluster::start: no host for the serving actor");
  sg4::Actor::create("serving", cfg_.host, Engine::guard([this] { run(true); }));
}

void ServingCluster::run_standalone() { run(false); }

void ServingCluster::arrive(const TraceRow& row) {
  Request& r = requests_.emplace_back();
  r.id = static_cast<int64_t>(requests_.size()) - 1;
  r.arrival = row.arrival;
  r.input = row.input;
  r.output = row.output;
  sig_.arrived(r);
  if (!admissible(r)) {
    r.status = RequestStatus::rejected;
    sig_.rejected(r);
    return;
  }
  const int32_t target = router_->route(r, *loads_);
  if (target < 0 || target >= cfg_.replicas) throw std::logic_error("router chose a replica that does not exist");
  Replica& rep = replica(target);
  const TimeNs before = rep.next_event();
  rep.deliver(&r);
  reschedule(target, before, rep.next_event());
}

void ServingCluster::run(bool with_simgrid) {
  TraceRow row;
  bool have = source_.next(row) && row.arrival < cfg_.stop_at;
  for (;;) {
    const TimeNs t_arrival = have ? row.arrival : kNever;
    while (!calendar_.empty() && !live(calendar_.top())) calendar_.pop();
    const TimeNs t_replica = calendar_.empty() ? kNever : calendar_.top().first;
    const TimeNs t = std::min(t_arrival, t_replica);
    if (t == kNever) break;
    if (with_simgrid) sleep_until_ns(t);
    if (t_arrival <= t_replica) {  // arrivals at an instant go first: they join that step boundary
      arrive(row);
      have = source_.next(row) && row.arrival < cfg_.stop_at;
    } else {
      const int32_t i = calendar_.top().second;
      calendar_.pop();
      Replica& rep = *replicas_.at(i);
      rep.advance();
      if (rep.next_event() != kNever) {
        calendar_.emplace(rep.next_event(), i);
      } else if (rep.releasable()) {
        replicas_.erase(i);  // back in its initial state: created again by its next request
      }
    }
  }
}

}  // namespace rs
