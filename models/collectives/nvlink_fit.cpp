#include "models/collectives/nvlink_fit.hpp"

#include <fmt/format.h>

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

#include "models/catalog/catalog.hpp"
#include "sim/error.hpp"

namespace rs {

std::vector<NcclSample> load_nccl_samples(const std::string& path_in) {
  std::string path = path_in.empty() ? (data_root() / "models/calibration/nccl/vidur_h100_dgx.csv").string() : path_in;
  std::ifstream in(path);
  if (!in) fail(path, "cannot open the NCCL calibration data");
  std::string line;
  std::getline(in, line);
  if (line != "op,gpus,size_bytes,median_us") fail(path + ":1", "expected header op,gpus,size_bytes,median_us");
  std::vector<NcclSample> out;
  int64_t no = 1;
  while (std::getline(in, line)) {
    ++no;
    if (line.empty()) continue;
    std::stringstream ss(line);
    std::string op, gpus, size, us;
    if (!std::getline(ss, op, ',') || !std::getline(ss, gpus, ',') || !std::getline(ss, size, ',') || !std::getline(ss, us))
      fail(fmt::format("{}:{}", path, no), "expected 4 columns");
    NcclSample s;
    s.op = parse_coll_op(op, fmt::format("{}:{}", path, no));
    s.gpus = std::stoll(gpus);
    s.bytes = std::stod(size);
    s.time_s = std::stod(us) * 1e-6;
    out.push_back(s);
  }
  return out;
}

namespace {

// Sorts `err` and reads its median, 90th percentile and maximum.
void error_stats(std::vector<double>& err, double& median, double& p90, double& max) {
  std::sort(err.begin(), err.end());
  auto q = [&](double p) { return err[static_cast<size_t>(std::floor(p * static_cast<double>(err.size() - 1)))]; };
  median = q(0.5);
  p90 = q(0.9);
  max = err.back();
}

}  // namespace

NvlinkFit fit_nvlink(const std::vector<NcclSample>& all) {
  std::vector<NcclSample> ar;
  for (const auto& s : all)
    if (s.op == CollOp::all_reduce && s.time_s > 0) ar.push_back(s);
  if (ar.size() < 3) throw std::runtime_error("fit_nvlink: too few all_reduce samples");
  const Eigen::Index m = static_cast<Eigen::Index>(ar.size());
  Eigen::MatrixXd A(m, 3);
  Eigen::VectorXd b(m);
  for (Eigen::Index i = 0; i < m; ++i) {
    const auto& s = ar[static_cast<size_t>(i)];
    const double n = static_cast<double>(s.gpus), w = 1 / s.time_s;
    A(i, 0) = w;
    A(i, 1) = 2 * (n - 1) * w;
    A(i, 2) = 2 * (n - 1) / n * s.bytes * w;
    b(i) = 1;
  }
  Eigen::Vector3d x = A.colPivHouseholderQr().solve(b);
  // Keep the alphas non-negative: drop a negative one and refit.
  for (int k = 0; k < 2; ++k) {
    if (x(k) >= 0) continue;
    Eigen::MatrixXd A2(m, 2);
    A2.col(0) = A.col(1 - k);
    A2.col(1) = A.col(2);
    Eigen::Vector2d y = A2.colPivHouseholderQr().solve(b);
    x(k) = 0, x(1 - k) = y(0), x(2) = y(1);
  }
  NvlinkFit f;
  f.ab = {x(0), x(1), 1 / x(2)};
  f.samples = m;
  std::vector<double> err;
  for (const auto& s : ar) err.push_back(std::abs(nvlink_time(CollOp::all_reduce, s.bytes, s.gpus, f.ab) / s.time_s - 1));
  error_stats(err, f.median_abs_rel_err, f.p90_abs_rel_err, f.max_abs_rel_err);
  return f;
}

P2pFit fit_p2p(const std::vector<NcclSample>& all) {
  std::vector<NcclSample> p2p;
  for (const auto& s : all)
    if (s.op == CollOp::send_recv && s.time_s > 0) p2p.push_back(s);
  if (p2p.size() < 2) throw std::runtime_error("fit_p2p: too few send_recv samples");
  const Eigen::Index m = static_cast<Eigen::Index>(p2p.size());
  Eigen::MatrixXd A(m, 2);
  Eigen::VectorXd b = Eigen::VectorXd::Ones(m);
  for (Eigen::Index i = 0; i < m; ++i) {
    const auto& s = p2p[static_cast<size_t>(i)];
    A(i, 0) = 1 / s.time_s;
    A(i, 1) = s.bytes / s.time_s;
  }
  Eigen::Vector2d x = A.colPivHouseholderQr().solve(b);
  P2pFit f;
  f.alpha_s = std::max(0.0, x(0));
  f.bw_Bps = 1 / x(1);
  f.samples = m;
  std::vector<double> err;
  for (const auto& s : p2p) err.push_back(std::abs(f.time(s.bytes) / s.time_s - 1));
  error_stats(err, f.median_abs_rel_err, f.p90_abs_rel_err, f.max_abs_rel_err);
  return f;
}

const NvlinkFit& bundled_nvlink_fit() {
  static const NvlinkFit f = fit_nvlink(load_nccl_samples());
  return f;
}

const P2pFit& bundled_p2p_fit() {
  static const P2pFit f = fit_p2p(load_nccl_samples());
  return f;
}

std::string internode_send_recv_path() {
  return (data_root() / "models/calibration/nccl/vidur_h100_internode_send_recv.csv").string();
}

const P2pFit& bundled_internode_p2p_fit() {
  static const P2pFit f = fit_p2p(load_nccl_samples(internode_send_recv_path()));
  return f;
}

double network_message_latency() {
  return std::max(0.0, bundled_internode_p2p_fit().alpha_s - bundled_p2p_fit().alpha_s);
}

double nvls_ring_bw_ratio() {
  // Source: NCCL maintainer S. Jeaugey, NVIDIA/nccl-tests issue #212 (2024-05-06),
  // 8 x H100 SXM: ring all-reduce busbw about 370 GB/s (NCCL_ALGO=RING), NVLS
  // peak busbw about 480 GB/s (algbw about 275 GB/s). Per direction a ring moves
  // 2(n-1)/n S and NVLS (1 + 1/n) S (nvlink.hpp), so at n = 8 the achieved NVLS
  // bandwidth per direction is 480/370 x (9/8)/(14/8) = 0.834 of the ring's.
  // Assumption (labelled in models/collectives/README.md): the same ratio holds for our fitted
  // ring bandwidth and for every NVSwitch generation. Sources conflict for
  // Blackwell: a B300 user report (NVIDIA/nccl issue #2140) gives
  // 845/695 x 9/14 = 0.78, and NCCL's tuning model uses nvlsEfficiency 0.74
  // for Blackwell (cited in models/hardware/b200.yaml, gb200.yaml); both below
  // 0.834, so NVLS on Blackwell is likely modelled 6-11 % fast.
  return 480.0 / 370.0 * (1 + 1.0 / 8) / (2 * 7.0 / 8);
}

double nvls_call_latency() {
  // Assumption: NCCL's own tuning constant for NVLS on NVLink (hwLatencies
  // NVLINK/NVLS/Simple = 25 us, base latency 0; NVIDIA/nccl src/graph/tuning.cc,
  // master 5067397c). A model constant of NCCL, not a measurement.
  return 25e-6;
}

NvlinkAB nvlink_ab_for(double gpu_nvlink_Bps, bool nvls) {
  const NvlinkFit& f = bundled_nvlink_fit();
  const double scale = gpu_nvlink_Bps / f.measured_nvlink_Bps;
  NvlinkAB ab = f.ab;
  ab.bw_Bps *= scale;
  ab.p2p_alpha_s = bundled_p2p_fit().alpha_s;
  ab.p2p_bw_Bps = bundled_p2p_fit().bw_Bps * scale;
  if (nvls) {
    ab.nvls_alpha_s = nvls_call_latency();
    ab.nvls_bw_Bps = ab.bw_Bps * nvls_ring_bw_ratio();
  }
  return ab;
}

}  // namespace rs
