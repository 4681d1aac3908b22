#!/usr/bin/env bash
# The index and the feed, where they must lose nothing: a date far ahead
# (--now, --max-future-days), one answer per record (rejected ones too),
# a failed write of the answers, --rejects over an input, a full map (its
# growth, its limit), a read-only index, create in an empty directory, ids
# equal as JSON, option errors and thread counts.
. "$(dirname "$0")/lib.sh"

# art ID DATE SEED [N]: one JSON line, an article of N (60) words of its own.
art() {
  "$PYTHON" -c '
import json, sys
i, d, seed = sys.argv[1], sys.argv[2], int(sys.argv[3])
n = int(sys.argv[4]) if len(sys.argv) > 4 else 60
o = {"id": json.loads(i), "text": " ".join("s%dw%d" % (seed, j) for j in range(n))}
if d != "-":
    o["date"] = d
print(json.dumps(o))' "$@"
}
count() { "$BIN" index info "$1" --json | "$PYTHON" -c "import json,sys; print(json.load(sys.stdin)['articles'])"; }

# ---- a date far ahead must not empty the index ----
"$BIN" index create -q idx-f
{ art '"a1"' 2024-05-01 1; art '"a2"' 2024-05-08 2; art '"far"' 2204-01-01 3
  art '"a3"' 2024-05-09 4; } >f.jsonl
expect_rc 1 "a date far ahead is a bad record" \
  "$BIN" index add idx-f --date-field date --now 2024-05-10 --window-days 30 f.jsonl
check "... saying why" has err.txt "f.jsonl:3: date 2204-01-01 is more than 2 days after today (2024-05-10; see --max-future-days, --now)"
expect_rc 0 "skipped" \
  "$BIN" index add idx-f --date-field date --now 2024-05-10 --window-days 30 --on-error skip f.jsonl
check "... everything else is kept (2 + 1)" test "$(count idx-f)" -eq 3
expect_rc 0 "the clock decides without --now: 2204 is ahead of it" \
  "$BIN" dedup --index idx-f --no-add --date-field date --on-error skip f.jsonl
check "... rejected" has out.txt '^{"id":"far","status":"rejected","error":"date 2204-01-01 is more than 2 days after today'
check "... the others are found" test "$(grep -c '"status":"duplicate"' out.txt)" -eq 3
# Accepted by a clock that far ahead (a replay's --now), it still does not
# move another clock's window.
expect_rc 0 "--now 2204-01-01 takes it" "$BIN" index add idx-f --date-field date --now 2204-01-01 f.jsonl
art '"b1"' 2024-05-10 5 >b.jsonl
expect_rc 0 "a later add with a window, today 2024-05-10" \
  "$BIN" index add idx-f --date-field date --now 2024-05-10 --window-days 30 b.jsonl
check "... expires nothing of May 2024 (3 + far + b1)" test "$(count idx-f)" -eq 5
expect_rc 0 "expire measures from today when the newest is ahead" \
  "$BIN" index expire idx-f --older-than 5 --now 2024-05-10
check "... 2024-05-01 goes, the rest stays" has err.txt "expired 1 articles dated before 2024-05-05; 4 left"
expect_rc 2 "--now takes a date" "$BIN" index add idx-f --now 2024-13-01 b.jsonl
check "... saying so" has err.txt "now: bad value '2024-13-01' (a date YYYY-MM-DD)"
expect_rc 2 "--max-future-days has a range" "$BIN" dedup --index idx-f --max-future-days -1 b.jsonl
check "... named" has err.txt "max-future-days: bad value '-1' (0..36500 days)"

# ---- one answer per record ----
"$BIN" index create -q idx-a
{ art '"g1"' - 10; echo 'not json'; echo '{"id":"e1","text":"  ... "}'; echo
  echo '   '; echo '{"id":{"x":1},"text":"y"}'; art 7 - 11; } >mixed.jsonl
expect_rc 0 "dedup --on-error skip answers every record" \
  "$BIN" dedup --index idx-a --on-error skip mixed.jsonl
check "five records (blank lines are not), five answers" test "$(wc -l <out.txt)" -eq 5
check "a rejected record with an id" \
  has out.txt '^{"id":"e1","status":"rejected","error":"text has no letters or digits"}$'
check "one without: file and line" \
  has out.txt '^{"id":null,"file":"mixed.jsonl","line":2,"status":"rejected","error":"not valid JSON'
