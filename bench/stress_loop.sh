#!/usr/bin/env bash
# The stress loop end to end, beside tools that check nothing: rounds interleaved (every
# row once per round), medians. Rows:
#   nameifuzz stress, default oracles, --jobs 2 --threads 4, on tmpfs, ext4, fuse:strict;
#   the same on tmpfs with --fresh-every 1 --jobs 1 (a fresh mount per program, one job:
#   the loop as it was before resident sandboxes);
#   stress-ng --rename 2, --dentry 2, --open 2 on a private tmpfs (bogo ops/s);

# Usage: bench/stress_loop.sh BUILD_DIR [ROUNDS=3] [SECONDS=15]   (root)
set -u
build=$(realpath "${1:?usage: stress_loop.sh BUILD_DIR [ROUNDS] [SECONDS]}")
rounds=${2:-3}
secs=${3:-15}
nfz=$build/nameifuzz
work=$(mktemp -d /var/tmp/nameifuzz-bench-XXXXXX)
trap 'rm -rf "$work"' EXIT

nameifuzz_row() {  # args...: prints ops/s (and the titles of any findings, which do not stop the row)
  "$nfz" stress --duration "$secs" --seed 1 --quiet --keep-going --confirm 0 --findings "$work/findings" --json "$work/s.json" "$@" \
    >/dev/null 2>"$work/err"
  code=$?
  [ "$code" -le 1 ] || { echo "(exit $code: $(tail -1 "$work/err"))"; return; }
  python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print(round(j["ops_per_s"]), end="")
for f in j["findings"]: print(" [finding: %s]" % f["title"].replace(" ", "_"), end="")
print()' "$work/s.json"
}

# stress-ng in a private mount namespace on a fresh tmpfs; prints bogo ops/s. Run from
# inside it: the open stressor makes files in the working directory despite --temp-path.
stress_ng_row() {  # stressor
  unshare -m sh -c "mount --make-rprivate / && mkdir -p '$work/t' && mount -t tmpfs nameifuzz-bench '$work/t' && \
    cd '$work/t' && stress-ng --$1 2 --timeout ${secs}s --temp-path '$work/t' --metrics-brief 2>&1" |
    awk -v s="$1" '$2 == "metrc:" && $4 == s {for (i = 5; i <= NF; i++) v[++n] = $i} END {print (n >= 5 ? int(v[5]) : "?")}'
}

declare -A results
rows=("tmpfs" "ext4" "fuse:strict" "baseline" "stress-ng-rename" "stress-ng-dentry" "stress-ng-open")
for r in $(seq 1 "$rounds"); do
  for row in "${rows[@]}"; do
    case "$row" in
      baseline) v=$(nameifuzz_row --target tmpfs --threads 4 --jobs 1 --fresh-every 1) ;;
      stress-ng-*) v=$(stress_ng_row "${row#stress-ng-}") ;;
      *) v=$(nameifuzz_row --target "$row" --threads 4 --jobs 2) ;;
    esac
    results[$row]+="$v "
    echo "round $r: $row $v (load $(cut -d' ' -f1 /proc/loadavg))" >&2
  done
done
# The median of a row's numbers (its finding titles left out).
median() { printf '%s\n' $1 | grep -E '^[0-9]+$' | sort -n | awk '{a[NR] = $1} END {print (NR ? a[int((NR + 1) / 2)] : "?")}'; }
echo "| row | rounds | median |"
echo "|---|---|---|"
for row in "${rows[@]}"; do echo "| $row | ${results[$row]}| **$(median "${results[$row]}")** |"; done
