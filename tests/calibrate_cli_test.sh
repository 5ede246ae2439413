#!/usr/bin/env bash
# `rackscale calibrate --fit` on the synthetic fixture, and the run-time use of
# a profile measured on another GPU (refused, then carried with --force-calibration).
source "$(dirname "$0")/lib.sh" "$@"
FIX="$SRC/tests/data/calib-synthetic-h100.yaml"

"$BIN" calibrate --fit "$FIX" >"$T/fit.txt" 2>&1
grep -q "gemm bf16    40 points  ln e = -1.5000 +0.3500 ln m -0.02500 ln^2 m" "$T/fit.txt" && ok "calibrate --fit prints the fit" ||
  { bad "calibrate --fit"; cat "$T/fit.txt"; }
grep -q "memory_efficiency      0.9" "$T/fit.txt" && ok "calibrate --fit derives HBM efficiency" || bad "fit memory efficiency"

"$BIN" calibrate --fit "$SRC/tests/data/calib-corrupt.yaml" >/dev/null 2>"$T/e.txt"; rc=$?
[ $rc -eq 2 ] && grep -q "calib-corrupt.yaml:3:1: YAML syntax error" "$T/e.txt" && ok "corrupted profile: exit 2 with location" ||
  { bad "corrupted profile (rc=$rc)"; cat "$T/e.txt"; }

"$BIN" run --set calibration="$FIX" --set workload.max_requests=20 --out "$T/x" >/dev/null 2>"$T/e.txt"; rc=$?
[ $rc -eq 2 ] && grep -q "was measured on 'h100', not on the scenario's GPU 'gb200'" "$T/e.txt" && [ ! -e "$T/x" ] &&
  ok "profile from another GPU refused" || { bad "other-GPU profile (rc=$rc)"; cat "$T/e.txt"; }

"$BIN" run --force-calibration --set calibration="$FIX" --set workload.max_requests=20 --out "$T/y" >/dev/null 2>"$T/log.txt"
grep -q ",carried," "$T/y/summary.csv" && grep -q "carried to gb200 by datasheet ratios" "$T/y/scenario.resolved.yaml" &&
  grep -q "carried to gb200" "$T/log.txt" && ok "--force-calibration carries the profile and says so" || bad "carried profile"

"$BIN" run --set hardware.gpu=h100 --set hardware.gpus=8 --set calibration="$FIX" --set workload.max_requests=20 --out "$T/z" >/dev/null 2>&1
grep -q ",measured," "$T/z/summary.csv" && ok "measured profile on its own GPU" || bad "measured profile"

finish
