#!/usr/bin/env bash
# Time for fuzz_dcache to find each seeded variant of the dcache model from an empty
# corpus: RUNS runs per variant (seeds 1..RUNS), wall time until the crash, median.
# The sanitizers do not symbolize the abort's stack (symbolize=0): that alone is ~0.5 s
# per run and says nothing about finding the bug; the minimized report is in the time.
# Usage: bench/dcache_fuzz_time_to_find.sh BUILD_DIR [RUNS=5] [MAX_SECONDS=300]
set -u
build=${1:?usage: dcache_fuzz_time_to_find.sh BUILD_DIR [RUNS] [MAX_SECONDS]}
runs=${2:-5}
max=${3:-300}
fuzzer=$(realpath "$build")/fuzz/fuzz_dcache
[ -x "$fuzzer" ] || { echo "no $fuzzer (build target fuzz_dcache)" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "| variant | oracle found | runs | median s | min s | max s | median execs |"
echo "|---|---|---|---|---|---|---|"
# Every seeded variant of model/dcache/variant.cpp (`nameifuzz model --list`).
for v in atomic-open-fallback-2016 atomic-open-enoent-2016 d-alloc-parallel-braino-2016 \
         rcu-is-not-nonblock-2020 cached-tmpfile-odirectory-2023 legitimize-links-depth0-2025 \
         atomic-open-create-error-2013 lustre-atomic-open-2016 d-alloc-parallel-dir-seq-2016 \
         dir-seq-preempt-rt-2017 nd-depth-cached-unlazy-2021 ceph-hashed-negative-2026; do
  times=() execs=() oracles=() missed=0
  for seed in $(seq 1 "$runs"); do
    dir=$work/$v.$seed
    mkdir -p "$dir/corpus"
    start=$(date +%s.%N)
    (cd "$dir" && ASAN_OPTIONS=symbolize=0 UBSAN_OPTIONS=symbolize=0 NFZ_DCACHE_VARIANT=$v "$fuzzer" -seed="$seed" -max_total_time="$max" -max_len=256 \
        -print_final_stats=1 corpus >log 2>&1)
    rc=$?
    end=$(date +%s.%N)
    if [ "$rc" -eq 0 ]; then missed=$((missed + 1)); continue; fi
    times+=("$(echo "$end - $start" | bc)")
    execs+=("$(grep -m1 -oE 'stat::number_of_executed_units: *[0-9]+' "$dir/log" | grep -oE '[0-9]+$' || echo '?')")
    oracles+=("$(grep -m1 -oE '^ERROR: fuzz_dcache: [a-z.]+' "$dir/log" | awk '{print $3}')")
  done
  sorted=$(printf '%s\n' "${times[@]}" | sort -g)
  n=${#times[@]}
  med=$(echo "$sorted" | sed -n "$(( (n + 1) / 2 ))p")
  exm=$(printf '%s\n' "${execs[@]}" | sort -g | sed -n "$(( (n + 1) / 2 ))p")
  oracle=$(printf '%s\n' "${oracles[@]}" | sort -u | paste -sd/)
  printf '| %s | %s | %d/%d | %.2f | %.2f | %.2f | %s |\n' "$v" "$oracle" "$n" "$runs" "$med" \
    "$(echo "$sorted" | head -1)" "$(echo "$sorted" | tail -1)" "$exm"
  [ "$missed" -gt 0 ] && echo "($v: $missed runs found nothing in ${max}s)"
done
