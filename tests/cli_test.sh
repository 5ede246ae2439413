#!/usr/bin/env bash
# End-to-end tests of the rackscale CLI: golden scenarios, determinism,
# coalesced vs step-by-step equality, and bad inputs (exit 2, one clear
# message, no output directory). UPDATE_GOLDEN=1 rewrites the expected files.
source "$(dirname "$0")/lib.sh" "$@"
# Drops the wall_s column (the only one allowed to differ between runs).
strip_wall() { awk -F, 'NR==1{for(i=1;i<=NF;i++) if($i=="wall_s") w=i} {out=""; for(i=1;i<=NF;i++) if(i!=w) out=out (out==""&&i==1?"":",") $i; print out}' "$1"; }
same_run() {  # dir1 dir2 -> 0 if every output byte agrees except wall_s
  for f in requests.csv timeline.csv scenario.resolved.yaml; do cmp -s "$1/$f" "$2/$f" || return 1; done
  [ "$(strip_wall "$1/summary.csv")" = "$(strip_wall "$2/summary.csv")" ]
}

# 1. Golden scenarios.
for g in azure-slice preempt; do
  "$BIN" run "$SRC/tests/golden/$g.yaml" --out "$T/$g" >/dev/null 2>"$T/$g.log" || { bad "golden $g ran"; cat "$T/$g.log"; continue; }
  exp="$SRC/tests/golden/$g.expected"
  if [ "${UPDATE_GOLDEN:-0}" = 1 ]; then
    mkdir -p "$exp"; strip_wall "$T/$g/summary.csv" >"$exp/summary.csv"; cp "$T/$g/requests.csv" "$T/$g/timeline.csv" "$exp/"
  fi
  if [ "$(strip_wall "$T/$g/summary.csv")" = "$(cat "$exp/summary.csv")" ] && cmp -s "$T/$g/requests.csv" "$exp/requests.csv" &&
     cmp -s "$T/$g/timeline.csv" "$exp/timeline.csv"; then ok "golden $g matches"; else
    bad "golden $g differs from $exp"; diff <(strip_wall "$T/$g/summary.csv") "$exp/summary.csv" | head -5; fi
done

# 2. Determinism: the same scenario twice gives byte-identical outputs.
"$BIN" run "$SRC/tests/golden/azure-slice.yaml" --out "$T/again" >/dev/null 2>&1
same_run "$T/azure-slice" "$T/again" && ok "determinism" || bad "determinism"

# 3. Coalesced decode windows == one event per iteration, bit for bit.
for g in azure-slice preempt; do
  "$BIN" run "$SRC/tests/golden/$g.yaml" --out "$T/$g-step" --set sim.coalesce=false >/dev/null 2>&1
  sed -i 's/coalesce: false/coalesce: true/' "$T/$g-step/scenario.resolved.yaml"
  same_run "$T/$g" "$T/$g-step" && ok "coalesced == step-by-step ($g)" || bad "coalesced != step-by-step ($g)"
done

# 4. Sanity properties of a run: every request counted, TTFT <= E2E.
awk -F, 'NR>1 && $9=="finished" && ($3<$2 || $4<$3) {e=1} NR>1 && $9!="finished" && $9!="rejected" {e=1} END{exit e}' \
  "$T/azure-slice/requests.csv" && ok "sanity: requests complete, arrival <= first token <= finish" || bad "sanity"

# 5. The resolved scenario re-runs to the same results.
"$BIN" run "$T/azure-slice/scenario.resolved.yaml" --out "$T/resolved" >/dev/null 2>&1
same_run "$T/azure-slice" "$T/resolved" && ok "scenario.resolved.yaml reproduces the run" || bad "resolved scenario differs"

