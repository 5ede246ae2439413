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
  std::sort(err.begin(), err.end());
  auto q = [&](double p) { return err[static_cast<size_t>(std::floor(p * static_cast<double>(err.size() - 1)))]; };
  f.median_abs_rel_err = q(0.5);
  f.p90_abs_rel_err = q(0.9);
  f.max_abs_rel_err = err.back();
  return f;
}

const NvlinkFit& bundled_nvlink_fit() {
  static const NvlinkFit f = fit_nvlink(load_nccl_samples());
  return f;
}

NvlinkAB nvlink_ab_for(double gpu_nvlink_Bps) {
  const NvlinkFit& f = bundled_nvlink_fit();
  NvlinkAB ab = f.ab;
  ab.bw_Bps *= gpu_nvlink_Bps / f.measured_nvlink_Bps;
  return ab;
}

}  // namespace rs
