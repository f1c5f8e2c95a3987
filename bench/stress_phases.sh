#!/usr/bin/env bash
# Where a program's CPU goes in the stress loop: one run of `nameifuzz stress` (tmpfs,
# --jobs 2 --threads 4, default oracles) under `perf record -e cpu-clock -a -g`, its
# samples (every process and thread of ours: jobs, served children, their workers and
# io-wq workers) split by the call-graph entry points below, as a share of our CPU and as
# CPU milliseconds per program. Shares of inclusive ("children") samples overlap where
# one entry point calls another (a page fault inside an op), so they need not sum to 100.
# Usage: bench/stress_phases.sh BUILD_DIR [SECONDS=10]   (root, linux-perf)
set -u
build=$(realpath "${1:?usage: stress_phases.sh BUILD_DIR [SECONDS]}")
secs=${2:-10}
work=$(mktemp -d /var/tmp/nameifuzz-phases-XXXXXX)
trap 'rm -rf "$work"' EXIT
cd "$work"
/usr/bin/time -f "%U %S %e" -o time.txt perf record -q -e cpu-clock -F 2000 -a -g -o perf.data -- \
  "$build/nameifuzz" stress --target tmpfs --jobs 2 --threads 4 --duration "$secs" --seed 1 --quiet \
  --keep-going --findings "$work/findings" --json s.json >/dev/null 2>&1
perf report -i perf.data --children --comm nameifuzz --sort sym -q -g none 2>/dev/null > syms.txt
perf report -i perf.data --no-children --sort comm -q -g none 2>/dev/null > comms.txt
python3 - "$secs" <<'PY'
import json, re, sys
rows = [  # (phase, symbols whose inclusive samples count for it)
  ("ops issued through io_uring (submit, inline work, reaping)", ["__do_sys_io_uring_enter"]),
  ("punted ops on io-wq workers", ["io_wq_worker"]),
  ("ops as plain syscalls", ["__x64_sys_openat", "__x64_sys_openat2", "__x64_sys_mkdirat", "__x64_sys_mkdir",
                             "__x64_sys_unlinkat", "__x64_sys_unlink", "__x64_sys_rmdir", "__x64_sys_renameat2",
                             "__x64_sys_rename", "__x64_sys_symlinkat", "__x64_sys_symlink", "__x64_sys_linkat",
                             "__x64_sys_link", "__x64_sys_mknodat", "__x64_sys_mknod", "__x64_sys_statx",
                             "__x64_sys_close"]),
  ("per-op accounting (getrusage for nvcsw, clock_gettime)", ["__getrusage", "__clock_gettime"]),
  ("program generation (rapidcheck)", ["rc::"]),
  ("oracles and history (judge, collect)", ["nfz::stress::judge_run", "nfz::collect_run", "nfz::HistoryBuffer::collect"]),
  ("peer-wait probes (/proc wchan reads)", ["nfz::(anonymous namespace)::Prober::serve"]),
  ("waits and wake-ups (futex, poll, pipes)", ["__x64_sys_futex", "__x64_sys_poll", "__x64_sys_ppoll"]),
  ("cache pressure (drop_caches every 2 s)", ["drop_caches_sysctl_handler"]),
  ("fork, exit, thread start and end", ["kernel_clone", "do_exit"]),
  ("page faults", ["asm_exc_page_fault"]),
]
share = {}
for line in open("syms.txt"):
  m = re.match(r"\s*([\d.]+)%\s+([\d.]+)%\s+\[[.k]\]\s+(.*)$", line)
  if m: share.setdefault(m.group(3).strip(), float(m.group(1)))
ours = 0.0
for line in open("comms.txt"):
  m = re.match(r"\s*([\d.]+)%\s+(\S+)", line)
  if m and (m.group(2) == "nameifuzz" or m.group(2).startswith("iou-")): ours += float(m.group(1))
user, sys_, wall = map(float, open("time.txt").read().split()[-3:])
s = json.load(open("s.json"))
programs, cpu = s["programs"], user + sys_
print(f"{programs} programs, {s['ops_per_s']:.0f} ops/s, {cpu:.1f} CPU-s in {wall:.1f} s "
      f"({cpu / wall:.2f} of 2 cores), {1000 * cpu / programs:.2f} CPU-ms per program")
print("| phase | share of our CPU | CPU-ms per program |\n|---|---|---|")
for name, syms in rows:
  total = 0.0
  for sym, pct in share.items():
    # A name alone matches the function with any parameter list perf prints after it.
    if any(sym == x or sym.startswith(x + "(") or (x.endswith("::") and sym.startswith(x)) for x in syms): total += pct
  if any(x.endswith("::") for x in syms):  # rapidcheck: self samples of its functions, not inclusive ones
    total = sum(float(m.group(2)) for m in (re.match(r"\s*([\d.]+)%\s+([\d.]+)%\s+\[[.k]\]\s+rc::", l) for l in open("syms.txt")) if m)
  frac = total / ours if ours else 0
  print(f"| {name} | {100 * frac:.0f}% | {1000 * cpu * frac / programs:.2f} |")
PY