# 6. Bad inputs: exit 2, the expected message, no output directory.
expect_error() {  # name, expected substring, args...
  local name=$1 want=$2; shift 2
  rm -rf "$T/err"
  "$BIN" run --out "$T/err" "$@" >/dev/null 2>"$T/err.txt"; rc=$?
  if [ $rc -eq 2 ] && grep -qF -- "$want" "$T/err.txt" && [ ! -e "$T/err" ] && [ "$(wc -l <"$T/err.txt")" -le 1 ]; then ok "bad input: $name"
  else bad "bad input: $name (rc=$rc)"; echo "  wanted: $want"; echo "  got:    $(cat "$T/err.txt")"; fi
}
expect_error "unknown key" "--set workload.rate_scal=4: unknown key 'workload.rate_scal'; did you mean 'rate_scale'?" --set workload.rate_scal=4
expect_error "unknown key in file" "bad_key.yaml:4:3: unknown key 'hardware.gpuz'; did you mean 'gpus'?" "$SRC/tests/data/bad_key.yaml"
expect_error "YAML syntax" "bad_syntax.yaml:5:1: YAML syntax error" "$SRC/tests/data/bad_syntax.yaml"
expect_error "missing unit" "slo.ttft: expected a duration with a unit (ns, us, ms, s, min, h), got '2' (missing unit)" --set slo.ttft=2
expect_error "wrong unit kind" "slo.ttft: expected a duration with a unit (ns, us, ms, s, min, h), got a size '2GB'" --set slo.ttft=2GB
expect_error "zero GPUs" "hardware.gpus: must be >= 1, got 0" --set hardware.gpus=0
expect_error "negative requests" "workload.synthetic.requests: must be >= 1, got -5" --set workload.synthetic.requests=-5
expect_error "unknown GPU" "unknown GPU 'gb2000' (known: b200, gb200, gb300, h100, h200, rubin); did you mean 'gb200'?" --set hardware.gpu=gb2000
expect_error "unknown model" "unknown model 'llama-3.1-7b'" --set model.name=llama-3.1-7b
expect_error "TP larger than domain" "tp=16 is larger than the NVLink domain (8 GPUs in hgx)" --set hardware.gpu=h100 --set hardware.gpus=16 --set parallelism.tp=16
expect_error "TP not dividing domain" "tp=16 does not divide the NVLink domain of 72 GPUs" --set parallelism.tp=16
expect_error "GPU count below 1" "hardware.gpus: must be >= 1, got 0" --set hardware.gpu=h100 --set hardware.gpus=0
expect_error "model does not fit" "llama-3.1-405b (bf16) does not fit on 8 GPUs" --set hardware.gpu=h100 --set hardware.gpus=8 --set model.name=llama-3.1-405b
expect_error "missing trace" "trace file '/nonexistent/trace.csv' not found" --set workload.trace=/nonexistent/trace.csv
expect_error "malformed trace row" "bad_azure.csv:3: ContextTokens must be a positive integer" --set workload.trace="$SRC/tests/data/bad_azure.csv"
expect_error "unknown scheduler" "unknown scheduler 'vllmm' (known: vllm); did you mean 'vllm'?" --set serving.scheduler=vllmm
expect_error "unknown scheduler param" "unknown key 'serving.scheduler.max_num_seq'; did you mean 'max_num_seqs'?" --set serving.scheduler.max_num_seq=8

# 7. An existing output folder is refused without --force and kept intact; --force replaces one rackscale
# wrote (folders it did not write are refused even with --force: tests/safety_cli_test.sh).
"$BIN" run --out "$T/full" --set workload.max_requests=10 >/dev/null 2>&1; echo keep >"$T/full/summary.csv"
"$BIN" run --out "$T/full" --set workload.max_requests=10 >/dev/null 2>"$T/full.txt"; rc=$?
[ $rc -eq 2 ] && grep -q "use --force" "$T/full.txt" && [ "$(cat "$T/full/summary.csv")" = keep ] && ok "existing --out refused" || bad "existing --out"
"$BIN" run --out "$T/full" --force --set workload.max_requests=10 >/dev/null 2>&1 && ! grep -q keep "$T/full/summary.csv" && [ -s "$T/full/summary.csv" ] \
  && ok "--force replaces" || bad "--force"

