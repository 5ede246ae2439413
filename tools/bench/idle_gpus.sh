#!/usr/bin/env bash
# Cost of GPUs that have nothing to do (not a test): GB200 clusters of growing
# size serving the same 1,000 requests of the Azure conversation trace, pinned
# to one core. Prints wall time and max RSS (/usr/bin/time -v) per size.
#   tools/bench/idle_gpus.sh [build/rackscale] [BASELINE_BIN]
# With BASELINE_BIN (a rackscale built from an earlier commit), also runs it
# at the sizes in CMP_SIZES (default 72 7200 36000) and reports whether every
# output file is byte-identical except summary.csv's wall_s column.
# SIZES overrides the sizes measured (default: 72 7200 36000 72000 1000008).
set -u
BIN=${1:-build/rackscale}
BASE=${2:-}
SIZES=${SIZES:-72 7200 36000 72000 1000008}
CMP_SIZES=${CMP_SIZES:-72 7200 36000}
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
ARGS=(--set hardware.gpu=gb200 --set workload.max_requests=1000)
strip_wall() { awk -F, 'NR==1{for(i=1;i<=NF;i++) if($i=="wall_s") w=i} {out=""; for(i=1;i<=NF;i++) if(i!=w) out=out (out==""&&i==1?"":",") $i; print out}' "$1"; }
measure() {  # label, binary, gpus, out
  /usr/bin/time -v -o "$T/time" taskset -c 0 "$2" run --out "$4" --force "${ARGS[@]}" --set hardware.gpus="$3" >/dev/null 2>"$T/err"
  local rc=$?
  local wall rss
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/{n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' "$T/time")
  rss=$(awk -F': ' '/Maximum resident set size/{printf "%.0f", $2/1024}' "$T/time")
  printf '%-9s gpus=%-8s rc=%-3s wall_s=%-8s max_rss_mb=%s\n' "$1" "$3" "$rc" "$wall" "$rss"
  [ $rc -eq 0 ] || head -c 300 "$T/err"
}
echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(uname -n) $(nproc) cores;$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2); load $(cut -d' ' -f1-3 /proc/loadavg)"
for n in $SIZES; do measure new "$BIN" "$n" "$T/new-$n"; done
# The power governor (caps and budgets) at the largest size.
BIG=${SIZES##* }
ARGS+=(--set power.rack_budget=75kW); measure rack75kW "$BIN" "$BIG" "$T/rack"; unset 'ARGS[${#ARGS[@]}-1]'; unset 'ARGS[${#ARGS[@]}-1]'
[ -n "$BASE" ] || exit 0
for n in $CMP_SIZES; do
  [ -d "$T/new-$n" ] || measure new "$BIN" "$n" "$T/new-$n"
  measure baseline "$BASE" "$n" "$T/base-$n"
  same=yes
  for f in requests.csv timeline.csv power.csv scenario.resolved.yaml; do cmp -s "$T/new-$n/$f" "$T/base-$n/$f" || same="no ($f)"; done
  [ "$(strip_wall "$T/new-$n/summary.csv")" = "$(strip_wall "$T/base-$n/summary.csv")" ] || same="no (summary.csv)"
  echo "compare   gpus=$n byte-identical except wall_s: $same"
done
