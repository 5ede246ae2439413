#!/usr/bin/env bash
# rackscale site end to end: the racks that fit a budget (worked out here from
# the preset), site.csv scaled from the run's own summary, and site.csv written
# into the run folder before its one commit (a failing site leaves no folder).
source "$(dirname "$0")/lib.sh" "$@"
W="--set workload.synthetic.requests=40 --set workload.synthetic.rate=20"
# A preset value: the number after "value:" under key $2 in models/hardware/$1.yaml.
preset() { awk -v k="$2:" '$1==k{f=1;next} f&&$1=="value:"{print $2; exit}' "$SRC/models/hardware/$1.yaml"; }
col() {  # file column -> value of the one data row
  awk -F, -v c="$2" 'NR==1{for(i=1;i<=NF;i++) if($i==c) n=i} NR==2{print $n}' "$1"
}

# 1 MW of GB200 NVL72 racks. One rack at full load, by hand: IT = 72 x tdp + host_power
# (the rack's non-GPU power), facility = IT x PUE 1.3 + 72 x 30 W network (scenario defaults).
tdp=$(preset gb200 tdp); host=$(preset gb200 host_power)
want=$(awk -v t="$tdp" -v h="$host" 'BEGIN{f=(72*t+h)*1.3+72*30; printf "%d %d", int(1e6/f), int(1e6/f)*72}')
set -- $want; want_racks=$1; want_gpus=$2
"$BIN" site --out "$T/site" $W --set power.site_budget=1MW >"$T/site.txt" 2>"$T/site.err"
rc=$?
[ $rc = 0 ] && grep -q "racks that fit: $want_racks ($want_gpus GPUs)" "$T/site.txt" &&
  ok "site: $want_racks racks fit 1 MW (by hand: (72 x $tdp W + $host W) x 1.3 + 72 x 30 W per rack)" ||
  { bad "site racks (rc $rc, want $want_racks)"; cat "$T/site.txt" "$T/site.err" | head -5; }
for f in site.csv summary.csv requests.csv run.log scenario.resolved.yaml; do
  [ -s "$T/site/$f" ] || bad "site folder lacks $f"
done
[ "$(col "$T/site/site.csv" racks)" = "$want_racks" ] && [ "$(col "$T/site/site.csv" gpus)" = "$want_gpus" ] &&
  ok "site.csv: racks and gpus" || bad "site.csv racks/gpus: $(cat "$T/site/site.csv")"

# site.csv follows from the run's own summary.csv: rates x site GPUs / simulated GPUs, ratios as they are.
S="$T/site/summary.csv" C="$T/site/site.csv"
sim=$(col "$S" gpus)
check_scaled() {  # site column, summary column, factor
  awk -v a="$(col "$C" "$1")" -v b="$(col "$S" "$2")" -v k="$3" \
    'BEGIN{d=a-b*k; if(d<0)d=-d; exit !(b!="" && d <= 1e-6*(a<0?-a:a) + 1e-9)}'
}
k=$(awk -v g="$want_gpus" -v s="$sim" 'BEGIN{printf "%.12g", g/s}')
bad_cols=""
for pair in output_tok_per_s:output_tok_per_s input_tok_per_s:input_tok_per_s goodput_rps:goodput_rps \
            site_avg_power_w:avg_power_w site_peak_power_w:peak_power_w; do
  check_scaled "${pair%%:*}" "${pair##*:}" "$k" || bad_cols="$bad_cols ${pair%%:*}"
done
for c in slo_attainment usd_per_mtok_input usd_per_mtok_output; do check_scaled "$c" "$c" 1 || bad_cols="$bad_cols $c"; done
check_scaled usd_per_hour usd_per_gpu_hour "$want_gpus" || bad_cols="$bad_cols usd_per_hour"
[ "$sim" = 72 ] && [ -z "$bad_cols" ] && ok "site.csv = summary.csv scaled x $want_gpus/$sim" ||
  { bad "site.csv does not follow summary.csv:$bad_cols (simulated $sim)"; cat "$C" "$S"; }

# A budget above the idle floor but below one full rack: exit 2, one line, no folder at all.
"$BIN" site --out "$T/small" $W --set power.site_budget=100kW >/dev/null 2>"$T/small.err"
rc=$?
[ $rc = 2 ] && [ "$(wc -l <"$T/small.err")" = 1 ] &&
  grep -q '^error: --set power.site_budget=100kW: .*does not hold one rack at full load' "$T/small.err" &&
  [ ! -e "$T/small" ] && ok "a budget below one rack: exit 2 naming the --set, no folder" ||
  { bad "small budget (rc $rc)"; cat "$T/small.err"; }
# No budget at all.
"$BIN" site --out "$T/none" $W >/dev/null 2>"$T/none.err"
rc=$?
[ $rc = 2 ] && grep -q 'power.site_budget' "$T/none.err" && [ ! -e "$T/none" ] &&
  ok "no site budget: exit 2, no folder" || { bad "no budget (rc $rc)"; cat "$T/none.err"; }
# Nothing staged is left in the output's parent by any of these.
[ -z "$(ls -A "$T" | grep -i staging)" ] && ok "no staging folder left" || bad "staging left: $(ls -A "$T")"
finish
