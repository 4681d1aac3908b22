#!/usr/bin/env bash
# Builds the libFuzzer harnesses (tests/fuzz/fuzz_*.c) with ASan + UBSan,
# replays the regression inputs and the seed corpus, then fuzzes each target.
#
#   scripts/fuzz.sh [SECONDS]         SECONDS per target (default 60;
#                                     FUZZ_SMOKE=1 makes the default 30)
#
# Environment:
#   FUZZ_TARGETS="json gzip"   only these targets (default: every fuzz_*.c)
#   FUZZ_JOBS=N                targets fuzzed at once (default: CPU count)
#   FUZZ_RUNS=N                stop a target after N executions (SECONDS
#                              stays the cap), e.g. FUZZ_RUNS=10000000
#   FUZZ_FORK=N                fuzz each target with N worker processes
#                              (libFuzzer -fork=N; executions are summed)
#   FUZZ_MAX_LEN=N             largest input, for every target (default: per
#                              target, see max_len below)
#   FUZZ_CFLAGS="..."          extra compiler flags
#   FUZZ_SRC=dir               library sources and headers from dir instead of
#                              src/ (e.g. a patched copy, to look past a crash)
#   WU_FUZZ_SKIP=a,b           switch off named checks of known, unfixed
#                              findings (see CHECK_UNLESS in the harnesses)
#
# The checked-in corpus (tests/fuzz/corpus/<target>/) is never grown: each
# run fuzzes a scratch copy under build-fuzz/work/<target>/. Crashing inputs
# land there too (crash-*, leak-*, timeout-*, oom-*); copy the ones worth
# keeping to tests/fuzz/regressions/<target>/. Exits non-zero when a
# regression or seed input fails or fuzzing finds a crash.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

secs=${1:-}
if [ -z "$secs" ]; then
  if [ "${FUZZ_SMOKE:-0}" = 1 ]; then secs=30; else secs=60; fi
fi
case $secs in ''|*[!0-9]*) echo "fuzz.sh: SECONDS must be a whole number, not '$secs'" >&2; exit 2;; esac
for v in FUZZ_RUNS FUZZ_FORK FUZZ_MAX_LEN; do
  case ${!v:-0} in *[!0-9]*) echo "fuzz.sh: $v must be a whole number, not '${!v}'" >&2; exit 2;; esac
done

# ---- toolchain (only what is missing) ----
pkgs=(clang libclang-rt-14-dev llvm pkg-config libxxhash-dev libutf8proc-dev zlib1g-dev liblmdb-dev
      liblzma-dev libbz2-dev libzstd-dev)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "fuzz.sh: installing ${missing[*]}" >&2
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
CC=${CC:-clang}
command -v "$CC" >/dev/null || CC=clang-14

# ---- build ----
# The source lists are CMake's (CMakeLists.txt writes them to
# wiredup-sources.sh at configure time): configured here, not built.
out=build-fuzz
mkdir -p "$out"
cmake -S . -B "$out/cmake" -DWIREDUP_TESTS=OFF -DWIREDUP_SHARED=OFF >"$out/cmake.log" 2>&1 ||
  { cat "$out/cmake.log" >&2; exit 1; }
# shellcheck disable=SC1091
. "$out/cmake/wiredup-sources.sh"
src=${FUZZ_SRC:-src}
# FUZZ_SRC: the same files under another root.
from() { local f r=(); for f in "$@"; do r+=("$src/${f#src/}"); done; echo "${r[*]}"; }
# The layers below the clusterer (common, text, record, sketch): none of
# them needs OpenMP at run time; the index adds its own layer and -fopenmp.
read -r -a lib <<<"$(from $WU_LIB_COMMON $WU_LIB_TEXT $WU_LIB_RECORD $WU_LIB_SKETCH)"
# Largest input per target (-max_len; default 65536): the costly harnesses
# stay on short inputs, which reach their paths as well (fuzz_gzip's records
# are at most 1024 bytes).
declare -A max_len=([normalize]=4096 [gzip]=8192)
declare -A extra=([gzip]="$(from src/app/input.c) -DWU_INPUT_CHUNK=16384" [index]="$(from $WU_LIB_INDEX) -fopenmp")
incs=()
for d in $WU_INTERNAL_INCLUDE_DIRS; do incs+=(-I"$(from "$d")"); done
if [ -n "${FUZZ_TARGETS:-}" ]; then
  read -r -a targets <<<"$FUZZ_TARGETS"