# 8. list / explain answer with real content.
"$BIN" list gpus | grep -q "^gb200 " && ok "list gpus" || bad "list gpus"
"$BIN" list traces | grep -q "^azure-conv " && ok "list traces" || bad "list traces"
"$BIN" explain gpu gb200 | grep -q "hbm_bandwidth .*8 TB/s .*source:" && ok "explain gpu" || bad "explain gpu"
"$BIN" explain scenario | grep -q "^workload.rate_scale " && ok "explain scenario" || bad "explain scenario"
"$BIN" explain gpu nope >/dev/null 2>&1; [ $? -eq 2 ] && ok "explain unknown gpu exits 2" || bad "explain unknown gpu"

# 9. Power and cost.
P="$T/pw"; mkdir -p "$P"
col() { awk -F, -v c="$2" 'NR==1{for(i=1;i<=NF;i++) if($i==c) k=i} NR==2{print $k}' "$1"; }
# Idle only: the one request is rejected (longer than max_model_len), 10 s of idle GPUs:
# energy = ((72 x 170 W + 33.6 kW) x PUE 1.3 + 72 x 30 W) x 10 s = 617520 J exactly.
"$BIN" run --out "$P/idle" --set workload.synthetic.requests=1 --set workload.synthetic.input_tokens=200000 \
  --set sim.duration=10s >/dev/null 2>&1
[ "$(col "$P/idle/summary.csv" energy_j)" = 617520 ] && [ "$(col "$P/idle/summary.csv" avg_power_w)" = 61752 ] &&
  [ "$(awk -F, 'NR>1 && $4!=61752 {e=1} END{print NR-1, e+0}' "$P/idle/power.csv")" = "10 0" ] \
  && ok "idle-only run gives the idle energy exactly" || bad "idle energy ($(col "$P/idle/summary.csv" energy_j))"
# A measured power group (synthetic fixture: idle 80 W, gemm 680 W, hbm_copy 326 W) replaces the preset's
# idle/tdp: idle energy = ((8 x 80 W + 4.6 kW) x 1.3 + 8 x 30 W) x 10 s = 70520 J; sources in run.log and resolved yaml.
"$BIN" run --out "$P/idle-m" --set hardware.gpu=h100 --set hardware.gpus=8 --set model.name=llama-3.1-8b \
  --set calibration="$SRC/tests/data/calib-power-h100.yaml" --set workload.synthetic.requests=1 \
  --set workload.synthetic.input_tokens=200000 --set sim.duration=10s >/dev/null 2>&1
[ "$(col "$P/idle-m/summary.csv" energy_j)" = 70520 ] &&
  grep -q "power source: idle_power  *80 W  measured (.*calib-power-h100.yaml): power group, idle point" "$P/idle-m/run.log" &&
  grep -q "power source: memory_power_share 0.41  measured" "$P/idle-m/run.log" &&
  grep -q "power source: dvfs_exponent  *3  ASSUMPTION" "$P/idle-m/run.log" &&
  grep -q "^#   full_load_power   680 W  measured" "$P/idle-m/scenario.resolved.yaml" &&
  grep -q "memory_power_share: 0.4099" "$P/idle-m/scenario.resolved.yaml" \
  && ok "a measured power group sets idle/full-load power and the memory share, with sources" || bad "measured power group"
"$BIN" run "$P/idle-m/scenario.resolved.yaml" --out "$P/idle-m2" >/dev/null 2>&1
cmp -s "$P/idle-m/scenario.resolved.yaml" "$P/idle-m2/scenario.resolved.yaml" && cmp -s "$P/idle-m/power.csv" "$P/idle-m2/power.csv" \
  && ok "a measured-power run's resolved scenario reproduces it" || bad "measured-power resolved scenario differs"
"$BIN" run --set hardware.gpu=h100 --set hardware.gpus=8 --set model.name=llama-3.1-8b \
  --set calibration="$SRC/tests/data/calib-power-bad-number.yaml" >/dev/null 2>"$P/badpw.err"; rc=$?
[ $rc -eq 2 ] && grep -q "calib-power-bad-number.yaml:14:.*'energy_w_mean' is not a number" "$P/badpw.err" \
  && ok "corrupted power group: file:line:col, exit 2" || bad "corrupted power group (rc $rc: $(cat "$P/badpw.err"))"
