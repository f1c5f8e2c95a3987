#!/usr/bin/env bash
# --format ktap, --format json and --junit on the real output of stress, replay, diff,
# check and model: every KTAP output passes the validator (tests/report/ktap_validator.hpp,
# strict: nothing but KTAP on stdout), every JUnit file passes junit_check.py, every JSON
# summary names the version and the running kernel. Runs with a finding and with skipped
# oracles among them. Usage: report_formats.sh NAMEIFUZZ KTAP_VALIDATE SOURCE_DIR
set -u
bin=$1
validate=$2
src=$3
# shellcheck source=tests/cli/root_test_lib.sh
. "$(dirname "$0")/root_test_lib.sh" report
kernel=$(uname -r)

# run NAME WANT_EXIT ARGS...: the command with --format ktap and --junit, then its checks.
run() {
  local name=$1 want=$2
  shift 2
  "$bin" "$@" --format ktap --junit "$tmp/$name.xml" >"$tmp/$name.ktap" 2>"$tmp/$name.err"
  local got=$?
  [ "$got" -eq "$want" ] || { fail "$name: exit $got, want $want: $(tail -c 400 "$tmp/$name.err")"; return 1; }
  "$validate" "$tmp/$name.ktap" >"$tmp/$name.counts" 2>"$tmp/$name.verr" ||
    { fail "$name: invalid KTAP: $(head -5 "$tmp/$name.verr")"; return 1; }
  python3 "$src/tests/report/junit_check.py" "$tmp/$name.xml" >/dev/null 2>"$tmp/$name.jerr" ||
    { fail "$name: invalid JUnit: $(head -5 "$tmp/$name.jerr")"; return 1; }
  passed=$((passed + 1))
}

# has NAME PATTERN: the KTAP output has a line matching PATTERN (grep -E).
has() {
  if grep -qE "$2" "$tmp/$1.ktap"; then passed=$((passed + 1)); else fail "$1: no line matching '$2' in: $(cat "$tmp/$1.ktap")"; fi
}

junit_has() {
  if grep -qE "$2" "$tmp/$1.xml"; then passed=$((passed + 1)); else fail "$1: JUnit has no '$2'"; fi
}

cd "$tmp" || exit 2
data=$src/tests/oracles/data/linearizability

# stress, clean, with oracles skipped: the FUSE group on tmpfs has no fuse:* target.
run stress_skipped 0 stress --target tmpfs --programs 4 --seed 1 --oracles kernel.health,fuse --findings "$tmp/f1"
has stress_skipped '^  ok 1 kernel\.health$'
has stress_skipped '^  ok 4 lookup\.single # SKIP no fuse:\* target'
has stress_skipped '^ok 1 tmpfs$'
junit_has stress_skipped '<skipped message="no fuse:\* target'

# stress with a finding: a 1 ms deadline under 20 ms of injected FUSE latency.
run stress_finding 1 stress --target fuse:strict+latency --programs 3 --seed 1 --deadline-ms 1 --confirm 0 --findings "$tmp/f2"
has stress_finding '^  not ok 1 kernel\.health # kernel\.health: [a-z0-9]+ hung on fuse:strict\+latency$'
has stress_finding '^  # finding: kernel\.health: .* -> '
has stress_finding '^not ok 1 fuse:strict\+latency$'
junit_has stress_finding '<failure message="kernel\.health: [a-z0-9]+ hung on fuse:strict\+latency" type="finding">'

# The same run with its findings suppressed: out of KTAP, JUnit and the exit code, kept in the JSON.
printf '# hangs under injected latency\nkernel.health: * hung on fuse:strict+latency\n' >"$tmp/suppressions"
run stress_suppressed 0 stress --target fuse:strict+latency --programs 3 --seed 1 --deadline-ms 1 --findings "$tmp/f5" \
  --suppressions "$tmp/suppressions" --json "$tmp/suppressed.json"
