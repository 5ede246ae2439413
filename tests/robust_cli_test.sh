#!/usr/bin/env bash
# Bad input end to end (Hardening): each gives exit 2, one `error:` line naming
# where (file:line:col, --set or the option), and no output folder.
source "$(dirname "$0")/lib.sh" "$@"

expect_error() {  # name, expected substring, args...
  local name=$1 want=$2; shift 2
  "$BIN" "$@" >/dev/null 2>"$T/err.txt"; rc=$?
  if [ $rc -eq 2 ] && grep -qF -- "$want" "$T/err.txt" && [ "$(wc -l <"$T/err.txt")" -eq 1 ] &&
    grep -q "^error: " "$T/err.txt" && [ ! -e "$T/out" ]; then ok "$name"
  else bad "$name (rc=$rc)"; echo "  wanted: $want"; echo "  got:    $(cat "$T/err.txt")"; fi
}

# A key written twice: both places named, in a scenario and in a calibration profile.
printf 'hardware:\n  gpu: h100\n  gpus: 8\n  gpu: h200\n' >"$T/dup.yaml"
expect_error "duplicate scenario key" \
  "$T/dup.yaml:4:3: duplicate key 'hardware.gpu' (first at $T/dup.yaml:2:3)" run "$T/dup.yaml" --out "$T/out"
sed 's/^kind: assumed$/kind: assumed\nkind: measured/' "$SRC/models/calibration/default.yaml" >"$T/dupcal.yaml"
line=$(grep -n "^kind: measured" "$T/dupcal.yaml" | cut -d: -f1)
expect_error "duplicate calibration key" "$T/dupcal.yaml:$line:1: duplicate key 'kind'" \
  run --set calibration="$T/dupcal.yaml" --out "$T/out"

# vLLM's own rule, at the key's file:line:col.
printf 'serving:\n  scheduler:\n    kind: vllm\n    max_num_seqs: 256\n    max_num_batched_tokens: 128\n' >"$T/sched.yaml"
expect_error "max_num_batched_tokens < max_num_seqs" \
  "$T/sched.yaml:5:29: serving.scheduler.max_num_batched_tokens: max_num_batched_tokens (128) must be greater than or equal to max_num_seqs (256)" \
  run "$T/sched.yaml" --out "$T/out"
expect_error "max_num_seqs above the default budget" \
  "--set serving.scheduler.max_num_seqs=9000: serving.scheduler.max_num_seqs: max_num_batched_tokens (8192)" \
  run --set serving.scheduler.max_num_seqs=9000 --out "$T/out"

# A folder is not a scenario.
expect_error "directory as scenario" "$T: is a directory, expected a YAML file" run "$T" --out "$T/out"

# Trace rows whose time or counts would overflow.
printf 'TIMESTAMP,ContextTokens,GeneratedTokens\n9999-01-01 00:00:00,10,10\n' >"$T/year.csv"
expect_error "Azure date out of range" "$T/year.csv:2: TIMESTAMP out of range" \
  run --set workload.trace="$T/year.csv" --out "$T/out"
printf '{"timestamp": 99999999999999, "input_length": 1, "output_length": 1}\n' >"$T/ts.jsonl"
expect_error "Mooncake timestamp out of range" "$T/ts.jsonl:1:" run --set workload.trace="$T/ts.jsonl" --out "$T/out"
printf '{"timestamp": 0, "input_length": 1,\0 "output_length": 1}\n' >"$T/nul.jsonl"
expect_error "NUL byte in a trace" "$T/nul.jsonl:1: NUL byte in a text line" run --set workload.trace="$T/nul.jsonl" --out "$T/out"

# Quantities that overflow.
expect_error "quantity overflow" "--set topology.nic_bandwidth=1e308 Tbit/s" \
  topo show --set topology.kind=hgx-efa --set hardware.gpu=h100 --set hardware.gpus=32 "--set=topology.nic_bandwidth=1e308 Tbit/s"

finish
