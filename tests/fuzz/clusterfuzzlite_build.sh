#!/usr/bin/env bash
# Runs .clusterfuzzlite/build.sh as the OSS-Fuzz builder does (its variables, an address
# build with $LIB_FUZZING_ENGINE=-fsanitize=fuzzer) into a temporary $OUT and checks that
# every target lands there with its seed corpus zip, dict and options. Compilers through
# ccache when it is installed (a warm cache keeps this to linking). It runs in CI too: the
# build is a unity build of only what the three targets link. Exit 77: a tool is missing.
set -euo pipefail
src=${1:?usage: clusterfuzzlite_build.sh SOURCE_DIR}
command -v zip >/dev/null || { echo "skip: no zip"; exit 77; }
command -v clang++ >/dev/null || { echo "skip: no clang++"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cc=clang cxx=clang++
ccache_env=()
if [[ -x /usr/lib/ccache/clang++ ]]; then
  cc=/usr/lib/ccache/clang cxx=/usr/lib/ccache/clang++
  ccache_env=(CCACHE_BASEDIR="${CCACHE_BASEDIR:-/work}" CCACHE_DIR="${CCACHE_DIR:-/work/.ccache}")
  # CCACHE_DISABLE=1 times a cold build.
  if [[ -n ${CCACHE_DISABLE:-} ]]; then ccache_env+=(CCACHE_DISABLE="$CCACHE_DISABLE"); fi
fi
flags="-O1 -fno-omit-frame-pointer -gline-tables-only -fsanitize=address -fsanitize-address-use-after-scope -fsanitize=fuzzer-no-link"
mkdir -p "$tmp/out" "$tmp/work"
# WORK is kept between runs of this test (NFZ_CFL_WORK) so that cmake's own build tree is
# warm too; OSS-Fuzz gives every build a fresh one.
work=${NFZ_CFL_WORK:-$tmp/work}
# nice: the suite's timing-sensitive tests (peer waits, stress) run beside this build.
nice -n 19 env -i PATH="$PATH" HOME="${HOME:-/root}" "${ccache_env[@]}" \
  CC="$cc" CXX="$cxx" CFLAGS="$flags" CXXFLAGS="$flags" LIB_FUZZING_ENGINE=-fsanitize=fuzzer \
  SANITIZER=address FUZZING_ENGINE=libfuzzer ARCHITECTURE=x86_64 \
  OUT="$tmp/out" WORK="$work" SRC="$(dirname "$src")" \
  "$src/.clusterfuzzlite/build.sh" >"$tmp/build.log" 2>&1 || { tail -20 "$tmp/build.log"; exit 1; }
status=0
for t in fuzz_format fuzz_dcache fuzz_kernel; do
  for f in "$t" "$t.options" "$t.dict" "${t}_seed_corpus.zip"; do
    [[ -s $tmp/out/$f ]] || { echo "missing in \$OUT: $f"; status=1; }
  done
  [[ -x $tmp/out/$t ]] || { echo "not executable: $t"; status=1; }
  n=$(unzip -Z1 "$tmp/out/${t}_seed_corpus.zip" 2>/dev/null | wc -l)
  [[ $n -gt 0 ]] || { echo "empty seed corpus: $t"; status=1; }
  grep -q '^\[libfuzzer\]' "$tmp/out/$t.options" || { echo "no [libfuzzer] section: $t.options"; status=1; }
done
# A built target runs its seeds (fuzz_format needs no root, no kernel).
mkdir -p "$tmp/seeds" && unzip -q "$tmp/out/fuzz_format_seed_corpus.zip" -d "$tmp/seeds"
"$tmp/out/fuzz_format" -runs=0 "$tmp/seeds" >/dev/null 2>&1 || { echo "fuzz_format does not run its seeds"; status=1; }
[[ $status == 0 ]] && echo "ok: every target with its seed corpus, dict and options in \$OUT"
exit $status
