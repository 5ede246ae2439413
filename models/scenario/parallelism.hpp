#pragma once
// Checks of parallelism.ep / parallelism.pp against the model (shared by
// `run`, which rejects what it does not simulate, and `topo check`).
#include "models/catalog/llm.hpp"
#include "models/scenario/scenario.hpp"

namespace rs {

// ep > 1 needs an MoE model whose routed experts split evenly over ep GPUs;
// pp cannot exceed the model's layers. Fails at the key's location.
void check_parallelism_for_model(const LoadedScenario& ls, const LlmSpec& llm);

// `run` simulates one TP group per replica: ep > 1 or pp > 1 fail ("not simulated yet").
void reject_unsimulated_parallelism(const LoadedScenario& ls);

}  // namespace rs
