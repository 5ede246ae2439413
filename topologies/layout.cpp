#include "topologies/layout.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace rs {
namespace {

std::string plural(int64_t n, const std::string& one) { return fmt::format("{} {}{}", n, one, n == 1 ? "" : "s"); }

}  // namespace

int64_t DomainLayout::gpus_in(int64_t domain) const {
  return std::clamp<int64_t>(gpus - domain * domain_size, 0, domain_size);
}

std::string DomainLayout::describe(Packaging p) const {
  const std::string unit = p == Packaging::nvl_rack ? fmt::format("NVL{} rack", domain_size) : "HGX node";
  const std::string short_unit = p == Packaging::nvl_rack ? "rack" : "node";
  const int64_t full = full_domains(), rest = partial_gpus();
  if (rest == 0) return fmt::format("{} {}(s)", full, unit);  // the wording of the documented outputs
  if (full == 0) return fmt::format("1 {} with {} of {} GPUs", unit, rest, domain_size);
  return fmt::format("{} + 1 {} with {} GPUs", plural(full, "full " + unit), short_unit, rest);
}

ReplicaLayout replicas_on(const DomainLayout& l, int64_t tp) {
  ReplicaLayout r;
  r.tp = tp;
  // Sum over domains of floor(GPUs in it / tp): the whole domains are alike, the last may be partial.
  const int64_t per_full = l.domain_size / tp;
  r.replicas = l.full_domains() * per_full + l.partial_gpus() / tp;
  r.idle_gpus = l.gpus - r.replicas * tp;
  return r;
}

}  // namespace rs
