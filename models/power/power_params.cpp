#include "models/power/power_params.hpp"

namespace rs {

// Every default states its source or is a labelled assumption.
const Schema<PowerParams>& PowerParams::schema() {
  static const Schema<PowerParams> s = Schema<PowerParams>("GPU power model, caps and budgets, facility")
      .quantity(&PowerParams::gpu_cap, "gpu_cap", Dim::Watts, "0 W",
                "per-GPU power cap, held at every step by lowering clocks; 0 = the preset's tdp")
      .quantity(&PowerParams::rack_budget, "rack_budget", Dim::Watts, "0 W",
                "power budget of one rack (GPUs + non-GPU rack power), held by the controller; 0 = none")
      .quantity(&PowerParams::site_budget, "site_budget", Dim::Watts, "0 W",
                "facility power budget (racks x PUE + network), held by the controller; `rackscale site` fills it; 0 = none")
      .number(&PowerParams::pue, "pue", "1.3",
              "power usage effectiveness (facility / IT power). ASSUMPTION: 1.3, a liquid-cooled AI hall between "
              "hyperscale fleets (about 1.1) and the Uptime Institute 2023 industry average of 1.58",
              1.0)
      .quantity(&PowerParams::network_per_gpu, "network_per_gpu", Dim::Watts, "30 W",
                "scale-out network power per GPU outside the racks (switches, optics). ASSUMPTION: one 400G port per GPU "
                "through two switch tiers at roughly 15 W per port and tier")
      .quantity(&PowerParams::control_interval, "control_interval", Dim::Seconds, "1 s",
                "period of the rack/site budget controller (it re-divides the budget among replicas)", 1e-3)
      .integer(&PowerParams::hgx_nodes_per_rack, "hgx_nodes_per_rack", "4",
               "HGX nodes per rack for rack budgets. ASSUMPTION: 4 x ~10 kW nodes in a 40 kW rack, a common air-cooled "
               "DGX H100 layout",
               1)
      .number(&PowerParams::memory_power_share, "memory_power_share", "0.4",
              "dynamic power of a GPU streaming HBM (memory-bound work), as a share of the compute-bound dynamic power "
              "(tdp - idle). Source: Ma et al., 'The Illusion of Power Capping in LLM Decode' (arXiv:2605.11999): decode "
              "on H200 draws 137-300 W of 700 W, i.e. (300 - 100) / (700 - 100) = 0.33 at large batch; 0.4 rounds up",
              0, 1)
      .number(&PowerParams::dvfs_exponent, "dvfs_exponent", "3",
              "compute power at clock factor f scales as f^exponent (dynamic power C V^2 f with V about proportional "
              "to f in the DVFS range). ASSUMPTION: textbook CMOS relation; a calibration profile should replace it",
              1, 4)
      .number(&PowerParams::min_clock, "min_clock", "0.3",
              "lowest clock factor DVFS uses (clock levels go down from 1 in steps of 0.05); below it the GPU "
              "duty-cycles. ASSUMPTION: H100 SXM lowest application clocks are far below 30 % of boost",
              0.05, 1)
      .number(&PowerParams::idle_share, "idle_share", "0.1",
              "budget controller: weight of a replica that ran no step in the last interval relative to a busy one "
              "(headroom above idle is divided by these weights). ASSUMPTION: keeps some headroom for wake-ups",
              0, 1);
  return s;
}

}  // namespace rs
