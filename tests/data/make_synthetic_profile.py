#!/usr/bin/env python3
"""Writes tests/data/calib-synthetic-h100.yaml: a SYNTHETIC raw calibration
profile (format rackscale-calibration-raw/1) whose GEMM efficiencies follow a
known law, so that tests can check the Eigen fit recovers it. Not a
measurement: never use it for predictions."""
import math

def eff(m, n, k):  # ln e = -1.5 + 0.35 ln m - 0.025 ln^2 m + 0.005 ln n + 0.005 ln k
    x = math.log(m)
    return math.exp(-1.5 + 0.35 * x - 0.025 * x * x + 0.005 * math.log(n) + 0.005 * math.log(k))

PEAK, BW = 989e12, 3.35e12  # h100 preset: bf16 dense peak, HBM bandwidth
lines = ["format: rackscale-calibration-raw/1",
         "environment: {gpu_name: \"SYNTHETIC TEST FIXTURE (not a measurement)\", gpu_preset: \"h100\", driver: \"none\", "
         "cuda_runtime: \"none\", cublas: \"none\", date: \"2026-01-01T00:00:00Z\", command: \"make_synthetic_profile.py\", host: \"none\"}",
         "groups:", "  gemm:", "    status: done", "    points:"]
for n, k in [(1280, 8192), (8192, 1024), (7168, 8192), (8192, 3584), (14336, 4096)]:
    for m in [1, 4, 16, 64, 256, 1024, 4096, 16384]:
        ideal = max(2 * m * n * k / PEAK, (m * k * 2 + n * k * 2 + m * n * 2) / BW)
        t_us = ideal / eff(m, n, k) * 1e6
        lines.append(f"      - {{dtype: \"bf16\", m: {m}, n: {n}, k: {k}, status: \"done\", time_us_median: {t_us:.6f}}}")
lines += ["  hbm:", "    status: done", "    points:",
          "      - {kind: \"read\", size_bytes: 2147483648, l2_resident: false, status: \"done\", gbps: 3015, time_us_median: 712}",
          "      - {kind: \"read\", size_bytes: 8388608, l2_resident: true, status: \"done\", gbps: 9000, time_us_median: 1}",
          "  attention:", "    status: done", "    points:",
          "      - {batch: 8, context: 4096, status: \"done\", gbps: 2010, time_us_median: 100}",
          "      - {batch: 8, context: 512, status: \"done\", gbps: 900, time_us_median: 10}",
          "  layer:", "    status: done", "    points:",
          "      - {model: \"llama-3.1-8b\", tp: 1, phase: \"decode\", batch: 8, context: 1024, tokens: 8, status: \"done\", time_us_median: 300}",
          "      - {model: \"llama-3.1-8b\", tp: 1, phase: \"prefill\", batch: 0, context: 0, tokens: 512, status: \"done\", time_us_median: 900}"]
open("tests/data/calib-synthetic-h100.yaml", "w").write("\n".join(lines) + "\n")
