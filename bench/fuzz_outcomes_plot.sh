#!/usr/bin/env bash
# Plots WORKDIR/{counters,coverage,stress}/outcomes.log ("seconds runs outcomes" lines, from
# fuzz_kernel's NFZ_OUTCOMES_LOG) as distinct kernel outcomes over time into PNG, and prints
# a table: outcomes at each minute and at the end, and runs.
set -euo pipefail
work=${1:?workdir} png=${2:?png}
command -v gnuplot >/dev/null || { echo "fuzz_outcomes_plot: needs gnuplot (apt-get install gnuplot-nox)" >&2; exit 2; }
gnuplot <<PLOT
set terminal pngcairo size 900,540 noenhanced
set output "$png"
set title "fuzz_kernel on tmpfs: distinct kernel outcomes over time (same seeds and budget)"
set xlabel "seconds"
set ylabel "distinct kernel outcomes"
set key right bottom
set grid
plot "$work/counters/outcomes.log" using 1:3 with lines lw 2 title "fuzz_kernel, kernel-outcome counters", \
     "$work/coverage/outcomes.log" using 1:3 with lines lw 2 title "fuzz_kernel, code coverage only", \
     "$work/stress/outcomes.log" using 1:3 with lines lw 2 title "stress loop generator"
PLOT
printf "| arm | 60 s | 120 s | end | runs | runs/s |\n|---|---|---|---|---|---|\n"
for arm in counters coverage stress; do
  awk -v arm="$arm" '
    { t=$1; r=$2; o=$3; if (t <= 60) a=o; if (t <= 120) b=o; last_t=t; last_r=r; last_o=o }
    END { printf "| %s | %d | %d | %d (%.0f s) | %d | %.1f |\n", arm, a, b, last_o, last_t, last_r, last_r/last_t }' \
    "$work/$arm/outcomes.log"
done
