#!/usr/bin/env bash
# Replays a fuzz target's committed corpus, then fuzzes it for SECONDS.
# Usage: run_fuzz.sh FUZZER CORPUS_DIR WORK_DIR SECONDS
# New inputs and crash files go to WORK_DIR (never into the source tree);
# a crash, leak, UB or an input slower than 10 s fails the test.
set -euo pipefail
bin=$1 corpus=$2 work=$3 seconds=$4
mkdir -p "$work/corpus" "$work/artifacts"
"$bin" -runs=0 -timeout=10 -rss_limit_mb=2048 -artifact_prefix="$work/artifacts/" "$corpus"
[ "$seconds" -gt 0 ] || exit 0
"$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=4096 -print_final_stats=1 \
  -artifact_prefix="$work/artifacts/" "$work/corpus" "$corpus"
