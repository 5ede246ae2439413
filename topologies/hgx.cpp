// HGX baseboards: 8 GPUs per NVLink (NVSwitch) domain, one per server node.
#include "sim/registry.hpp"
#include "topologies/topology.hpp"

namespace rs {
namespace {

class Hgx final : public Topology {
 public:
  struct Params {
    int64_t gpus_per_node = 0;
  };
  static const Schema<Params>& schema() {
    static const Schema<Params> s = Schema<Params>("HGX nodes").integer(
        &Params::gpus_per_node, "gpus_per_node", "8", "GPUs per node, one NVLink domain (HGX boards carry 8)", 1, 8);
    return s;
  }
  Hgx(const Params& p, const Deps& d)
      : gpus_(d.gpus),
        domain_(p.gpus_per_node),
        fabric_((check_domains(d, domain_, "hgx"), domains_only(*d.gpu, d.gpus, domain_)), d.where) {}
  int64_t domain_size() const override { return domain_; }
  Packaging packaging() const override { return Packaging::hgx_node; }
  std::string describe() const override { return layout().describe(packaging()); }
  std::vector<simgrid::s4u::Host*> build() const override { return build_domains(gpus_, domain_, "node"); }
  const Fabric& fabric() const override { return fabric_; }

 private:
  int64_t gpus_, domain_;
  Fabric fabric_;
};

const bool registered = Registry<Topology>::add<Hgx>("hgx", "HGX servers, one 8-GPU NVLink domain each");

}  // namespace
}  // namespace rs