else
  targets=()
  for f in tests/fuzz/fuzz_*.c; do t=${f#tests/fuzz/fuzz_}; targets+=("${t%.c}"); done
fi
read -r -a deps <<<"$(pkg-config --cflags --libs libxxhash libutf8proc lmdb)"
read -r -a xflags <<<"${FUZZ_CFLAGS:-}"
for t in "${targets[@]}"; do
  [ -f "tests/fuzz/fuzz_$t.c" ] || { echo "fuzz.sh: no tests/fuzz/fuzz_$t.c" >&2; exit 2; }
  echo "== build fuzz_$t"
  # shellcheck disable=SC2086
  "$CC" -g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer,address,undefined \
    -fno-sanitize-recover=undefined -std=c11 -D_POSIX_C_SOURCE=200809L \
    -Wall -Wextra -Wno-unused-parameter -Werror=implicit-function-declaration -Iinclude "${incs[@]}" "${xflags[@]}" \
    "tests/fuzz/fuzz_$t.c" "${lib[@]}" ${extra[$t]:-} "${deps[@]}" -lz -llzma -lbz2 -lzstd -lm \
    -o "$out/fuzz_$t"
done

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:allocator_may_return_null=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

# ---- regressions + seeds: every input must pass ----
fail=0
for t in "${targets[@]}"; do
  inputs=()
  for d in "tests/fuzz/regressions/$t" "tests/fuzz/corpus/$t"; do
    [ -d "$d" ] || continue
    while IFS= read -r -d '' f; do inputs+=("$f"); done < <(find "$d" -type f ! -name '.*' -print0 | sort -z)
  done
  [ ${#inputs[@]} -gt 0 ] || { echo "== replay fuzz_$t: no inputs"; continue; }
  log="$out/replay_$t.log"
  # Files (not directories) as arguments: each runs once, as is.
  # WU_FUZZ_LMDB=1: fuzz_index's damaged-data.mdb mode, off while fuzzing
  # (damage inside LMDB's pages crashes LMDB), on for the known inputs.
  if WU_FUZZ_LMDB=1 "$out/fuzz_$t" -rss_limit_mb=2048 -timeout=60 -artifact_prefix="$out/replay_$t-" \
       "${inputs[@]}" >"$log" 2>&1; then
    echo "== replay fuzz_$t: ${#inputs[@]} inputs ok"
  else
    echo "== replay fuzz_$t: FAILED (log: $log); failing inputs:"
    # libFuzzer stops at the first failure: try each input alone to list them all.
    for f in "${inputs[@]}"; do
      if ! WU_FUZZ_LMDB=1 "$out/fuzz_$t" -rss_limit_mb=2048 -timeout=60 -artifact_prefix="$out/replay_$t-" \
           "$f" >"$log.one" 2>&1; then
        why=$(grep -m1 -E "invariant failed|ERROR: (Address|Leak)Sanitizer|runtime error|ERROR: libFuzzer" "$log.one" || true)
        echo "   $f: ${why:-failed}"
        cat "$log.one" >>"$log"
      fi
    done
    rm -f "$log.one"
    fail=1
  fi
done

# ---- fuzz ----
jobs=${FUZZ_JOBS:-$(nproc 2>/dev/null || echo 1)}
run_one() {
  local t=$1 work="$out/work/$1"
  rm -rf "$work"
  mkdir -p "$work/corpus"
  for d in "tests/fuzz/corpus/$t" "tests/fuzz/regressions/$t"; do
    [ -d "$d" ] && find "$d" -type f ! -name '.*' -exec cp -t "$work/corpus" {} +
  done
  local runs=()
  [ -n "${FUZZ_RUNS:-}" ] && runs+=(-runs="$FUZZ_RUNS")
  [ -n "${FUZZ_FORK:-}" ] && runs+=(-fork="$FUZZ_FORK")
  set +e
  "$out/fuzz_$t" "${runs[@]}" -max_total_time="$secs" -rss_limit_mb=2048 \
    -max_len="${FUZZ_MAX_LEN:-${max_len[$t]:-65536}}" -timeout=30 \
    -print_final_stats=1 -artifact_prefix="$work/" "$work/corpus" >"$work/log" 2>&1
  echo $? >"$work/rc"
  set -e
}
if [ "$secs" -gt 0 ]; then
  echo "== fuzzing ${targets[*]} for ${secs}s each, $jobs at a time"
  running=0
  for t in "${targets[@]}"; do
    run_one "$t" &
    running=$((running + 1))
    if [ "$running" -ge "$jobs" ]; then wait -n || true; running=$((running - 1)); fi
  done
  wait
  for t in "${targets[@]}"; do
    work="$out/work/$t"
    rc=$(cat "$work/rc" 2>/dev/null || echo 1)
    execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$work/log" | tail -n1 | grep -o '[0-9]*$' || true)
    # fork mode prints no final stats: its last "#N: cov: ..." line counts every worker's runs
    [ -n "$execs" ] || execs=$(grep -oE '^#[0-9]+: ' "$work/log" | tail -n1 | tr -dc '0-9' || true)
    cov=$(grep -oE 'cov: [0-9]+' "$work/log" | tail -n1 | grep -oE '[0-9]+' || true)
    crashes=$(find "$work" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \) | sort)
    if [ "$rc" = 0 ] && [ -z "$crashes" ]; then
      printf '== fuzz_%-10s execs=%-10s cov=%-6s crashes: none\n' "$t" "${execs:-?}" "${cov:-?}"
    else
      printf '== fuzz_%-10s execs=%-10s cov=%-6s crashes: FOUND (rc %s, log %s)\n' "$t" "${execs:-?}" "${cov:-?}" "$rc" "$work/log"
      for c in $crashes; do echo "   $c"; done
      grep -E "invariant failed|ERROR: (Address|libFuzzer|LeakSanitizer)|runtime error|SUMMARY" "$work/log" | head -n 6 | sed 's/^/   /'
      fail=1
    fi
  done
fi
if [ "$fail" != 0 ]; then echo "fuzz.sh: FAILED"; exit 1; fi
echo "fuzz.sh: ok"
