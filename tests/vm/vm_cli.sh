#!/usr/bin/env bash
# `nameifuzz vm` with a stub qemu on PATH: argument errors, the refusal of a target whose
# module is missing, the KVM probe falling back to TCG, the exit code carried out of the
# guest, and a guest killed at its deadline. Usage: vm_cli.sh NAMEIFUZZ
set -u
bin=$1 tmp=$(mktemp -d) passed=0 failed=0
trap 'rm -rf "$tmp"' EXIT
pass() { passed=$((passed + 1)); }
fail() { echo "FAIL: $*"; failed=$((failed + 1)); }

# A kernel "image" and a modules folder with the 9p modules but no ext4.
touch "$tmp/bzImage"
mods=$tmp/lib/modules/6.1.0-stub
mkdir -p "$mods/kernel"
printf 'kernel/9pnet.ko:\nkernel/9pnet_virtio.ko: kernel/9pnet.ko\nkernel/9p.ko: kernel/9pnet.ko\n' > "$mods/modules.dep"
printf 'kernel/virtio_pci.ko\nkernel/fuse.ko\n' > "$mods/modules.builtin"
for m in 9pnet 9pnet_virtio 9p; do echo "$m" > "$mods/kernel/$m.ko"; done

# The stub: under KVM it never prints (as on a host without nested virtualization); under
# TCG it checks the initramfs holds init and the command, prints a kernel line and the
# command's line, then init's exit line with $STUB_EXIT. STUB_HANG=1: it hangs under TCG too.
mkdir -p "$tmp/path"
cat > "$tmp/path/qemu-system-x86_64" <<'STUB'
#!/usr/bin/env bash
accel= initrd= append=
while [ $# -gt 0 ]; do
  case "$1" in -accel) accel=$2; shift ;; -initrd) initrd=$2; shift ;; -append) append=$2; shift ;; esac
  shift
done
echo "$accel" >> "$STUB_LOG"
echo "$append" >> "$STUB_LOG.append"
[ "$accel" = kvm ] && exec sleep 60
[ "${STUB_HANG:-0}" = 1 ] && exec sleep 60
for f in init bin/nameifuzz etc/nfz/argv lib/modules/kernel/9p.ko; do
  grep -qaF "$f" "$initrd" || { echo "initramfs lacks $f"; exit 1; }
done
echo "[    0.000000] Linux version 6.1.0-stub"
echo "[    0.100000] WARNING: CPU: 0 PID: 1 at stub"
echo "hello from the guest"
echo "nfz-vm: exit ${STUB_EXIT:-0}"
STUB
chmod +x "$tmp/path/qemu-system-x86_64"
export PATH="$tmp/path:$PATH" STUB_LOG="$tmp/accels"

run() {  # run WANT_CODE DESCRIPTION ARGS... ; output in $tmp/out, $tmp/err
  local want=$1 what=$2
  shift 2
  : > "$STUB_LOG"
  "$bin" vm --kernel "$tmp/bzImage" --modules "$mods" --out "$tmp/share" --kvm-probe 1 "$@" >"$tmp/out" 2>"$tmp/err"
  local got=$?
  if [ "$got" -eq "$want" ]; then pass; else fail "$what: exit $got, want $want: $(head -c 400 "$tmp/err")"; fi
}
expect_in() {  # expect_in FILE TEXT DESCRIPTION
  if grep -qF -- "$2" "$1"; then pass; else fail "$3: no '$2' in $(head -c 400 "$1")"; fi
}

run 2 "no command" --
expect_in "$tmp/err" "no COMMAND" "no command"
run 2 "bad --accel" --accel xen -- nameifuzz --version
run 2 "bad --memory" --memory 1 -- nameifuzz --version
run 2 "command not found" -- no-such-command-here
expect_in "$tmp/err" "no-such-command-here" "command not found"

run 2 "target needing a missing module" -- nameifuzz stress --target tmpfs,ext4 --duration 1
expect_in "$tmp/err" "--target ext4 needs the kernel module" "missing module"
if [ "$(wc -l < "$tmp/err")" -eq 1 ]; then pass; else fail "missing module: $(wc -l < "$tmp/err") lines on stderr, want 1"; fi
if [ ! -s "$STUB_LOG" ]; then pass; else fail "missing module: qemu ran anyway"; fi

run 2 "--load of a missing module" --load ext4 -- nameifuzz --version
expect_in "$tmp/err" "--load ext4 needs the kernel module ext4" "--load missing"
if [ ! -s "$STUB_LOG" ]; then pass; else fail "--load missing: qemu ran anyway"; fi

STUB_EXIT=3 run 3 "exit code carried out, TCG fallback" -- nameifuzz stress --target tmpfs,fuse:strict
expect_in "$tmp/err" "KVM started no guest in 1 s" "KVM probe"
expect_in "$tmp/err" "ran under TCG" "TCG said"
if [ "$(tr '\n' ' ' < "$STUB_LOG")" = "kvm tcg " ]; then pass; else fail "accelerators tried: $(cat "$STUB_LOG")"; fi
expect_in "$tmp/out" "hello from the guest" "the command's output on stdout"
if ! grep -q "Linux version" "$tmp/out"; then pass; else fail "kernel lines on stdout"; fi
expect_in "$tmp/err" "vm: kernel: [    0.100000] WARNING" "kernel warning on stderr"
expect_in "$tmp/share/vm-console.log" "Linux version 6.1.0-stub" "console log"

rm -f "$STUB_LOG.append"
STUB_EXIT=0 run 0 "--accel tcg skips the probe" --accel tcg -- nameifuzz --version
if [ "$(cat "$STUB_LOG")" = tcg ]; then pass; else fail "--accel tcg tried: $(cat "$STUB_LOG")"; fi
expect_in "$STUB_LOG.append" "NFZ_VM_ACCEL=tcg" "the guest is told it runs under TCG"

STUB_HANG=1 run 2 "hung guest killed at the deadline" --accel tcg --timeout 2 -- nameifuzz --version
expect_in "$tmp/err" "killed at the deadline" "deadline"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
