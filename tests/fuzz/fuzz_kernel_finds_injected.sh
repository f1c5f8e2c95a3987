#!/usr/bin/env bash
# fuzz_kernel finds a fault injected into the executor (exec/inject.hpp): an unlink that
# reports success and removes nothing, judged by linearizable, on tmpfs, from an empty
# corpus. A finding aborts the fuzzer as a crash would, with the oracle's title on its
# ==ERROR: line and the input kept as crash-<sha1>. Exit 77: skipped.
set -u
bin=${1:?usage: fuzz_kernel_finds_injected.sh FUZZ_KERNEL}
[[ $(id -u) == 0 ]] || { echo "skip: needs root (mount namespaces)"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/corpus"
cd "$work"
NFZ_TARGET=tmpfs NFZ_ORACLES=linearizable NFZ_INJECT=unlink-phantom NFZ_FINDINGS="$work/findings" \
  timeout 600 "$bin" -runs=20000 -seed=1 -max_len=384 -artifact_prefix="$work/" corpus > log 2>&1
code=$?
if ! grep -q '^==[0-9]*==ERROR: nameifuzz: linearizable: unlink ok unexplained on tmpfs' log; then
  echo "fuzz_kernel (exit $code) did not report the injected unlink-phantom:"; tail -20 log; exit 1
fi
ls "$work"/crash-* > /dev/null 2>&1 || { echo "no crash-* input kept"; exit 1; }
grep -m1 'ERROR: nameifuzz' log
grep -E '^#[0-9]+' log | tail -1
exit 0
