#!/bin/bash -eu
# OSS-Fuzz / ClusterFuzzLite build of every libFuzzer target (docs/FUZZING.md). Reads only
# the builder's variables: $CC $CXX $CFLAGS $CXXFLAGS $LIB_FUZZING_ENGINE $OUT ($SRC and
# $WORK when set). Into $OUT go each target, <target>.options, <target>.dict and
# <target>_seed_corpus.zip.
src=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${WORK:-/tmp}/nameifuzz-fuzz-build
targets=(fuzz_format fuzz_dcache fuzz_kernel)

# A unity build (8 sources a unit): the instrumented template code of nlohmann::json and
# rapidcheck is compiled once per unit rather than once per source, which is most of the
# build's time. Ninja when the image has it (the Dockerfile installs it).
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
cmake -S "$src" -B "$build" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_UNITY_BUILD=ON -DCMAKE_UNITY_BUILD_BATCH_SIZE=8 \
  -DCMAKE_C_COMPILER="$CC" -DCMAKE_CXX_COMPILER="$CXX" \
  -DCMAKE_C_FLAGS="$CFLAGS" -DCMAKE_CXX_FLAGS="$CXXFLAGS" \
  -DNAMEIFUZZ_FUZZ_ENGINE="$LIB_FUZZING_ENGINE" >/dev/null
cmake --build "$build" -j"$(nproc)" --target "${targets[@]}"

seeds=$(mktemp -d)
trap 'rm -rf "$seeds"' EXIT
# Seed inputs per target: fuzz_format reads text programs as they are; fuzz_kernel's are
# text programs encoded to its input bytes; fuzz_dcache's are bytes already.
mkdir -p "$seeds/fuzz_format" "$seeds/fuzz_dcache" "$seeds/fuzz_kernel"
cp "$src"/fuzz/fuzz_format_seeds/*.nfz "$src"/corpus/examples/*.nfz "$seeds/fuzz_format/"
cp "$src"/corpus/fuzz_dcache/* "$seeds/fuzz_dcache/"
rm -f "$seeds/fuzz_dcache/README.md"
for f in "$src"/corpus/fuzz_kernel/*.nfz; do
  "$build/fuzz/fuzz_kernel" --encode="$f" >"$seeds/fuzz_kernel/$(basename "$f" .nfz)"
done

for t in "${targets[@]}"; do
  cp "$build/fuzz/$t" "$src/fuzz/$t.options" "$src/fuzz/$t.dict" "$OUT/"
  rm -f "$OUT/${t}_seed_corpus.zip"
  (cd "$seeds/$t" && zip -q -j "$OUT/${t}_seed_corpus.zip" ./*)
done