grep -q "non-GPU rack power .* held at its nameplate value" "$T/azure-slice/run.log" \
  && ok "run.log says non-GPU rack power is held at nameplate" || bad "nameplate note"
# A binding per-GPU cap on an offline, prefill-heavy run: throughput falls, power.csv never exceeds the cap.
OFF="--set hardware.gpu=h100 --set hardware.gpus=8 --set model.name=llama-3.1-8b --set workload.synthetic.requests=300
  --set workload.synthetic.rate=0 --set workload.synthetic.input_tokens=2000 --set workload.synthetic.output_tokens=100"
"$BIN" run --out "$P/free" $OFF >/dev/null 2>&1
"$BIN" run --out "$P/cap" $OFF --set power.gpu_cap=400W >/dev/null 2>&1
awk -v a="$(col "$P/cap/summary.csv" output_tok_per_s)" -v b="$(col "$P/free/summary.csv" output_tok_per_s)" 'BEGIN{exit !(a < 0.97 * b)}' &&
  awk -F, 'NR>1 && $2 > 8 * 400 {e=1} NR>1 && $5 < 1 {t=1} END{exit e || !t}' "$P/cap/power.csv" &&
  awk -F, 'NR>1 && $2 > 8 * 400 {f=1} END{exit !f}' "$P/free/power.csv" \
  && ok "a binding GPU cap lowers throughput and power.csv stays under it" || bad "GPU cap"
# Rack and site budgets hold in every second of power.csv; coalesced == step-by-step under them.
for b in "power.rack_budget=75kW" "power.site_budget=95kW"; do
  "$BIN" run "$SRC/tests/golden/azure-slice.yaml" --out "$P/b" --force --set "$b" >/dev/null 2>&1
  "$BIN" run "$SRC/tests/golden/azure-slice.yaml" --out "$P/b-step" --set "$b" --set sim.coalesce=false >/dev/null 2>&1
  sed -i 's/coalesce: false/coalesce: true/' "$P/b-step/scenario.resolved.yaml"
  colnum=3; lim=75000; [ "${b%%=*}" = power.site_budget ] && { colnum=4; lim=95000; }
  awk -F, -v c=$colnum -v l=$lim 'NR>1 && $c > l {e=1} NR>1 && $5 < 1 {t=1} END{exit e || !t}' "$P/b/power.csv" \
    && ok "$b holds in power.csv and throttles clocks" || bad "$b exceeded or never bound"
  same_run "$P/b" "$P/b-step" && cmp -s "$P/b/power.csv" "$P/b-step/power.csv" \
    && ok "coalesced == step-by-step under $b" || bad "coalesced != step-by-step under $b"
  rm -rf "$P/b-step"
done
cmp -s "$T/azure-slice/power.csv" "$T/again/power.csv" && ok "power.csv deterministic" || bad "power.csv determinism"
# Rental price: usd_per_gpu_hour is the price; cost columns defined.
"$BIN" run --out "$P/rent" --set workload.max_requests=50 --set cost.gpu_hour=4.91625 >/dev/null 2>&1
[ "$(col "$P/rent/summary.csv" usd_per_gpu_hour)" = 4.91625 ] && [ -n "$(col "$P/rent/summary.csv" usd_per_mtok_output)" ] \
  && ok "cost.gpu_hour replaces the capex model" || bad "rental price"
# rackscale site: racks that fit and scaled throughput.
"$BIN" site --out "$P/site" --set workload.max_requests=50 --set power.site_budget=1MW >"$P/site.txt" 2>&1 &&
  grep -q "racks that fit: 6 (432 GPUs)" "$P/site.txt" && [ -s "$P/site/site.csv" ] \
  && ok "rackscale site" || { bad "rackscale site"; head -5 "$P/site.txt"; }
"$BIN" site --set workload.max_requests=5 >/dev/null 2>"$P/site.err"; [ $? -eq 2 ] && grep -q "power.site_budget" "$P/site.err" \
  && ok "rackscale site without a budget exits 2" || bad "site without budget"
