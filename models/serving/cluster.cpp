#include "models/serving/cluster.hpp"

#include <simgrid/s4u.hpp>

namespace sg4 = simgrid::s4u;

namespace rs {

ServingCluster::ServingCluster(ClusterConfig cfg, const SchedulerFactory& make_scheduler,
                               std::unique_ptr<Router> router, const IterationModel& model, int64_t kv_blocks,
                               int64_t block_size, RequestSource& source, const ServingSignals& signals)
    : cfg_(std::move(cfg)), router_(std::move(router)), source_(source), sig_(signals) {
  const int32_t n = static_cast<int32_t>(cfg_.replica_hosts.size());
  for (int32_t i = 0; i < n; ++i) {
    kv_.emplace_back(kv_blocks, block_size);
    auto sched = make_scheduler(Scheduler::Deps{&kv_.back(), &sig_, i});
    replicas_.push_back(std::make_unique<Replica>(i, std::move(sched), model, clock_, cfg_.coalesce, cfg_.max_window,
                                                   cfg_.governor, cfg_.stop_at));
  }
  loads_.resize(static_cast<std::size_t>(n));
}

bool ServingCluster::admissible(const Request& r) const {
  int64_t tokens = static_cast<int64_t>(r.input) + r.output;
  return tokens <= cfg_.max_request_tokens && tokens <= cfg_.kv_capacity_tokens;
}

void ServingCluster::start() {
  for (std::size_t i = 0; i < replicas_.size(); ++i) {
    Replica* rep = replicas_[i].get();
    sg4::Actor::create("replica-" + std::to_string(i), cfg_.replica_hosts[i], Engine::guard([rep] { rep->run(); }));
  }
  sg4::Actor::create("arrivals", cfg_.replica_hosts.front(), Engine::guard([this] { arrivals(); }));
}

void ServingCluster::arrivals() {
  TraceRow row;
  int64_t id = 0;
  bool have = source_.next(row) && row.arrival < cfg_.stop_at;
  clock_.next = have ? row.arrival : kNever;
  while (have) {
    sleep_until_ns(row.arrival);
    Request& r = requests_.emplace_back();
    r.id = id++;
    r.arrival = row.arrival;
    r.input = row.input;
    r.output = row.output;
    sig_.arrived(r);
    if (!admissible(r)) {
      r.status = RequestStatus::rejected;
      sig_.rejected(r);
    } else {
      if (loads_.size() > 1)
        for (std::size_t i = 0; i < replicas_.size(); ++i) loads_[i] = replicas_[i]->load();
      int32_t target = router_->route(r, loads_);
      replicas_[static_cast<std::size_t>(target)]->deliver(&r);
    }
    have = source_.next(row) && row.arrival < cfg_.stop_at;
    clock_.next = have ? row.arrival : kNever;
  }
  clock_.done = true;
  for (auto& rep : replicas_) rep->stream_done();
}

}  // namespace rs
