#!/usr/bin/env bash
# Do two builds give the same program output? A refactoring's check: runs
# cluster (JSONL, --stories, TSV, CSV), index add + dedup, and eval from
# build A and build B on the same inputs, at 1 and 2 threads (and
# wiredup-mpi at 1 and 2 ranks where both builds have it), and compares
# every output byte for byte. Help texts are not compared.
# Usage: scripts/compare-builds.sh BUILD_A BUILD_B [FILE.jsonl[.gz]...]
#   (default inputs: datasets/wire-sample.jsonl.gz; FILE's gold labels, if
#   any, beside it as FILE.gold.jsonl, with the field dup). Prints one line per
#   run, 'same' or 'DIFFERS', and exits 1 if any differs.
# Environment: COMPARE_SKIP_STORIES=1 leaves --stories out (for a change
#   that is meant to change stories only), NO_MPI=1.
set -uo pipefail
[ $# -ge 2 ] || { sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
root=$(cd "$(dirname "$0")/.." && pwd)
a=$(cd "$1" && pwd); b=$(cd "$2" && pwd); shift 2
inputs=("$@"); [ ${#inputs[@]} -gt 0 ] || inputs=("$root/datasets/wire-sample.jsonl.gz")
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
fields=(--title-field title --date-field date --source-field source)
bad=0
run() { # NAME CMD... with {BIN} and {OUT} placeholders; run for A and B, compare
  local name=$1; shift
  local side
  for side in a b; do
    local bin; [ $side = a ] && bin=$a || bin=$b
    local out="$work/$side.$name"; mkdir -p "$out"
    local args=() x
    for x in "$@"; do x=${x//\{BIN\}/$bin}; args+=("${x//\{OUT\}/$out}"); done
    "${args[@]}" >"$out/stdout" 2>"$out/stderr"; echo "rc=$?" >"$out/rc"
    rm -rf "$out/idx"  # the index's own bytes hold times and page layout
    # stderr without its timings and with this run's folder made one name
    sed -i -E "/seconds:|articles\/s|MB\/s/d; s/\([0-9.]+ s\)/(T)/g; s#$work/[ab]\.#W/#g" "$out/stderr"
  done
  if diff -r -q "$work/a.$name" "$work/b.$name" >/dev/null; then echo "same     $name"
  else echo "DIFFERS  $name"; diff -r "$work/a.$name" "$work/b.$name" | head -5; bad=1; fi
}
stories=(--stories); [ "${COMPARE_SKIP_STORIES:-0}" = 1 ] && stories=()
n=0
for f in "${inputs[@]}"; do
  n=$((n + 1))
  for t in 1 2; do
    run "$n.cluster.t$t" {BIN}/wiredup cluster "${fields[@]}" -t $t "$f" -o {OUT}/out --rejects {OUT}/rej
    [ ${#stories[@]} -gt 0 ] &&
      run "$n.stories.t$t" {BIN}/wiredup cluster "${fields[@]}" --stories -t $t "$f" -o {OUT}/out
    run "$n.tsv.t$t" {BIN}/wiredup cluster "${fields[@]}" --format tsv -t $t "$f"
    run "$n.csv.t$t" {BIN}/wiredup cluster "${fields[@]}" --format csv -t $t "$f"
    run "$n.dedup.t$t" bash -c "'{BIN}/wiredup' index create '{OUT}/idx' -q && '{BIN}/wiredup' dedup --index '{OUT}/idx' ${fields[*]} -t $t --now 2030-01-01 '$f' && '{BIN}/wiredup' index info '{OUT}/idx' --json | sed -E 's/\"(map_size|map_limit|bytes)\":[0-9]+//g'"
  done
  gold=${f%.gz}; gold=${gold%.jsonl}.gold.jsonl
  if [ -f "$gold" ]; then
    run "$n.eval" bash -c "'{BIN}/wiredup' cluster ${fields[*]} '$f' -o '{OUT}/pred' && '{BIN}/wiredup' eval --gold '$gold' --gold-field dup --pred '{OUT}/pred'"
  fi
  if [ "${NO_MPI:-0}" != 1 ] && [ -x "$a/wiredup-mpi" ] && [ -x "$b/wiredup-mpi" ] && command -v mpirun >/dev/null; then
    for r in 1 2; do
      run "$n.mpi.r$r" mpirun --allow-run-as-root --oversubscribe -np $r {BIN}/wiredup-mpi cluster "${fields[@]}" "${stories[@]}" "$f" -o {OUT}/out
    done
  fi
done
exit $bad
