#include "models/collectives/nvlink.hpp"

namespace rs {

double nvlink_time(CollOp op, double bytes, int64_t n, const NvlinkAB& ab) {
  if (n <= 1 || bytes <= 0) return 0;
  const double dn = static_cast<double>(n);
  switch (op) {
    case CollOp::all_reduce: return ab.alpha0_s + 2 * (dn - 1) * ab.alpha_step_s + 2 * (dn - 1) / dn * bytes / ab.bw_Bps;
    case CollOp::all_gather:
    case CollOp::reduce_scatter: return ab.alpha0_s + (dn - 1) * ab.alpha_step_s + (dn - 1) / dn * bytes / ab.bw_Bps;
    case CollOp::all_to_all: return ab.alpha0_s + ab.alpha_step_s + (dn - 1) / dn * bytes / ab.bw_Bps;
    case CollOp::send_recv:
      if (ab.p2p_bw_Bps > 0) return ab.p2p_alpha_s + bytes / ab.p2p_bw_Bps;
      return ab.alpha0_s + ab.alpha_step_s + bytes / ab.bw_Bps;
  }
  return 0;
}

double nvls_all_reduce_time(double bytes, int64_t n, const NvlinkAB& ab) {
  if (n <= 1 || bytes <= 0) return 0;
  return ab.nvls_alpha_s + (1 + 1 / static_cast<double>(n)) * bytes / ab.nvls_bw_Bps;
}

}  // namespace rs
