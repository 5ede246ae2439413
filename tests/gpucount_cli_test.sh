#!/usr/bin/env bash
# Any number of GPUs, end to end: 1, 2, 4, 12, 36 and 1,000 GPUs run with a
# tiny workload; the layout is in run.log and `topo show`; 12 H100 at tp=8
# warn about 4 idle GPUs and count them in power; tp larger than the only
# (partial) domain is a clear error.
source "$(dirname "$0")/lib.sh" "$@"
TINY="--set workload.max_requests=20"
col() {  # summary.csv column by name
  awk -F, -v k="$2" 'NR==1{for(i=1;i<=NF;i++) if($i==k) c=i} NR==2{print $c}' "$1/summary.csv"
}
run_ok() {  # name, expected run.log substring, expected gpus, expected replicas, args...
  local name=$1 want=$2 gpus=$3 reps=$4; shift 4
  if "$BIN" run $TINY --out "$T/$name" "$@" >/dev/null 2>"$T/$name.err" && grep -qF -- "$want" "$T/$name/run.log" &&
     [ "$(col "$T/$name" gpus)" = "$gpus" ] && [ "$(col "$T/$name" replicas)" = "$reps" ] &&
     [ "$(col "$T/$name" completed)" = 20 ]; then ok "$name"
  else bad "$name"; echo "  wanted: $want, gpus $gpus, replicas $reps"; cat "$T/$name.err"; head -3 "$T/$name/run.log" 2>/dev/null; fi
}
H100="--set hardware.gpu=h100"
run_ok "1 H100" "1 HGX node with 1 of 8 GPUs" 1 1 $H100 --set hardware.gpus=1 --set model.name=llama-3.1-8b
run_ok "2 H100" "1 HGX node with 2 of 8 GPUs" 2 2 $H100 --set hardware.gpus=2 --set model.name=llama-3.1-8b
run_ok "4 H100 at tp=4" "1 HGX node with 4 of 8 GPUs" 4 1 $H100 --set hardware.gpus=4 --set parallelism.tp=4 \
  --set serving.max_model_len=8192
run_ok "12 H100 at tp=8" "1 full HGX node + 1 node with 4 GPUs" 12 1 $H100 --set hardware.gpus=12 --set parallelism.tp=8
run_ok "4 GB200 (one compute tray)" "non-GPU power: 3 kW shared + 1.7 kW per compute tray" 4 2 --set hardware.gpus=4
run_ok "36 GB200 (half a rack)" "1 NVL72 rack with 36 of 72 GPUs" 36 18 --set hardware.gpus=36
run_ok "1,000 GB200" "13 full NVL72 racks + 1 rack with 64 GPUs" 1000 500 --set hardware.gpus=1000

# 12 H100, tp=8: one replica, a warning for the 4 idle GPUs (stderr and run.log).
w="warning: 4 of 12 GPUs stay idle"
if grep -qF "$w" "$T/12 H100 at tp=8.err" && grep -qF "$w" "$T/12 H100 at tp=8/run.log"; then ok "12 H100: idle warning"
else bad "12 H100: idle warning"; cat "$T/12 H100 at tp=8.err"; fi
# The idle GPUs count in power: against 8 H100 running the same single replica, the
# facility draws (4 x 100 W idle + 4 x 575 W non-GPU) x PUE 1.3 + 4 x 30 W network
# = 3630 W more at every instant (h100.yaml idle_power, tray_host_power; power.pue,
# power.network_per_gpu defaults); the span and the replica's work are the same.
"$BIN" run $TINY --out "$T/8h100" $H100 --set hardware.gpus=8 --set parallelism.tp=8 >/dev/null 2>&1
d=$(awk -v a="$(col "$T/12 H100 at tp=8" avg_power_w)" -v b="$(col "$T/8h100" avg_power_w)" 'BEGIN{printf "%.3f", a-b}')
s12=$(col "$T/12 H100 at tp=8" sim_time_s); s8=$(col "$T/8h100" sim_time_s)
if [ "$d" = "3630.000" ] && [ "$s12" = "$s8" ]; then ok "12 H100: 4 idle GPUs add 3630 W"
else bad "12 H100: 4 idle GPUs add 3630 W (got $d W; spans $s12 / $s8)"; fi

# A TP group must fit inside one domain: 4 H100 make one node of 4.
"$BIN" run $TINY --out "$T/tp8" $H100 --set hardware.gpus=4 --set parallelism.tp=8 >/dev/null 2>"$T/tp8.err"; rc=$?
if [ $rc -eq 2 ] && [ ! -e "$T/tp8" ] && [ "$(wc -l <"$T/tp8.err")" -eq 1 ] &&
   grep -qF "error: --set parallelism.tp=8: tp=8 does not fit: hardware.gpus=4 makes 1 HGX node with 4 of 8 GPUs" "$T/tp8.err"
then ok "tp=8 on 4 H100: exit 2, one line"; else bad "tp=8 on 4 H100 (rc=$rc)"; cat "$T/tp8.err"; fi

# topo show / check say how the GPUs are laid out and what stays idle.
"$BIN" topo show --set hardware.gpus=1000 --set topology.kind=nvl72-ib >"$T/show.txt" 2>&1
if grep -q "^layout .*13 full NVL72 racks + 1 rack with 64 GPUs" "$T/show.txt" &&
   grep -q "^GPUs .*1000 x gb200 in 14 NVLink domain" "$T/show.txt"; then ok "topo show: 1,000 GB200 layout"
else bad "topo show: 1,000 GB200 layout"; cat "$T/show.txt"; fi
"$BIN" topo check $H100 --set hardware.gpus=12 --set parallelism.tp=8 --set topology.kind=hgx-ib >"$T/check.txt" 2>&1
if grep -q "^warning: 4 of the 12 GPUs stay idle" "$T/check.txt"; then ok "topo check: 12 H100 at tp=8 warns"
else bad "topo check: 12 H100 at tp=8 warns"; cat "$T/check.txt"; fi
# Collectives on a fleet with a partial rack: whole racks run (the partial rack's NIC
# slots without a GPU are left out of the platform); reaching into it is an error.
if "$BIN" collective --set hardware.gpus=1000 --set topology.kind=nvl72-efa --op send_recv --gpus 144 --sizes 64M \
     >"$T/coll.txt" 2>&1 && grep -q "^ *67108864 .* direct" "$T/coll.txt"; then ok "collective on 2 of 14 racks"
else bad "collective on 2 of 14 racks"; cat "$T/coll.txt"; fi
"$BIN" collective --set hardware.gpus=1000 --set topology.kind=nvl72-efa --sizes 64M >/dev/null 2>"$T/coll.err"; rc=$?
if [ $rc -eq 2 ] && grep -qF "1000 GPUs span NVLink domains of 72: use at most 72 or a multiple of 72" "$T/coll.err"
then ok "collective into the partial rack: exit 2"; else bad "collective into the partial rack (rc=$rc)"; cat "$T/coll.err"; fi
finish
