#pragma once
// The scenario layer builds the power plan's plain inputs from a resolved
// serving setup (power does not include the scenario), and says in words how
// the GPUs are laid out and powered (run.log).
#include <string>
#include <vector>

#include "models/power/power_plan.hpp"
#include "models/scenario/setup.hpp"

namespace rs {

PowerPlanInputs power_plan_inputs(const ServingSetup& st);
// Fails (file:line:col of the key) on a budget at or below the idle floor or a GPU cap below idle power.
PowerPlan make_power_plan(const ServingSetup& st);

// run.log lines: the layout of the GPUs in NVLink domains, the partial domain's
// non-GPU power and its rule, and a "warning:" line for GPUs left idle. None
// for whole domains of the preset's size with no idle GPU.
std::vector<std::string> layout_notes(const ServingSetup& st, const PowerPlan& plan);

}  // namespace rs
