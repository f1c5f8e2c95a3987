#!/usr/bin/env bash
# Distinct kernel outcomes over time, same budget and seeds (bench/RESULTS.md, issue 14):
# fuzz_kernel with the kernel-outcome counters, fuzz_kernel on code coverage only
# (NFZ_COUNTERS=0), and the stress loop's generator run by the same harness
# (NFZ_SOURCE=stress, inputs ignored). One libFuzzer process each (-seed=1), on tmpfs,
# seeded with corpus/fuzz_kernel encoded; then bench/fuzz_outcomes.png (gnuplot).
# Usage: bench/fuzz_outcomes_compare.sh FUZZ_KERNEL_BINARY SECONDS WORKDIR   (root; run under
# flock -x /tmp/nameifuzz-bench.lock)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:?binary} budget=${2:?seconds} work=${3:?workdir}
mkdir -p "$work/seeds"
for f in "$root"/corpus/fuzz_kernel/*.nfz; do "$bin" --encode="$f" >"$work/seeds/$(basename "$f" .nfz)"; done
for arm in counters coverage stress; do
  rm -rf "${work:?}/$arm"; mkdir -p "$work/$arm/corpus"
  cp "$work"/seeds/* "$work/$arm/corpus/"
  env=(NFZ_TARGET=tmpfs NFZ_FINDINGS="$work/$arm/findings" NFZ_OUTCOMES_LOG="$work/$arm/outcomes.log")
  case $arm in coverage) env+=(NFZ_COUNTERS=0) ;; stress) env+=(NFZ_SOURCE=stress) ;; esac
  (cd "$work/$arm" && env "${env[@]}" ASAN_OPTIONS=detect_leaks=0 "$bin" -seed=1 -max_total_time="$budget" \
     -max_len=384 -dict="$root/fuzz/fuzz_kernel.dict" -artifact_prefix="$work/$arm/" corpus >log.txt 2>&1) || true
done
"$root/bench/fuzz_outcomes_plot.sh" "$work" "$root/bench/fuzz_outcomes.png"