check "an id that is not a string or number is null" has out.txt '^{"id":null,"file":"mixed.jsonl","line":6,'
check "answers in input order" sh -c "cut -c1-12 out.txt | tr '\n' ' ' | grep -q '^{\"id\":\"g1\",\" {\"id\":null,\" {\"id\":\"e1\",\" {\"id\":null,\" {\"id\":7,\"sta '"
check "every answer is JSON" "$PYTHON" -c "
import json
for l in open('out.txt'): json.loads(l)"
expect_rc 0 "the same on stdin" sh -c "'$BIN' dedup --index idx-a --no-add --on-error skip - <mixed.jsonl"
check "... five answers, lines of stdin" sh -c "test \$(wc -l <out.txt) -eq 5 && grep -q '\"file\":\"-\",\"line\":2,' out.txt"
expect_rc 1 "--on-error fail: the bad record is answered, then it stops" \
  "$BIN" dedup --index idx-a --no-add mixed.jsonl
check "... two answers" test "$(wc -l <out.txt)" -eq 2

# ---- a failed write of the answers ----
mknod full c 1 7 2>/dev/null || true
if [ -c full ]; then
  "$BIN" index create -q idx-w
  for i in $(seq 1 30); do art "\"w$i\"" - $((100 + i)); done >w.jsonl
  expect_rc 1 "dedup to a full device fails" sh -c "'$BIN' dedup --index idx-w --batch 10 w.jsonl >full"
  check "... saying so" has err.txt "writing the answers: No space left on device"
  check "... and adds none of the articles whose answers were lost" test "$(count idx-w)" -eq 0
  expect_rc 1 "the same from stdin" sh -c "'$BIN' dedup --index idx-w --batch 10 - <w.jsonl >full"
  check "... nothing added" test "$(count idx-w)" -eq 0
  expect_rc 1 "--no-add too" sh -c "'$BIN' dedup --index idx-w --no-add w.jsonl >full"
else
  skip "mknod cannot make a character device here: the full-device checks did not run"
fi

# ---- --rejects over an input ----
cp mixed.jsonl in.jsonl
expect_rc 2 "--rejects naming the input is refused" \
  "$BIN" index add idx-a --on-error skip --rejects in.jsonl in.jsonl
check "... and the input is intact" cmp -s mixed.jsonl in.jsonl
expect_rc 0 "--rejects elsewhere" "$BIN" index add idx-a --on-error skip --rejects rej.jsonl in.jsonl
check "... holds the three bad records" test "$(wc -l <rej.jsonl)" -eq 3

# ---- the map: grows by itself, up to --map-size ----
for i in $(seq 1 1500); do echo "{\"id\":$i,\"text\":\"$(seq -s ' ' "$((i * 7))" "$((i * 7 + 60))" | sed 's/[0-9]*/m&/g')\"}"; done >m.jsonl
"$BIN" index create -q idx-m --map-size 1M
expect_rc 1 "an add past the limit fails" "$BIN" index add idx-m --batch 100 m.jsonl
check "... naming the index, the limit and the option" \
  has err.txt "idx-m: the index is full: it reached its map size limit of 1048576 bytes (the uncommitted batch was dropped); raise the limit with --map-size SIZE$"
added=$(sed -n 's/.* articles: \([0-9]*\) added.*/\1/p' err.txt)
check "... the summary counts what was committed ($added)" test "$added" = "$(count idx-m)"
check "... and says what was not kept" has err.txt "not kept (their batch was dropped)"
expect_rc 0 "a higher --map-size on open goes on" "$BIN" index add idx-m --batch 100 --map-size 64M m.jsonl
check "... all of it" test "$(count idx-m)" -eq 1500
expect_rc 0 "info" "$BIN" index info idx-m
check "... shows the raised limit, kept" has out.txt "^map size    [0-9]* bytes, growing up to 67108864;"
"$BIN" index create -q idx-g
expect_rc 0 "a default index grows from its first map in one batch" "$BIN" index add idx-g --batch 5000 m.jsonl
check "... all of it" test "$(count idx-g)" -eq 1500
check "... the map grew past 1 MiB, not to the limit" "$PYTHON" -c "
import json, subprocess
i = json.loads(subprocess.run(['$BIN', 'index', 'info', 'idx-g', '--json'], capture_output=True).stdout)
assert 1 << 20 < i['map_size'] < 1 << 30, i['map_size']"

