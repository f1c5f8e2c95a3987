# Sourced by the command-line tests that drive the sandbox: skips (exit 77, ctest's
# SKIP_RETURN_CODE) without root, counts passes and failures, and gives a scratch
# folder $tmp removed on exit. Usage: . root_test_lib.sh NAME
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root (mount namespaces)"; exit 77; }
passed=0
failed=0
fail() { failed=$((failed + 1)); echo "FAIL: $*"; }
tmp=$(mktemp -d "/var/tmp/nameifuzz-$1-test.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
