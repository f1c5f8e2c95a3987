#!/usr/bin/env bash
# Runs .clusterfuzzlite/build.sh as the OSS-Fuzz builder does (its variables, an address
# build with $LIB_FUZZING_ENGINE=-fsanitize=fuzzer) into a temporary $OUT and checks that
# every target lands there with its seed corpus zip, dict and options. Compilers through
# ccache when it is installed (a warm cache keeps this to linking). Exit 77: skipped.
set -euo pipefail
src=${1:?usage: clusterfuzzlite_build.sh SOURCE_DIR}
# A cold address-sanitized build of the whole tree takes 13+ minutes on 2 cores, over the
# suite's budget on a fresh CI clone: there the test runs only when asked (NFZ_CFL_TEST=1).
if [[ "${CI:-}" == "true" && "${NFZ_CFL_TEST:-}" != "1" ]]; then
  echo "skip: a cold ClusterFuzzLite build (13+ min on 2 cores) is over the CI suite's budget; NFZ_CFL_TEST=1 runs it"
  exit 77
fi
command -v zip >/dev/null || { echo "skip: no zip"; exit 77; }
command -v clang++ >/dev/null || { echo "skip: no clang++"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cc=clang cxx=clang++
if [[ -x /usr/lib/ccache/clang++ ]]; then
  cc=/usr/lib/ccache/clang cxx=/usr/lib/ccache/clang++
  export CCACHE_BASEDIR=${CCACHE_BASEDIR:-/work} CCACHE_DIR=${CCACHE_DIR:-/work/.ccache}
fi
flags="-O1 -fno-omit-frame-pointer -gline-tables-only -fsanitize=address -fsanitize-address-use-after-scope -fsanitize=fuzzer-no-link"
mkdir -p "$tmp/out" "$tmp/work"
# WORK is kept between runs of this test (NFZ_CFL_WORK) so that cmake's own build tree is
# warm too; OSS-Fuzz gives every build a fresh one.
work=${NFZ_CFL_WORK:-$tmp/work}
env -i PATH="$PATH" HOME="${HOME:-/root}" CCACHE_BASEDIR="${CCACHE_BASEDIR:-}" CCACHE_DIR="${CCACHE_DIR:-}" \
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
