#!/usr/bin/env bash
# The progress rule off a terminal: `nameifuzz diff|stress|model ... 2> log` leaves one
# plain line per progress report (no carriage return, each line a whole report, the
# last one the end), rounded figures. Usage: progress_log.sh NAMEIFUZZ
set -u
bin=$1
# shellcheck source=tests/cli/root_test_lib.sh
. "$(dirname "$0")/root_test_lib.sh" progress

# check NAME LINE_PATTERN LAST_PATTERN: the log of NAME is lines of reports only.
check() {
  local log=$tmp/$1.log
  if grep -q $'\r' "$log"; then fail "$1: a carriage return in the log: $(head -c 300 "$log" | od -c | head -5)"; return; fi
  if [ -s "$log" ] && [ "$(tail -c 1 "$log" | od -An -c | tr -d ' ')" != '\n' ]; then fail "$1: the log does not end with a newline"; return; fi
  local lines bad
  lines=$(wc -l <"$log")
  [ "$lines" -ge 1 ] || { fail "$1: no progress line"; return; }
  bad=$(grep -cvE "$2" "$log")
  [ "$bad" -eq 0 ] || { fail "$1: $bad lines are not progress reports: $(grep -vE "$2" "$log" | head -3)"; return; }
  tail -n 1 "$log" | grep -qE "$3" || { fail "$1: the last line is not the end: $(tail -n 1 "$log")"; return; }
  if grep -qE '[0-9]\.[0-9]{3,}' "$log"; then fail "$1: unrounded figures: $(grep -E '[0-9]\.[0-9]{3,}' "$log" | head -1)"; return; fi
  echo "$1: $lines progress lines"
  passed=$((passed + 1))
}

"$bin" diff --target tmpfs --seqs 400 --seed 1 >"$tmp/diff.out" 2>"$tmp/diff.log" || fail "diff: exit $?"
check diff '^diff: [0-9]+/400 programs, [0-9.]+k? ops, [0-9.]+ (s|min [0-9]+ s)$' '^diff: 400/400 programs'
# Each report counts more programs than the one before.
awk -F'[ /]' '{ if ($2 + 0 <= prev) exit 1; prev = $2 + 0 }' "$tmp/diff.log" && passed=$((passed + 1)) ||
  fail "diff: the reports do not go up: $(cat "$tmp/diff.log")"

"$bin" stress --target tmpfs --duration 3 --seed 1 --findings "$tmp/f" >"$tmp/stress.out" 2>"$tmp/stress.log" || fail "stress: exit $?"
check stress '^stress: [0-9.]+ s, programs [0-9.]+k? \([0-9.]+k?/s\), ops [0-9.]+[kM]? \([0-9.]+[kM]?/s\), findings [0-9]+, checks' '^stress: '
[ "$(wc -l <"$tmp/stress.log")" -ge 2 ] && passed=$((passed + 1)) || fail "stress: 3 s gave fewer than 2 reports"

"$bin" model --variant fixed --budget 3 >"$tmp/model.out" 2>"$tmp/model.log" || fail "model: exit $?"
# The model's last stderr line is its closing count, not a progress report.
check model '^(model: [0-9.]+[kMG]? schedules \([0-9.]+[kMG]?/s\) of [0-9.]+[kM]? scenarios, [0-9.]+ s|nameifuzz model: .*)$' '^nameifuzz model: '
[ "$(grep -c '^model: ' "$tmp/model.log")" -ge 2 ] && passed=$((passed + 1)) || fail "model: 3 s gave fewer than 2 reports"

"$bin" diff --target tmpfs --seqs 50 --quiet >/dev/null 2>"$tmp/quiet.log"
[ ! -s "$tmp/quiet.log" ] && passed=$((passed + 1)) || fail "diff --quiet wrote: $(head -2 "$tmp/quiet.log")"

echo "progress: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
