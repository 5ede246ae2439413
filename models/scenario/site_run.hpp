#pragma once
// `rackscale site`: how many racks of the scenario's kind fit power.site_budget,
// and what that site serves at the scenario's SLO, scaled from one simulated run
// of the scenario's own GPUs. site.csv is written into that run's folder before
// its one commit: the folder never exists without it.
#include <iosfwd>

#include "models/scenario/run.hpp"

namespace rs {

// `opt.out` empty: results/<scenario name>-site. Throws InputError on bad input.
void run_site(const RunOptions& opt, std::ostream& out);

}  // namespace rs
