#!/usr/bin/env bash
# Checks every #include "..." (and <folder/...>) in the source tree against the
# layer order below: a folder may include itself and folders of LOWER layers
# only; folders on the same layer are independent. A source file in a folder
# that is not listed fails too, so that a new folder gets a place in the order.
# Usage: tools/check-layers.sh [root]   (exit 0: clean, 1: violations listed)
set -u
root=${1:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$root" || { echo "error: $root: cannot enter the source tree" >&2; exit 2; }

# Layer of each code folder (lower numbers are lower layers). Why this order:
#   collectives sit below perf: the iteration model prices a step's TP
#   all-reduce with the NVLink collective model; collectives place their flows
#   on topologies and the fluid network, which therefore sit below them.
#   cost sits below power: the power meter turns facility energy into $/Mtoken.
#   scenario is the composition root; tools (CLI, benchmarks) and tests use all.
declare -A layer=(
  [sim]=0
  [models/catalog]=1
  [models/workload]=2 [models/network]=2 [topologies]=2
  [models/collectives]=3
  [models/perf]=4
  [models/serving]=5
  [models/metrics]=6 [models/cost]=6
  [models/power]=7
  [models/scenario]=8
  [tools]=9 [tests]=9
)
# Data-only folders (presets, profiles, traces): no code may appear in them.
#   models/hardware models/llm models/calibration scenarios results docs-notes

# Temporary exceptions "file -> include", each with the change that removes it.
exceptions=(
)

# The folder a path belongs to: models/<x>, tools, tests, or its top folder.
folder_of() {
  case $1 in
    models/*/*) local r=${1#models/}; echo "models/${r%%/*}" ;;
    */*) echo "${1%%/*}" ;;
    *) echo "." ;;
  esac
}

if git rev-parse --is-inside-work-tree >/dev/null 2>&1 && [ "$(git rev-parse --show-toplevel)" = "$(pwd -P)" ]; then
  files=$(git ls-files --cached --others --exclude-standard)
else
  files=$(find . -path ./.git -prune -o -type f -print | sed 's|^\./||' | grep -v '^build')
fi
files=$(grep -E '\.(c|cc|cpp|cxx|h|hh|hpp|cu|cuh|in)$' <<<"$files")

bad=0
report() { echo "error: $1"; bad=$((bad + 1)); }
while IFS= read -r f; do
  [ -z "${layer[$(folder_of "$f")]+x}" ] &&
    report "$f: folder '$(folder_of "$f")' holds code but is not in the layer order (add it to tools/check-layers.sh)"
done <<<"$files"
# One pass over every file: "file:line:included path".
includes=$(xargs -d '\n' grep -nHE '^[[:space:]]*#[[:space:]]*include[[:space:]]*("[^"]+"|<(sim|models|topologies|tools|tests)/[^>]+>)' -- <<<"$files" |
           sed -E 's/^([^:]+):([0-9]+):[^"<]*["<]([^">]+)[">].*/\1:\2:\3/')
while IFS=: read -r f line inc; do
  [ -n "$f" ] || continue
  src=$(folder_of "$f")
  [ -n "${layer[$src]+x}" ] || continue  # reported above
  # No folder: a header next to the file (tools/calibrate/src), a system or a generated one.
  [[ $inc != */* ]] && continue
  dst=$(folder_of "$inc")
  [ "$dst" = "$src" ] && continue
  if [ -z "${layer[$dst]+x}" ]; then
    report "$f:$line: #include \"$inc\": folder '$dst' is not in the layer order"
    continue
  fi
  (( ${layer[$dst]} < ${layer[$src]} )) && continue
  excused=0
  for e in "${exceptions[@]}"; do [ "$e" = "$f -> $inc" ] && excused=1; done
  [ $excused = 1 ] && continue
  report "$f:$line: #include \"$inc\" goes against the layer order ($src, layer ${layer[$src]}, may include only lower layers; $dst is layer ${layer[$dst]})"
done <<<"$includes"

if [ $bad -gt 0 ]; then
  echo "$bad include(s) against the layer order: sim -> models/catalog -> models/workload, models/network, topologies -> models/collectives -> models/perf -> models/serving -> models/metrics, models/cost -> models/power -> models/scenario -> tools, tests"
  exit 1
fi
echo "layers ok: $(wc -l <<<"$files") source files"