# ---- a read-only index ----
cp -r idx-a idx-ro
"$PYTHON" -c 'import json; print(json.dumps({"id":"g1-copy","text":" ".join("s10w%d" % j for j in range(60))}))' >ro-q.jsonl
as_reader=""
if [ "$(id -u)" -eq 0 ]; then
  # Root writes through any mode bits: read as an unprivileged user.
  if command -v setpriv >/dev/null && setpriv --reuid=nobody --regid=nogroup --clear-groups "$BIN" --version >/dev/null 2>&1 &&
     setpriv --reuid=nobody --regid=nogroup --clear-groups cat ro-q.jsonl >/dev/null 2>&1; then
    as_reader="setpriv --reuid=nobody --regid=nogroup --clear-groups"
  fi
else
  as_reader="env"
fi
if [ -n "$as_reader" ]; then
  chmod -R a-w idx-ro && chmod a+rx idx-ro && chmod a+r idx-ro/*
  expect_rc 0 "info on a read-only directory" $as_reader "$BIN" index info idx-ro --json
  check "... reads it" has out.txt '"articles":2,'
  expect_rc 0 "dedup --no-add on it" $as_reader "$BIN" dedup --index idx-ro --no-add ro-q.jsonl
  check "... answers" has out.txt '{"id":"g1-copy","status":"duplicate","of":"g1"'
  rm -f idx-ro/lock.mdb 2>/dev/null
  expect_rc 0 "... also with no lock.mdb, which it cannot make" $as_reader "$BIN" dedup --index idx-ro --no-add ro-q.jsonl
  check "... answers" has out.txt '{"id":"g1-copy","status":"duplicate","of":"g1"'
  expect_rc 1 "writing to it fails" $as_reader "$BIN" index add idx-ro ro-q.jsonl
  check "... naming the file" has err.txt "cannot open idx-ro/writer.lock: Permission denied"
  chmod -R u+w idx-ro
else
  skip "no way to read as a user without write access here: the read-only checks did not run"
fi

# ---- create in an existing empty directory ----
mkdir empty-vol
expect_rc 0 "create in an empty directory (a mounted volume)" "$BIN" index create empty-vol
expect_rc 0 "... it is an index" "$BIN" index add empty-vol b.jsonl
check "... holding the article" test "$(count empty-vol)" -eq 1
check "... and nothing else of create's" test "$(ls -A empty-vol | tr '\n' ' ')" = "data.mdb lock.mdb writer.lock "
mkdir full-dir && echo keep >full-dir/notes.txt
expect_rc 1 "a directory with something in it is refused" "$BIN" index create full-dir
check "... saying why" has err.txt "full-dir: already exists, is not empty and is not an index"
check "... and left as it was" test "$(ls -A full-dir)" = "notes.txt"

# ---- ids equal as JSON are one id ----
"$BIN" index create -q idx-i
{ art '"A"' - 20; echo '{"id":"\u0041","text":"something else entirely, other words"}'; } >ids.jsonl
expect_rc 0 "dedup: \"A\" then \"\\u0041\"" "$BIN" dedup --index idx-i ids.jsonl
check "... the second is the first's id" has out.txt '^{"id":"\\u0041","status":"duplicate","of":"A",'
check "... one article" test "$(count idx-i)" -eq 1

# ---- options ----
expect_rc 2 "a bad --batch names the option and its range" "$BIN" index add idx-i --batch 0 b.jsonl
check "... so" has err.txt "^wiredup: --batch: bad value '0' (1..10000000)"
expect_rc 2 "a bad --map-size" "$BIN" index create idx-x --map-size 12Q
check "... so" has err.txt "map-size: bad value '12Q' (bytes, or a number with a K, M, G or T suffix; at least 1M)"
expect_rc 2 "a bad --threshold" "$BIN" index create idx-x --threshold 7
check "... so" has err.txt "^wiredup: --threshold: bad value '7' (a number in (0, 1])"
expect_rc 2 "-t too" "$BIN" dedup --index idx-i -t 5000 b.jsonl
check "... so, naming -t as --threads (as cluster does)" has err.txt "^wiredup: --threads: bad value '5000' (1..1024)"
expect_rc 0 "OMP_NUM_THREADS=100000 is capped like --threads" env OMP_NUM_THREADS=100000 "$BIN" dedup --index idx-i --no-add ids.jsonl
check "... and said" has err.txt "using 1024"
check "... the answers are out" test "$(wc -l <out.txt)" -eq 2
finish
