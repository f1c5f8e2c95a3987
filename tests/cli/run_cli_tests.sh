#!/usr/bin/env bash
# Command-line behaviour of the built binary: exit codes, one-line errors naming
# file:line for every malformed input, and replay of every corpus example on tmpfs
# leaving no mount behind. Usage: run_cli_tests.sh NAMEIFUZZ SOURCE_DIR
set -u
bin=$1
src=$2
passed=0
failed=0
pass() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL: $*"; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

expect_exit() {  # expect_exit CODE DESCRIPTION -- COMMAND...
  local want=$1 what=$2
  shift 3
  "$@" >"$tmp/out" 2>"$tmp/err"
  local got=$?
  if [ "$got" -eq "$want" ]; then pass; else fail "$what: exit $got, want $want: $(head -c 300 "$tmp/err")"; fi
}

# Usage errors.
expect_exit 0 "--help" -- "$bin" --help
expect_exit 2 "no command" -- "$bin"
expect_exit 2 "unknown command" -- "$bin" frobnicate
expect_exit 0 "fmt --help" -- "$bin" fmt --help
expect_exit 0 "replay --help" -- "$bin" replay --help
expect_exit 2 "fmt without a file" -- "$bin" fmt
expect_exit 2 "fmt of a missing file" -- "$bin" fmt "$tmp/nonexistent.nfz"
expect_exit 2 "fmt of a directory" -- "$bin" fmt "$tmp"
expect_exit 2 "unknown option" -- "$bin" fmt --bogus x
expect_exit 2 "replay on an unknown target" -- "$bin" replay "$src/corpus/examples/uring_modes.nfz" --target nosuchfs

# Every malformed input: exit 2, exactly one line on stderr, starting with FILE:LINE.
for f in "$src"/tests/cli/malformed/*.nfz; do
  "$bin" fmt "$f" >"$tmp/out" 2>"$tmp/err"
  code=$?
  lines=$(wc -l <"$tmp/err")
  if [ "$code" -ne 2 ]; then fail "$(basename "$f"): exit $code, want 2"; continue; fi
  if [ "$lines" -ne 1 ]; then fail "$(basename "$f"): $lines lines on stderr, want 1"; continue; fi
  if ! grep -qE "^$f(:[0-9]+(:[0-9]+)?)?: " "$tmp/err"; then fail "$(basename "$f"): no file:line in: $(head -c 200 "$tmp/err")"; continue; fi
  if [ -s "$tmp/out" ]; then fail "$(basename "$f"): printed a program"; continue; fi
  pass
done

# Every corpus example formats to itself and replays on tmpfs without leaving a mount.
mounts_before=$(grep -c nameifuzz /proc/mounts)
for f in "$src"/corpus/examples/*.nfz; do
  "$bin" fmt "$f" >"$tmp/canon.nfz" 2>"$tmp/err" || { fail "fmt $(basename "$f"): $(cat "$tmp/err")"; continue; }
  "$bin" fmt "$tmp/canon.nfz" | cmp -s - "$tmp/canon.nfz" || { fail "fmt $(basename "$f") is not a fixed point"; continue; }
  pass
  if [ "$(id -u)" -ne 0 ]; then echo "SKIP: replay $(basename "$f"): needs root for mount namespaces"; continue; fi
  "$bin" replay "$f" --target tmpfs --deadline-ms 200 --json "$tmp/h.jsonl" >"$tmp/out" 2>"$tmp/err"
  code=$?
  ops=$(grep -cE '^[[:space:]]+[a-z0-9_ =]+\(' "$f")
  printed=$(grep -cE '^(setup|T[0-9]+) #' "$tmp/out")
  events=$(($(wc -l <"$tmp/h.jsonl") - 1))
  if [ "$code" -ne 0 ]; then fail "replay $(basename "$f"): exit $code: $(head -c 300 "$tmp/err")"
  elif [ "$printed" -ne "$ops" ] || [ "$events" -ne "$ops" ]; then fail "replay $(basename "$f"): $printed results, $events events for $ops ops"
  else pass; fi
done
mounts_after=$(grep -c nameifuzz /proc/mounts)
if [ "$mounts_after" -eq "$mounts_before" ]; then pass; else fail "replay left $((mounts_after - mounts_before)) nameifuzz mounts"; fi

# Specific outcomes a replay must show (the kernel's, checked against fifo(7) and open(2)).
if [ "$(id -u)" -eq 0 ]; then
  "$bin" replay "$src/corpus/examples/special_files.nfz" --deadline-ms 200 >"$tmp/out" 2>&1
  grep -q 'open("p", O_RDONLY)  = (no return)  <hung>' "$tmp/out" && pass || fail "a FIFO open with no writer must be reported hung"
  "$bin" replay "$src/corpus/examples/open_flags.nfz" >"$tmp/out" 2>&1
  grep -q 'O_CREAT|O_EXCL, 0644)  = -1 EEXIST' "$tmp/out" && pass || fail "O_CREAT|O_EXCL on an existing file must be EEXIST"
  grep -q 'open("d/s", O_RDONLY|O_NOFOLLOW)  = -1 ELOOP' "$tmp/out" && pass || fail "O_NOFOLLOW on a symlink must be ELOOP"
fi

# In a guest booted under TCG (nameifuzz vm sets NFZ_VM_ACCEL) the default op deadline is
# 5 s, and stress says so; an explicit --deadline-ms wins and is not remarked on.
if [ "$(id -u)" -eq 0 ]; then
  NFZ_VM_ACCEL=tcg "$bin" stress --target tmpfs --programs 1 --quiet >"$tmp/out" 2>"$tmp/err"
  grep -q "under TCG (NFZ_VM_ACCEL=tcg): ops get 5000 ms" "$tmp/err" && pass || fail "TCG deadline not said: $(head -c 300 "$tmp/err")"
  NFZ_VM_ACCEL=tcg "$bin" stress --target tmpfs --programs 1 --quiet --deadline-ms 300 >"$tmp/out" 2>"$tmp/err"
  ! grep -q "under TCG" "$tmp/err" && pass || fail "TCG remark despite --deadline-ms"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