expect_error "rack budget below idle" "power.rack_budget=40 kW is not above the idle floor of one rack: 72 GPUs x 170 W idle + 33.6 kW non-GPU = 45.84 kW" --set power.rack_budget=40kW
expect_error "site budget below idle" "power.site_budget=50 kW is not above the idle floor of the site" --set power.site_budget=50kW
expect_error "GPU cap below idle" "power.gpu_cap=100 W is not above the idle power of one gb200 GPU (170 W)" --set power.gpu_cap=100W
expect_error "PUE below 1" "power.pue: must be >= 1, got 0.9" --set power.pue=0.9
expect_error "negative price" "cost.electricity: must be >= 0, got -0.1" --set cost.electricity=-0.1
expect_error "power without unit" "power.gpu_cap: expected a power with a unit" --set power.gpu_cap=500

# 9. Fabrics and collectives: topo show/dot/check, collective CSV, bad inputs.
EX="$SRC/scenarios/examples"
"$BIN" topo show "$EX/nvl72x16-efa.yaml" >"$T/topo.txt" 2>&1 && grep -q "^GPUs  *1152 x gb200 in 16 NVLink" "$T/topo.txt" \
  && grep -q "^diameter  *4 hops" "$T/topo.txt" && grep -q "^connected  *yes" "$T/topo.txt" && ok "topo show" || { bad "topo show"; cat "$T/topo.txt"; }
"$BIN" topo show --set hardware.gpu=h100 --set hardware.gpus=32 --set topology.kind=hgx-ib | grep -q "^bisection .*0.80 TB/s .*exact" \
  && ok "topo show: exact bisection of a one-group tree (32 x 400 Gbit/s / 2)" || bad "topo show bisection"
"$BIN" topo dot "$EX/p5x4-efa.yaml" >"$T/t.dot" && head -1 "$T/t.dot" | grep -q "^graph topology" && [ "$(grep -c -- ' -- ' "$T/t.dot")" -gt 64 ] \
  && ok "topo dot" || bad "topo dot"
"$BIN" topo check "$EX/nvl72x16-efa.yaml" | grep -q "^ok: 1152 GPUs connected" && ok "topo check" || bad "topo check"
"$BIN" collective "$EX/p5x4-efa.yaml" --op all_reduce --sizes 1M:8G --out "$T/coll" >/dev/null 2>"$T/coll.txt" \
  && [ "$(head -1 "$T/coll/collective.csv")" = "op,gpus,size_bytes,time_us,algbw_GBps,busbw_GBps,algo" ] \
  && [ "$(wc -l <"$T/coll/collective.csv")" -eq 15 ] && grep -q "^all_reduce,32,8589934592," "$T/coll/collective.csv" \
  && ok "collective CSV (1M:8G = 14 sizes)" || { bad "collective CSV"; cat "$T/coll.txt"; }
# All-to-all of 64 MiB on 2 NVL72 racks over EFA, by hand: each GPU sends 64 MiB / 144 to each of the
# 72 GPUs of the other rack = 33554432 B through its 400 Gbit/s (50 GB/s) NIC = 671.09 us; both racks'
# NICs of one rail share a leaf: 2 cable hops x 4 us = 8 us; + 11.5 us NCCL network message cost
# (printed by the command) = 690.59 us. NVLink's part (half the bytes at 0.9 TB/s x fit) runs alongside.
"$BIN" collective --set hardware.gpus=1152 --set topology.kind=nvl72-efa --op all_to_all --sizes 64M --gpus 144 \
  --out "$T/coll-racks" >"$T/coll-racks.txt" 2>&1 && grep -q "11.5 us per inter-domain message" "$T/coll-racks.txt" \
  && awk -F, 'NR == 2 && $2 == 144 && $3 == 67108864 && $4 > 690.54 && $4 < 690.64 && $7 == "direct" { f = 1 }
              END { exit !f }' "$T/coll-racks/collective.csv" \
  && ok "collective across racks: 690.59 us by hand" || { bad "collective across racks"; cat "$T/coll-racks.txt"; }
