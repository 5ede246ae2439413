#pragma once
// How hardware.gpus fill NVLink domains, and how TP replicas fill the domains.
// Whole domains come first; the last one may be partial (a 4-GPU node, a
// rack with 64 of its 72 GPUs). A replica never spans domains, so replicas =
// sum over domains of floor(domain's GPUs / tp); the GPUs left over stay idle.
#include <cstdint>
#include <string>

#include "models/catalog/packaging.hpp"

namespace rs {

struct DomainLayout {
  int64_t gpus = 0, domain_size = 1;

  int64_t domains() const { return (gpus + domain_size - 1) / domain_size; }
  int64_t full_domains() const { return gpus / domain_size; }
  int64_t partial_gpus() const { return gpus % domain_size; }  // GPUs of the partial last domain; 0 = none
  int64_t gpus_in(int64_t domain) const;
  // "13 full NVL72 racks + 1 rack with 64 GPUs", "1 HGX node with 4 of 8 GPUs", "2 NVL72 rack(s)".
  std::string describe(Packaging p) const;
};

struct ReplicaLayout {
  int64_t tp = 1, replicas = 0, idle_gpus = 0;
};

// Replicas of `tp` GPUs, each inside one domain (GPUs numbered domain by domain,
// replica r on the tp GPUs after the previous ones of its domain).
ReplicaLayout replicas_on(const DomainLayout& l, int64_t tp);

}  // namespace rs
