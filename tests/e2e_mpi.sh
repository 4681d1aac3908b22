#!/usr/bin/env bash
# wiredup-mpi (built with -DWIREDUP_MPI=ON) against the single process: on
# 1, 2 and 4 ranks the output must be byte for byte the same, with and
# without stories, for a gzip file (read by rank 0 and dealt out) and a
# plain file (split by byte ranges); bad records must give the same
# FILE:LINE messages and rejects file under --on-error skip, and the same
# first message and exit 1 under --on-error fail. Skipped (exit 77, ctest's "Skipped") when
# wiredup-mpi was not built or mpirun is missing.
. "$(dirname "$0")/lib.sh"

MPI_BIN=$(dirname "$BIN")/wiredup-mpi
if [ ! -x "$MPI_BIN" ]; then
  skip_all "$MPI_BIN not built (configure with -DWIREDUP_MPI=ON)"
fi
if ! command -v mpirun >/dev/null; then
  skip_all "mpirun not found (apt-get install openmpi-bin)"
fi

# One thread a rank: 4 ranks on a small machine are oversubscribed anyway.
export OMP_NUM_THREADS=1
mpi() { # mpi NP ARGS...: runs wiredup-mpi on NP ranks (2 minutes at most: no hang)
  local np=$1; shift
  timeout 120 mpirun --allow-run-as-root --oversubscribe --bind-to none -np "$np" "$MPI_BIN" "$@"
}
# The FILE:LINE messages of a stderr file (not the summary, not mpirun's).
msgs() { grep -E '^wiredup: [^ ]+:([0-9]+:)? ' "$1" | grep -v '^wiredup: seconds:'; }

SAMPLE=$SRC/datasets/wire-sample.jsonl.gz
FIELDS=(--title-field title --date-field date --source-field source)

# same_as_single DESC ARGS...: single-process output, then 1, 2 and 4 ranks.
same_as_single() {
  local d=$1; shift
  "$BIN" cluster "$@" >single.out 2>single.err
  local want=$?
  for np in 1 2 4; do
    mpi "$np" cluster "$@" >mpi.out 2>mpi.err
    local rc=$?
    if [ "$rc" -ne "$want" ]; then
      fail "$d, $np ranks: exit $rc, single process $want; stderr: $(head -c 300 mpi.err)"
    elif ! cmp -s single.out mpi.out; then
      fail "$d, $np ranks: output differs from the single process"
    elif ! diff <(msgs single.err) <(msgs mpi.err) >/dev/null; then
      fail "$d, $np ranks: messages differ: $(diff <(msgs single.err) <(msgs mpi.err) | head -3)"
    else
      pass "$d, $np ranks: identical ($(wc -l <mpi.out) rows, exit $rc)"
    fi
  done
}

same_as_single "wire sample (gzip: dealt by rank 0)" "${FIELDS[@]}" "$SAMPLE"
same_as_single "wire sample with stories" "${FIELDS[@]}" --stories "$SAMPLE"
gzip -dc "$SAMPLE" >sample.jsonl
same_as_single "plain JSONL (byte ranges), stories, CSV" "${FIELDS[@]}" --stories --format csv \
  sample.jsonl

# Bad records of every kind spread over the file, duplicate ids far from
# their first (another rank's range), CRLF ends, no final newline.
"$PYTHON" - <<'P'
import json
rows = open("sample.jsonl").read().splitlines()[:400]
bad = ['this is not json', json.dumps({"id": "b1", "body": "no text field"}),
       json.dumps({"id": "b2", "text": 42}), json.dumps({"id": "b3", "text": ""}),
       '{"id": "b4", "text": "nul \x00 byte"}', json.dumps({"id": "b5", "text": "x y z"}) + " trailing",
       json.dumps({"id": "b6", "text": "!!! ... ---"}), json.dumps({"id": "b7", "text": "big " * 4000}),
       "   "]
out = []
for i, r in enumerate(rows):
    out.append(r)
    if i % 37 == 3:
        out.append(bad[(i // 37) % len(bad)])
    if i % 53 == 50:  # an earlier article's id again, with other text
        x = json.loads(rows[i - 45]); x["text"] = "other words " * 20 + str(i)
        out.append(json.dumps(x))
with open("bad.jsonl", "w", newline="") as f:
    f.write("\r\n".join(out))
P
same_as_single "bad records, --on-error skip" "${FIELDS[@]}" --on-error skip \
  --max-article-bytes 10000 bad.jsonl
check "bad.jsonl has bad records of every kind to compare" test "$(msgs single.err | wc -l)" -ge 15
rm -f rej.txt
"$BIN" cluster "${FIELDS[@]}" --on-error skip --max-article-bytes 10000 --rejects rej.txt \
  bad.jsonl >/dev/null 2>&1 && mv rej.txt single.rej
for np in 2 4; do
  mpi "$np" cluster "${FIELDS[@]}" --on-error skip --max-article-bytes 10000 --rejects rej.txt \
    bad.jsonl >/dev/null 2>&1
  check "$np ranks: the rejects file is the single process's, byte for byte" cmp -s single.rej rej.txt
done
gzip -c bad.jsonl >bad.jsonl.gz
same_as_single "bad records in gzip and plain files, stories" "${FIELDS[@]}" --on-error skip \
  --max-article-bytes 10000 --stories bad.jsonl.gz sample.jsonl

# --on-error fail: exit 1 naming the first bad record, and no output file.
"$BIN" cluster "${FIELDS[@]}" bad.jsonl >/dev/null 2>single.err
for np in 1 2 4; do
  rm -f result.jsonl
  mpi "$np" cluster "${FIELDS[@]}" -o result.jsonl bad.jsonl >/dev/null 2>mpi.err
  rc=$?
  check "$np ranks, --on-error fail: exit 1 (got $rc)" test "$rc" -eq 1
  check "$np ranks, --on-error fail: the single process's message" \
    test "$(msgs mpi.err)" = "$(msgs single.err)"
  check "$np ranks, --on-error fail: no output file" test ! -e result.jsonl
done
# A bad record only at the end: in the last rank's range.
{ cat sample.jsonl; echo '{"id": "late", "text": 5}'; } >late.jsonl
"$BIN" cluster "${FIELDS[@]}" late.jsonl >/dev/null 2>single.err
mpi 4 cluster "${FIELDS[@]}" late.jsonl >/dev/null 2>mpi.err
rc=$?
check "4 ranks: a bad last record fails the job (exit $rc)" test "$rc" -eq 1
check "4 ranks: ... with its FILE:LINE" test "$(msgs mpi.err)" = "$(msgs single.err)"

# -o writes the same file; a usage error is exit 2.
"$BIN" cluster "${FIELDS[@]}" -o single.jsonl "$SAMPLE" 2>/dev/null
mpi 2 cluster "${FIELDS[@]}" -o result.jsonl "$SAMPLE" 2>/dev/null
check "-o on 2 ranks writes the single process's file" cmp -s single.jsonl result.jsonl
mpi 2 cluster --threshold 2 "$SAMPLE" >/dev/null 2>&1
rc=$?
check "a usage error exits 2 (got $rc)" test "$rc" -eq 2
mpi 2 cluster "${FIELDS[@]}" --mpi-stats -q "$SAMPLE" >/dev/null 2>mpi.err
check "--mpi-stats reports every rank" test "$(grep -c '^wiredup: rank [01]: .* bytes' mpi.err)" -eq 2
finish