# --algo: each forced algorithm is reported in the algo column; auto on H100 HGX picks NVLS for 256 MiB on 8 GPUs.
for a in ring tree nvls; do
  "$BIN" collective "$EX/p5x4-efa.yaml" --algo $a --sizes 8K:1G:8 --out "$T/coll-$a" >/dev/null 2>&1 \
    && [ "$(grep -c ",$a\$" "$T/coll-$a/collective.csv")" -eq 6 ] && ok "collective --algo $a" || bad "collective --algo $a"
done
"$BIN" collective --set hardware.gpu=h100 --set hardware.gpus=8 --set topology.kind=hgx --sizes 256M --out "$T/coll-auto" \
  >/dev/null 2>&1 && grep -q "^all_reduce,8,268435456,.*,nvls$" "$T/coll-auto/collective.csv" \
  && ok "collective --algo auto picks nvls on 8 H100" || bad "collective --algo auto"
"$BIN" run "$EX/nvl72x16-efa.yaml" --set workload.max_requests=300 --out "$T/fabric-run" >/dev/null 2>&1 \
  && grep -q "^1152,576,2," "$T/fabric-run/summary.csv" && ok "run on nvl72-efa (replicas on the GPU hosts)" || bad "run on nvl72-efa"
expect_error_cmd() {  # name, expected substring, args...
  local name=$1 want=$2; shift 2
  "$BIN" "$@" >/dev/null 2>"$T/err.txt"; rc=$?
  if [ $rc -eq 2 ] && grep -qF -- "$want" "$T/err.txt" && [ "$(wc -l <"$T/err.txt")" -le 1 ]; then ok "bad input: $name"
  else bad "bad input: $name (rc=$rc)"; echo "  wanted: $want"; echo "  got:    $(cat "$T/err.txt")"; fi
}
expect_error_cmd "disconnected topology" "--set topology.kind=nvl72: topology nvl72 does not connect its 2 NVLink domains" \
  topo check --set topology.kind=nvl72 --set hardware.gpus=144
expect_error_cmd "oversubscription < 1" "--set topology.oversubscription=0.5: topology.oversubscription: must be >= 1, got 0.5" \
  topo show --set topology.kind=nvl72-ib --set topology.oversubscription=0.5
expect_error_cmd "bandwidth without unit" "topology.nic_bandwidth: expected a bandwidth with a unit" \
  topo show --set topology.kind=hgx-efa --set hardware.gpu=h100 --set hardware.gpus=32 --set topology.nic_bandwidth=400
expect_error_cmd "racks x GPUs per rack" "--set topology.racks=8: 8 racks x 72 GPUs = 576 GPUs, but hardware.gpus=1152" \
  topo show "$EX/nvl72x16-efa.yaml" --set topology.racks=8
expect_error_cmd "collective on too many GPUs" "--gpus 64: 64 GPUs requested but the topology has 32" \
  collective "$EX/p5x4-efa.yaml" --gpus 64 --sizes 1M
expect_error_cmd "collective across unconnected domains" "does not connect" collective --set hardware.gpus=144 --sizes 1M
expect_error_cmd "unknown collective" "unknown collective 'allreduce'" collective --op allreduce
expect_error_cmd "bad sizes" "--sizes 8G:1M: MAX" collective --sizes 8G:1M
expect_error_cmd "sizes that do not grow" "--sizes 1:1K:1.5: size factor 1.5 does not grow 1 bytes" \
  collective --sizes 1:1K:1.5
expect_error_cmd "size below 1 byte" "--sizes 0.5: size '0.5' is below 1 byte" collective --sizes 0.5
expect_error_cmd "too many sizes" "more than 10000 sizes" collective --sizes 10000:1G:1.0001
expect_error_cmd "negative --gpus" "--gpus -8: expected a number of GPUs >= 1" collective --gpus -8 --sizes 1M
# Irregular trees (odd racks, partial leaf groups/pods): bisection is exact, not an estimate.
"$BIN" topo show "$EX/nvl72x16-efa.yaml" --set hardware.gpus=1080 --set topology.racks=15 | grep -q "^bisection .*exact: min cut" \
  && ok "topo show: exact bisection of an odd rack count" || bad "topo show odd racks"
