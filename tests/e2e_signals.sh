#!/usr/bin/env bash
# Interruption and failing output: SIGINT / SIGTERM stop the run with
# 130 / 143 and leave no file under the -o name; a file-size limit (a full
# disk) is a clear error with no partial output; a truncated input pipe is
# reported, not silently dropped.
. "$(dirname "$0")/lib.sh"

"$PYTHON" - <<'P'
import json, random
r = random.Random(1)
vocab = ["w%d" % i for i in range(5000)]
with open("big.jsonl", "w") as f:
    for i in range(40000):
        f.write(json.dumps({"id": i, "text": " ".join(r.choice(vocab) for _ in range(300))}) + "\n")
P

# The input comes through a FIFO in two parts with a pause between them, so
# the run is in progress (working, or waiting for the rest) when the signal
# comes, however fast it is: a fixed sleep on a file raced a run that now
# ends in 0.3 s. One pass (no boilerplate pass): a FIFO is read once.
for sig in INT TERM; do
  want=$([ $sig = INT ] && echo 130 || echo 143)
  rm -f fifo && mkfifo fifo
  { head -c 35000000 big.jsonl; sleep 3; tail -c +35000001 big.jsonl; } >fifo 2>/dev/null &
  writer=$!
  "$BIN" cluster --threads 1 --boilerplate-min-docs 0 -o result.jsonl fifo 2>err.txt &
  pid=$!
  sleep 0.5
  kill -$sig $pid
  t0=$(date +%s%N)
  wait $pid
  rc=$?
  ms=$(( ($(date +%s%N) - t0) / 1000000 ))
  check "SIG$sig exits $want (got $rc)" test $rc -eq $want
  check "SIG$sig stops within a second (${ms} ms)" test $ms -lt 1000
  check "SIG$sig says what was done" grep -q "articles read; no output written" err.txt
  check "SIG$sig leaves no output file" test ! -e result.jsonl
  check "SIG$sig leaves no temporary file" test -z "$(ls | grep 'result.jsonl.tmp')"
  kill $writer 2>/dev/null; wait $writer 2>/dev/null
done

( ulimit -f 200; "$BIN" cluster -q -o limited.jsonl big.jsonl 2>err.txt ); rc=$?
check "file-size limit is an error (exit $rc)" test $rc -eq 1
check "file-size limit is named" grep -q "limited.jsonl: File too large" err.txt
check "no partial output under the name" test ! -e limited.jsonl
check "no temporary file left" test -z "$(ls | grep 'limited.jsonl.tmp')"

head -c 100000 big.jsonl | "$BIN" cluster -q --on-error skip - >out.txt 2>err.txt; rc=$?
check "a pipe cut mid-record completes (exit $rc)" test $rc -eq 0
check "the cut record is reported" grep -q -- "-:[0-9]*: not valid JSON" err.txt
check "every whole record is in the output" \
  test "$(wc -l <out.txt)" -eq "$(head -c 100000 big.jsonl | wc -l)"
finish
