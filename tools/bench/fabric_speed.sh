#!/usr/bin/env bash
# Speed of the fabric models (results/BENCHMARKS.md, "Fabrics and collectives").
# Usage: tools/bench/fabric_speed.sh [BUILD_DIR]   (default build; needs its fabric_bench)
set -eu
B=${1:-build}/fabric_bench
echo "# build + analyse NVL72-on-EFA topologies"
for g in 10008 36000 100008; do taskset -c 0 "$B" build $g; done
echo "# one expert-parallel all-to-all step (256 MiB per GPU) across R racks"
for r in 4 16 64; do taskset -c 0 "$B" a2a $r 268435456; done
echo "# 10^5 random cross-rack flows (16-256 MB) on 16 x NVL72, C in flight, fluid solver (equal sharing)"
for c in 250 1000 2000 3000 4000; do taskset -c 0 "$B" flows 16 100000 $c fluid; done
echo "# same traffic, 2 x 10^4 flows, 2,000 in flight: SimGrid's LMM vs the fluid solver with SimGrid's RTT weights (same answer) and equal weights"
for s in simgrid fluid-rtt fluid; do taskset -c 0 "$B" flows 16 20000 2000 $s; done
