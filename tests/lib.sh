# Shared helpers for the end-to-end tests: source it, then call check/fail.
# Usage in a test: BIN=$1 SRC=$2 WORK=$3
set -u
BIN=$1
SRC=$2
WORK=$3
PYTHON=${PYTHON:-python3}
rm -rf "$WORK" && mkdir -p "$WORK" && cd "$WORK" || exit 1
n_fail=0
n_skip=0
fail() { echo "FAIL: $*" >&2; n_fail=$((n_fail + 1)); }
pass() { echo "ok: $*"; }
# check DESC COMMAND...: the command must succeed
check() { local d=$1; shift; if "$@"; then pass "$d"; else fail "$d"; fi; }
# expect_rc RC DESC COMMAND...: the command must exit with RC
expect_rc() {
  local want=$1 d=$2; shift 2
  "$@" >out.txt 2>err.txt; local rc=$?
  if [ "$rc" -eq "$want" ]; then pass "$d (exit $rc)"; else fail "$d: exit $rc, wanted $want; stderr: $(head -c 300 err.txt)"; fi
}
# has FILE PATTERN: grep -q with a readable failure
has() { grep -q -- "$2" "$1"; }
# skip_all REASON: the whole test cannot run here (its program is not built,
# a tool is missing): exit 77, which ctest reports as skipped
# (SKIP_RETURN_CODE in tests/CMakeLists.txt), never as passed.
skip_all() { echo "SKIP: $*"; exit 77; }
# skip REASON: a part of the test cannot run here: a SKIP: line, and the
# count in finish's last line, so a pass with parts left out says so.
skip() { echo "SKIP: $*"; n_skip=$((n_skip + 1)); }
finish() {
  if [ "$n_fail" -gt 0 ]; then echo "$n_fail check(s) failed" >&2; exit 1; fi
  if [ "$n_skip" -gt 0 ]; then echo "all checks passed; $n_skip part(s) skipped (SKIP: lines above)"
  else echo "all checks passed"; fi
}