# Pod size: 16 racks in pods of 6 (3 tiers, last pod partial).
"$BIN" topo show "$EX/nvl72x16-efa.yaml" --set topology.racks_per_pod=6 | grep -q "^switches .* in 3 pods of 6 domains (last one partial) (3-tier" \
  && ok "topo show: racks_per_pod" || bad "topo show racks_per_pod"

# topo check: TP / EP / PP placement. Errors exit 2 with nothing on stdout; EP across domains is a warning.
DS="--set model.name=deepseek-r1 --set parallelism.tp=8"
"$BIN" topo check "$EX/nvl72x16-efa.yaml" $DS --set parallelism.ep=64 --set parallelism.pp=2 >"$T/place.txt" 2>&1 \
  && grep -q "^instances: 9 of 128 GPUs (pp=2 stage(s) of 64 GPUs)" "$T/place.txt" \
  && grep -q "^EP: 18 group(s) of ep=64 (8 TP group(s) each); 14 of them span NVLink domains" "$T/place.txt" \
  && grep -q "^warning: EP all-to-all crosses NVLink domains: 29.6% .* over EFA NICs" "$T/place.txt" \
  && grep -q "^PP: 2 stages of 64 GPUs per instance; 9 stage boundaries: 0 over NVLink, 1 over the scale-out NICs" "$T/place.txt" \
  && ok "topo check: EP across racks warns, PP links reported (exit 0)" || { bad "topo check placement"; cat "$T/place.txt"; }
"$BIN" topo check "$EX/nvl72x16-efa.yaml" $DS --set parallelism.ep=8 --set parallelism.pp=9 >"$T/place.txt" 2>&1 \
  && grep -q "^EP: .* each inside one NVLink domain: all-to-all on NVLink" "$T/place.txt" && ! grep -q "^warning" "$T/place.txt" \
  && grep -q "128 stage boundaries: 128 over NVLink" "$T/place.txt" \
  && ok "topo check: EP and PP inside racks" || { bad "topo check inside racks"; cat "$T/place.txt"; }
expect_check_error() {  # name, expected substring, args... (topo check: exit 2, one line on stderr, empty stdout)
  local name=$1 want=$2; shift 2
  "$BIN" topo check "$@" >"$T/out.txt" 2>"$T/err.txt"; rc=$?
  if [ $rc -eq 2 ] && grep -qF -- "$want" "$T/err.txt" && [ "$(wc -l <"$T/err.txt")" -le 1 ] && [ ! -s "$T/out.txt" ]; then
    ok "topo check bad input: $name"
  else bad "topo check bad input: $name (rc=$rc)"; echo "  wanted: $want"; echo "  got:    $(cat "$T/err.txt" "$T/out.txt")"; fi
}
expect_check_error "EP on a dense model" "--set parallelism.ep=8: ep=8 needs a mixture-of-experts model, but llama-3.1-70b is dense" \
  --set parallelism.ep=8
expect_check_error "ep not dividing the experts" "--set parallelism.ep=72: ep=72 does not divide the 256 routed experts of deepseek-r1" \
  $DS --set parallelism.ep=72
expect_check_error "ep not a multiple of tp" "--set parallelism.ep=4: ep=4 is not a multiple of tp=8" $DS --set parallelism.ep=4
expect_check_error "TP larger than a domain (auto path)" "--set parallelism.tp=16: tp=16 is larger than the NVLink domain (8 GPUs in hgx-efa)" \
  --set hardware.gpu=h100 --set hardware.gpus=16 --set topology.kind=hgx-efa --set parallelism.tp=16
expect_check_error "TP larger than a domain (with pp)" "--set parallelism.tp=16: tp=16 is larger than the NVLink domain (8 GPUs)" \
  --set hardware.gpu=h100 --set hardware.gpus=16 --set topology.kind=hgx-efa --set parallelism.tp=16 --set parallelism.pp=2
