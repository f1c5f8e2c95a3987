#!/bin/sh
# The findings pipeline per injected fault (a test aid) and for a real finding: the
# confirm rate, the minimization time and the final size (bench/RESULTS.md rows).
# Run it alone on the machine: flock -x /tmp/nameifuzz-bench.lock bench/pipeline_minimize.sh build/nameifuzz
# Each line: name, target, the finding's oracle, rate, ops before -> after, minimize seconds.
set -u
NFZ=${1:-build/nameifuzz}
OUT=$(mktemp -d /var/tmp/nfz-pipeline-bench.XXXXXX)
BUDGET=${BUDGET:-60}
row() {  # name target oracles op-mix [extra stress args...]
  name=$1 target=$2 oracles=$3 mix=$4
  shift 4
  dir=$OUT/$name
  "$NFZ" stress --quiet --jobs 1 --threads "${THREADS:-2}" --seed "${SEED:-7}" --duration 30 --target "$target" --oracles "$oracles" \
    --op-mix "$mix" --confirm 20 --minimize-budget "$BUDGET" --findings "$dir" --json "$dir.json" "$@" \
    > /dev/null 2> "$dir.log"
  python3 - "$name" "$target" "$dir.json" <<'PY'
import json, sys
name, target, path = sys.argv[1:]
j = json.load(open(path))
if not j["findings"]:
    print(f"| {name} | {target} | no finding | | | |")
    sys.exit()
f = j["findings"][0]
print(f"| {name} | {target} | {f['oracle']} | {f.get('rate_text', '?')} | {f.get('original_ops', '?')} -> {f.get('reproducer_ops', '?')} | {f.get('minimize_seconds', 0):.1f} |")
PY
}
echo "| fault | target | oracle | confirm rate (reproducer) | ops | minimize s |"
echo "|---|---|---|---|---|---|"
row excl-double-success tmpfs linearizable open=40,symlink=0,link=0,mknod=0 --inject excl-double-success
row unlink-phantom tmpfs linearizable unlink=30,symlink=0,link=0,mknod=0 --inject unlink-phantom
row rename-phantom tmpfs linearizable rename=30,symlink=0,link=0,mknod=0 --inject rename-phantom
row inline-sleep tmpfs nonblock.issue default --inject inline-sleep
# The kernel's own inline OPEN sleep (docs/FINDINGS.md 1) suppressed, so that the finding is the fault's.
printf 'nonblock.issue: io_uring inline open* slept (fuse:OPEN)\n' > "$OUT/known"
row fuse-latency fuse:strict nonblock.issue default --inject fuse-latency --suppressions "$OUT/known"
row fuse-error fuse:strict negative.fresh drop_caches=10,symlink=0,link=0 --inject fuse-error
# The real finding: nonblock.issue on OPENDIR or GETATTR, the OPEN class suppressed.
THREADS=4 row real fuse:strict+latency nonblock default --suppressions "$OUT/known"
echo "(folders under $OUT)"
