#!/usr/bin/env bash
# Installs a nameifuzz .deb where nothing of it is, twice, and runs what it installed:
# 1. `dpkg --root` into an empty root: the files land where the package says
#    (/usr/bin/nameifuzz, the man page, corpus, the fuzz targets);
# 2. `dpkg -i` for real, with its dependencies checked, in a throwaway copy of this
#    machine (an overlay over / in a private mount namespace, chrooted into): afterwards
#    `nameifuzz --version` works and `man nameifuzz` shows the page. Nothing reaches the
#    host. Usage: package_install.sh DEB (needs root)
set -euo pipefail
deb=$(realpath "$1")
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root"; exit 77; }
work=$(mktemp -d /var/tmp/nameifuzz-package-test.XXXXXX)
trap 'rm -rf "$work"' EXIT  # the mounts were in a namespace of their own
version=$(dpkg-deb -f "$deb" Version)

# 1. An empty root with an empty dpkg database.
root=$work/root
mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates"
touch "$root/var/lib/dpkg/status"
# The dependencies (liburing2, libfuse3-3, ...) are not in an empty root's database.
dpkg --root="$root" --force-depends --force-not-root -i "$deb" >/dev/null 2>"$work/dpkg.err" ||
  { echo "FAIL: dpkg --root: $(cat "$work/dpkg.err")"; exit 1; }
for f in usr/bin/nameifuzz usr/share/man/man1/nameifuzz.1.gz usr/share/nameifuzz/corpus/examples/rename.nfz \
         usr/share/doc/nameifuzz/ARCHITECTURE.md; do
  [ -e "$root/$f" ] || { echo "FAIL: the package has no /$f"; exit 1; }
done
dpkg --root="$root" -s nameifuzz | grep -q '^Status: install ok installed' || { echo "FAIL: not installed in $root"; exit 1; }
echo "dpkg --root: $(dpkg --root="$root" -L nameifuzz | grep -c '') paths, $(ls "$root/usr/lib/nameifuzz/fuzz" 2>/dev/null | tr '\n' ' ')"
out=$("$root/usr/bin/nameifuzz" --version)
[[ "$out" == "nameifuzz "* ]] || { echo "FAIL: $root/usr/bin/nameifuzz --version said: $out"; exit 1; }
MANPATH=$root/usr/share/man man -P cat nameifuzz 2>/dev/null | grep -q -- '--format' ||
  { echo "FAIL: man nameifuzz from $root shows no --format"; exit 1; }

# 2. A real install in a throwaway copy of this machine.
# The overlay's upper layer is on a tmpfs: a layer inside the lower one (/) is refused.
mkdir -p "$work/t" "$work/merged"
unshare --mount --propagation private sh -ec '
  mount -t tmpfs nameifuzz-package-test "$1/t"
  mkdir "$1/t/upper" "$1/t/work"
  cp "$2" "$1/t/upper/nameifuzz.deb"
  mount -t overlay nameifuzz-package-test -o lowerdir=/,upperdir="$1/t/upper",workdir="$1/t/work" "$1/merged"
  mount -t proc proc "$1/merged/proc"
  mount --rbind /dev "$1/merged/dev"
  mount -t sysfs sysfs "$1/merged/sys"
  chroot "$1/merged" sh -ec "
    ! command -v nameifuzz >/dev/null || { echo \"FAIL: nameifuzz is already installed here\"; exit 1; }
    dpkg -i /nameifuzz.deb >/dev/null
    nameifuzz --version
    man -P cat nameifuzz | grep -E \"^(NAME|COMMANDS|EXIT STATUS)\$\" | tr \"\\n\" \" \"; echo
    man -w nameifuzz
    nameifuzz replay /usr/share/nameifuzz/corpus/examples/rename.nfz --format ktap | tail -n 2
  "
' sh "$work" "$deb" >"$work/chroot.out" 2>&1 || { echo "FAIL: the install in a copy of this machine:"; cat "$work/chroot.out"; exit 1; }
cat "$work/chroot.out"
grep -qE "^nameifuzz [^ ]+$" "$work/chroot.out" || { echo "FAIL: no version line from nameifuzz --version"; exit 1; }
grep -q "NAME COMMANDS EXIT STATUS" "$work/chroot.out" || { echo "FAIL: man nameifuzz did not show the page"; exit 1; }
echo "package install: ok ($version)"
