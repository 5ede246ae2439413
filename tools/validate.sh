#!/usr/bin/env bash
# Runs scenarios/validation/*.yaml and compares them with published.csv.
#   tools/validate.sh [build/rackscale] [extra --set args...]
# Writes results/validation/validation.csv; prints a Markdown table.
set -eu
BIN=${1:-build/rackscale}; shift || true
DIR=scenarios/validation; OUT=results/validation
mkdir -p "$OUT"
col() { awk -F, -v c="$2" 'NR==1{for(i=1;i<=NF;i++) if($i==c) k=i} NR==2{print $k}' "$1"; }
tmp=$(mktemp); trap 'rm -f "$tmp" "$tmp.done"' EXIT
echo "scenario,metric,published,modelled,unit,error_pct,calibration" >"$tmp"
echo "| scenario | metric | published | modelled | error |"
echo "|---|---|---|---|---|"
# published.csv: scenario,column,scale,published,unit,metric,source (source may contain commas)
tail -n +2 "$DIR/published.csv" | while IFS=, read -r scen column scale pub unit metric _rest; do
  run="$OUT/${scen%.yaml}"
  # Each scenario runs once per invocation (several rows may share it).
  grep -qxF "$scen" "$tmp.done" 2>/dev/null || { "$BIN" run "$DIR/$scen" --out "$run" --force "$@" >/dev/null 2>&1; echo "$scen" >>"$tmp.done"; }
  v=$(col "$run/summary.csv" "$column"); cal=$(col "$run/summary.csv" calibration_kind)
  mod=$(echo "$v * $scale" | bc -l); err=$(echo "($mod - $pub) / $pub * 100" | bc -l)
  printf '%s,%s,%s,%.1f,%s,%.1f,%s\n' "$scen" "$metric" "$pub" "$mod" "$unit" "$err" "$cal" >>"$tmp"
  printf '| %s | %s | %s %s | %.1f %s | %+.0f %% |\n' "${scen%.yaml}" "$metric" "$pub" "$unit" "$mod" "$unit" "$err"
done
mv "$tmp" "$OUT/validation.csv"