has stress_suppressed '^  ok 1 kernel\.health$'
if python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); sys.exit(0 if j["findings"]==[] and j["suppressed"] and j["exit"]==0 and all(s["suppressed_by"].startswith("kernel.health") for s in j["suppressed"]) else 1)' \
     "$tmp/suppressed.json" 2>/dev/null; then passed=$((passed + 1)); else fail "suppressed findings not listed: $(head -c 400 "$tmp/suppressed.json")"; fi
"$bin" check "$data/rename_reorder.jsonl" --suppressions "$tmp/none" >"$tmp/out" 2>"$tmp/err"
[ $? -eq 2 ] && grep -q "^$tmp/none:0: cannot read$" "$tmp/err" && passed=$((passed + 1)) || fail "a missing suppressions file: $(cat "$tmp/err")"

# replay, one after another and concurrently.
run replay 0 replay "$src/corpus/examples/rename.nfz" --target tmpfs
has replay '^  ok 1 deadline$'
run replay_concurrent 0 replay "$src/corpus/examples/concurrent_create.nfz" --target tmpfs --threads-concurrent
has replay_concurrent '^ok 1 tmpfs$'

# diff: a short clean run.
run diff 0 diff --target tmpfs --seqs 10 --seed 1
has diff '^  ok 1 model\.syscall$'
has diff '^  ok 2 model\.io_uring$'

# check: a linearizable history, one that is not, and one over budget (unknown: a skip).
run check_ok 0 check "$data/rename_reorder.jsonl"
has check_ok '^  ok 1 linearizable$'
run check_finding 1 check "$data/excl_create_twice.jsonl"
has check_finding '^  not ok 1 linearizable # linearizable: open ok unexplained on tmpfs$'
run check_unknown 0 check "$data/excl_create_twice.jsonl" --budget-steps 1
has check_unknown '^  ok 1 linearizable # SKIP unknown: '

# model: the fixed rules stay clean, a seeded bug is caught.
run model_clean 0 model --variant fixed --budget 1
has model_clean '^  ok 1 splice\.twice$'
run model_finding 1 model --variant atomic-open-enoent-2016 --budget 10
has model_finding '^  not ok 1 splice\.twice # dcache: splice\.twice in '
run model_exhaustive 0 model --variant fixed --exhaustive --scenario "$("$bin" model --list | awk '/built-in scenarios:/{getline; print $1; exit}')"

# --format json: the summary on stdout alone, naming the version and this kernel.
want_version=$("$bin" --version | awk '{print $2}')
for cmd in "check $data/rename_reorder.jsonl" "model --variant fixed --budget 1" "diff --target tmpfs --seqs 2" \
           "replay $src/corpus/examples/rename.nfz" "stress --target tmpfs --programs 1 --findings $tmp/f3"; do
  # shellcheck disable=SC2086
  "$bin" $cmd --format json >"$tmp/summary.json" 2>/dev/null
  if python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); sys.exit(0 if j["kernel"]==sys.argv[2] and j["nameifuzz"]==sys.argv[3] and j["command"]==sys.argv[4] else 1)' \
       "$tmp/summary.json" "$kernel" "$want_version" "${cmd%% *}" 2>/dev/null; then
    passed=$((passed + 1))
  else
    fail "${cmd%% *} --format json: $(head -c 300 "$tmp/summary.json")"
  fi
done
# stress --json FILE carries the same stamp.
"$bin" stress --target tmpfs --programs 1 --findings "$tmp/f4" --json "$tmp/stress.json" >/dev/null 2>&1
grep -q "\"kernel\": \"$kernel\"" "$tmp/stress.json" && passed=$((passed + 1)) || fail "stress --json has no kernel release"

# A bad --format is a one-line usage error.
"$bin" check "$data/rename_reorder.jsonl" --format yaml >"$tmp/out" 2>"$tmp/err"
code=$?
if [ "$code" -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ]; then passed=$((passed + 1)); else fail "--format yaml: exit $code, $(cat "$tmp/err")"; fi

echo "report formats: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
