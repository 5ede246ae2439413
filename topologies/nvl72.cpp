// GB200/GB300/Rubin NVL72 racks: 72 GPU packages in one NVLink switch domain per rack.
#include "sim/registry.hpp"
#include "topologies/topology.hpp"

namespace rs {
namespace {

class Nvl72 final : public Topology {
 public:
  struct Params {};
  static const Schema<Params>& schema() {
    static const Schema<Params> s("NVL72 racks (no parameters in this slice)");
    return s;
  }
  Nvl72(const Params&, const Deps& d)
      : gpus_(d.gpus), fabric_((check_domains(d, kDomain, "nvl72"), domains_only(*d.gpu, d.gpus, kDomain)), d.where) {}
  int64_t domain_size() const override { return kDomain; }
  Packaging packaging() const override { return Packaging::nvl_rack; }
  std::string describe() const override { return layout().describe(packaging()); }
  std::vector<simgrid::s4u::Host*> build() const override { return build_domains(gpus_, kDomain, "rack"); }
  const Fabric& fabric() const override { return fabric_; }

 private:
  static constexpr int64_t kDomain = 72;
  int64_t gpus_;
  Fabric fabric_;
};

const bool registered = Registry<Topology>::add<Nvl72>("nvl72", "NVL72 racks, one 72-GPU NVLink domain each");

}  // namespace
}  // namespace rs
