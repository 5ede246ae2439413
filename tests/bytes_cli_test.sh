#!/usr/bin/env bash
# The model's bytes end to end: per-GPU weights of a quantized checkpoint in the
# memory report, a model file naming an unknown tensor group, and how a GEMM fit is evaluated.
source "$(dirname "$0")/lib.sh" "$@"

# DeepSeek-R1 NVFP4 at tp=4: checkpoint 396.68 GB (tests/perf_test.cpp works it out tensor by tensor) / 4
# + 3/4 of the 2.062 GB every rank holds in full (bf16 q_a/kv_a, router, norms) = 100.7 GB per GPU.
"$BIN" run --set model.name=deepseek-r1 --set model.precision=fp4 --set hardware.gpu=b200 --set hardware.gpus=8 \
  --set parallelism.tp=4 --set serving.max_model_len=10000000 --out "$T/r1" >/dev/null 2>"$T/e.txt"; rc=$?
[ $rc -eq 2 ] && [ "$(wc -l <"$T/e.txt")" -eq 1 ] && grep -q "= 100.7 GB weights" "$T/e.txt" && [ ! -e "$T/r1" ] &&
  ok "fp4 DeepSeek-R1: 100.7 GB of weights per GPU at tp=4" || { bad "fp4 weights per GPU (rc=$rc)"; cat "$T/e.txt"; }

sed 's/^  fp4_keep_bf16: ""/  fp4_keep_bf16: "attention, atention"/' "$SRC/models/llm/llama-3.1-8b.yaml" >"$T/bad.yaml"
"$BIN" run --set model.name="$T/bad.yaml" --set workload.max_requests=5 --out "$T/bad" >/dev/null 2>"$T/e.txt"; rc=$?
[ $rc -eq 2 ] && [ "$(wc -l <"$T/e.txt")" -eq 1 ] && [ ! -e "$T/bad" ] &&
  grep -q "^error: $T/bad.yaml:[0-9]*:18: unknown tensor group 'atention' (known: attention, dense_mlp, experts, shared_experts); did you mean 'attention'?" "$T/e.txt" &&
  ok "bad model file: unknown tensor group, at its file:line:col" || { bad "unknown tensor group (rc=$rc)"; cat "$T/e.txt"; }

# The synthetic fixture's law peaks at ln m = 0.35 / (2 x 0.025) = 7, m = e^7 = 1097.
"$BIN" calibrate --fit "$SRC/tests/data/calib-synthetic-h100.yaml" >"$T/fit.txt" 2>&1
grep -q "(efficiency capped at 1; held beyond m = 1097)" "$T/fit.txt" && ok "calibrate --fit says how the law is evaluated" ||
  { bad "fit shape"; cat "$T/fit.txt"; }

finish