expect_check_error "TP not dividing a domain" "--set parallelism.tp=16: tp=16 does not divide the NVLink domain of 72 GPUs" \
  "$EX/nvl72x16-efa.yaml" --set parallelism.tp=16 --set parallelism.pp=2
expect_check_error "instance larger than the GPUs" "--set parallelism.pp=8: a model instance of pp=8 x ep=256 = 2048 GPUs needs more than the 1152 GPUs" \
  "$EX/nvl72x16-efa.yaml" $DS --set parallelism.ep=256 --set parallelism.pp=8
expect_check_error "pp above the layers" "--set parallelism.pp=200: pp=200 is more pipeline stages than the 126 layers of llama-3.1-405b" \
  --set model.name=llama-3.1-405b --set parallelism.pp=200
expect_check_error "pp with auto tp" "--set parallelism.pp=2: parallelism.tp=0 (auto) is chosen by the serving memory plan" --set parallelism.pp=2
expect_check_error "ep = 0" "parallelism.ep: must be >= 1, got 0" --set parallelism.ep=0
expect_check_error "pp = -1" "parallelism.pp: must be >= 1, got -1" --set parallelism.pp=-1
expect_error "run with ep > 1" "--set parallelism.ep=8: expert parallelism (ep=8) is not simulated yet" $DS --set parallelism.ep=8
expect_error "run with pp > 1" "--set parallelism.pp=2: pipeline parallelism (pp=2) is not simulated yet" --set parallelism.pp=2
expect_error_cmd "pods not splitting the racks" "--set topology.pods=3: 16 racks do not split into pods=3 equal pods" \
  topo show "$EX/nvl72x16-efa.yaml" --set topology.pods=3
expect_error_cmd "pods x racks_per_pod != racks" "--set topology.pods=3: pods=3 x racks_per_pod=4 = 12 racks, but hardware.gpus=1152 makes 16" \
  topo show "$EX/nvl72x16-efa.yaml" --set topology.pods=3 --set topology.racks_per_pod=4
expect_error_cmd "pod not whole leaf groups" "--set topology.racks_per_pod=5: a pod of 5 domains is not a whole number of leaf groups" \
  topo show "$EX/nvl72x16-efa.yaml" --set topology.racks_per_pod=5
expect_error_cmd "pod size with 2 tiers" "a pod size needs tiers: 3" \
  topo show "$EX/nvl72x16-efa.yaml" --set topology.racks_per_pod=6 --set topology.tiers=2
expect_error_cmd "negative racks_per_pod" "topology.racks_per_pod: must be >= 0, got -1" \
  topo show "$EX/nvl72x16-efa.yaml" --set topology.racks_per_pod=-1
expect_error_cmd "topo check: tp not dividing the heads, with pp" "parallelism.tp=3: tp=3 does not divide the 64 attention heads" \
  topo check "$EX/nvl72x16-efa.yaml" --set parallelism.tp=3 --set parallelism.pp=2
expect_error_cmd "unknown --algo" "--algo rings: unknown algorithm 'rings'" collective --algo rings --sizes 1M
expect_error_cmd "--algo nvls without NVLink SHARP" "--algo nvls: GPU 'rubin' has no NVLink SHARP" \
  collective --set hardware.gpu=rubin --algo nvls --sizes 1M
expect_error_cmd "--algo tree on all_gather" "--algo tree: algorithm 'tree' is not modelled for all_gather: it runs 'ring' only" \
  collective --op all_gather --algo tree --sizes 1M
expect_error_cmd "--algo ring on all_to_all" "--algo ring: algorithm 'ring' is not modelled for all_to_all: it runs 'direct' only" \
  collective --op all_to_all --algo ring --sizes 1M
"$BIN" topo show "$EX/nvl72x16-efa.yaml" --set topology.pods=1 >"$T/onepod.txt" 2>&1 && grep -q "in 1 pod of 16 domains" "$T/onepod.txt" \
  && ok "one 3-tier pod holding all 16 racks" || bad "one pod of 16 racks rejected: $(head -c 300 "$T/onepod.txt")"

finish
