#!/usr/bin/env bash
# Speed of the serving simulation (not a test): the two targets of the
# foundation issue, pinned to one core, coalesced and step-by-step.
#   tools/bench/serving_speed.sh [build/rackscale]
# Prints one line per case: simulation wall time (wall_s column: from start to
# the end of the simulation, CSV writing excluded) and the whole process time.
set -eu
BIN=${1:-build/rackscale}
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
col() { awk -F, -v c="$2" 'NR==1{for(i=1;i<=NF;i++) if($i==c) k=i} NR==2{print $k}' "$1"; }
run_case() {  # label, args...
  local label=$1; shift
  local t0=$(date +%s.%N)
  taskset -c 0 "$BIN" run --out "$T/o" --force "$@" >/dev/null 2>&1
  local t1=$(date +%s.%N)
  local req=$(col "$T/o/summary.csv" requests) wall=$(col "$T/o/summary.csv" wall_s)
  printf '%-44s requests=%-8s sim_wall_s=%-8.3f process_s=%-7.3f sim_req_per_wall_s=%.0f\n' \
    "$label" "$req" "$wall" "$(echo "$t1 - $t0" | bc)" "$(echo "$req / $wall" | bc)"
}
echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(uname -n) $(nproc) cores; $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2)"
AZ=(scenarios/examples/nvl72-llama70b-azure.yaml)
OFF=(--set hardware.gpu=h100 --set hardware.gpus=8 --set parallelism.tp=1 --set model.name=llama-3.1-8b
     --set workload.synthetic.requests=1000000 --set workload.synthetic.rate=0
     --set workload.synthetic.input_tokens=128 --set workload.synthetic.output_tokens=128)
run_case "azure-conv, NVL72, 70B (coalesced)" "${AZ[@]}"
run_case "azure-conv, NVL72, 70B (step by step)" "${AZ[@]}" --set sim.coalesce=false
run_case "1M offline, 8xH100, 8B tp1 (coalesced)" "${OFF[@]}"
run_case "1M offline, 8xH100, 8B tp1 (step by step)" "${OFF[@]}" --set sim.coalesce=false
