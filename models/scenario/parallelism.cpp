#include "models/scenario/parallelism.hpp"

#include <fmt/format.h>

#include "sim/error.hpp"

namespace rs {

void check_parallelism_for_model(const LoadedScenario& ls, const LlmSpec& llm) {
  const Scenario::Parallelism& p = ls.s.parallelism;
  if (p.ep > 1 && !llm.is_moe())
    fail(ls.where("parallelism.ep"),
         fmt::format("ep={} needs a mixture-of-experts model, but {} is dense (no experts to split); use ep: 1",
                     p.ep, llm.name));
  if (p.ep > 1 && llm.moe.experts % p.ep != 0)
    fail(ls.where("parallelism.ep"), fmt::format("ep={} does not divide the {} routed experts of {}", p.ep,
                                                 llm.moe.experts, llm.name));
  // Also checked by the iteration model, which `topo check` does not build when ep or pp > 1.
  if (p.tp > 0 && llm.heads % p.tp != 0)
    fail(ls.where("parallelism.tp"),
         fmt::format("tp={} does not divide the {} attention heads of {}", p.tp, llm.heads, llm.name));
  if (p.pp > llm.layers)
    fail(ls.where("parallelism.pp"),
         fmt::format("pp={} is more pipeline stages than the {} layers of {}", p.pp, llm.layers, llm.name));
}

void reject_unsimulated_parallelism(const LoadedScenario& ls) {
  const Scenario::Parallelism& p = ls.s.parallelism;
  auto reject = [&](const char* key, const char* what, int64_t v) {
    fail(ls.where(std::string("parallelism.") + key),
         fmt::format("{} ({}={}) is not simulated yet (a replica is one TP group); `rackscale topo check` validates "
                     "its placement; use {}: 1 to run",
                     what, key, v, key));
  };
  if (p.ep > 1) reject("ep", "expert parallelism", p.ep);
  if (p.pp > 1) reject("pp", "pipeline parallelism", p.pp);
}

}  // namespace rs
