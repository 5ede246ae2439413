#!/usr/bin/env bash
# Configure, build and run rackscale-calibrate in one command:
#   tools/calibrate/run.sh --quick --out /tmp/p.yaml
# BUILD_DIR (default /tmp/rackscale-calibrate-build) and JOBS (default: all
# cores) can be overridden. Build output goes to stderr so the tool's stdout
# (--dry-run, --check) stays clean.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
build_dir="${BUILD_DIR:-/tmp/rackscale-calibrate-build}"
jobs="${JOBS:-$(nproc 2>/dev/null || echo 2)}"

# nvcc is often not on PATH on fresh GPU machines.
if [ -z "${CUDACXX:-}" ] && ! command -v nvcc >/dev/null 2>&1; then
  for c in /usr/local/cuda/bin/nvcc /usr/local/cuda-*/bin/nvcc; do
    if [ -x "$c" ]; then export CUDACXX="$c"; break; fi
  done
fi

if [ ! -f "$build_dir/CMakeCache.txt" ]; then
  gen=()
  if command -v ninja >/dev/null 2>&1; then gen=(-G Ninja); fi
  cmake -S "$here" -B "$build_dir" "${gen[@]}" -DCMAKE_BUILD_TYPE=Release >&2
fi
cmake --build "$build_dir" -j "$jobs" >&2

exec "$build_dir/rackscale-calibrate" "$@"
