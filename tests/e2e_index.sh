#!/usr/bin/env bash
# The feed index from the command line: every `wiredup index` subcommand and
# `wiredup dedup`, parameter conflicts, expiry, duplicates inside one input,
# dedup over a pipe answering line by line, a damaged index, one writer at a
# time, and kill -9 at random moments of an `index add`.
. "$(dirname "$0")/lib.sh"

# gen N SEED PREFIX [DAYS]: N small articles; every fifth one after the
# first is a cut copy of an earlier one (same words, fewer of them).
gen() {
  "$PYTHON" - "$@" <<'P'
import json, random, sys
n, seed, prefix = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
days = int(sys.argv[4]) if len(sys.argv) > 4 else 1
r = random.Random(seed)
vocab = ["%s%x" % (prefix, i) for i in range(20000)]
originals = []
for i in range(n):
    if originals and i % 5 == 4:
        words = r.choice(originals)
        words = words[:int(len(words) * 0.8)]
    else:
        words = r.choices(vocab, k=r.randint(40, 80))
        originals.append(words)
    print(json.dumps({"id": "%s%d" % (prefix, i), "date": "2020-03-%02d" % (1 + i * days // n),
                      "text": " ".join(words)}))
P
}

# ---- usage ----
expect_rc 2 "index without a command" "$BIN" index
expect_rc 2 "unknown index command" "$BIN" index frobnicate x
expect_rc 0 "index --help" "$BIN" index --help
check "help names every command" grep -q "expire IDX --older-than" out.txt
expect_rc 0 "dedup --help" "$BIN" dedup --help
check "dedup help shows the answers" sh -c "grep -qF '\"status\":\"duplicate\",\"of\":ID' out.txt && grep -qF '\"status\":\"rejected\",\"error\":REASON' out.txt"
expect_rc 2 "dedup without --index" "$BIN" dedup x.jsonl
expect_rc 2 "add without a file" "$BIN" index add idx
expect_rc 2 "expire without --older-than" "$BIN" index expire idx
expect_rc 2 "an option the command does not take" "$BIN" index info idx --batch 5
check "... is named" has err.txt "^wiredup: --batch is not an option of index info"
expect_rc 2 "bad value" "$BIN" index create idx --num-perm 12
expect_rc 2 "--rejects needs skip" "$BIN" index add idx --rejects r.jsonl x.jsonl

# ---- create, info, add ----
expect_rc 0 "create" "$BIN" index create idx
check "create says what it made" has err.txt "41 bands x 2 rows"
check "an index is a directory" test -f idx/data.mdb
expect_rc 1 "create twice" "$BIN" index create idx
check "... says it exists" has err.txt "idx: already exists"
expect_rc 0 "info of an empty index" "$BIN" index info idx
check "info: no articles" has out.txt "^articles    0 (0 undated)"
check "info: parameters" has out.txt "^lsh         41 bands x 2 rows"

gen 2000 1 a 10 >a.jsonl
expect_rc 0 "add" "$BIN" index add idx --date-field date a.jsonl
check "add counts" has err.txt "2000 articles: 2000 added, 0 already in the index"
expect_rc 0 "add again: ids present are skipped, not an error" "$BIN" index add idx a.jsonl
check "... and counted" has err.txt "0 added, 2000 already in the index"
expect_rc 0 "info --json" "$BIN" index info idx --json
check "info --json: count and dates" \
  has out.txt '"articles":2000,"undated":0,"first_date":"2020-03-01","last_date":"2020-03-10"'
check "info --json: parameters" has out.txt '"num_perm":128,"seed":1,"measure":"containment","threshold":0.5,"min_length_ratio":0.4,"bands":41,"rows":2'
check "info --json is valid JSON" "$PYTHON" -c "import json; json.load(open('out.txt'))"
expect_rc 0 "info text" "$BIN" index info idx
check "info text: date range" has out.txt "^dates       2020-03-01 to 2020-03-10"
check "info text: size" has out.txt "^size        [0-9]* bytes on disk"

# ---- parameters are the index's ----
expect_rc 2 "a conflicting --num-perm is refused" "$BIN" index add idx --num-perm 64 a.jsonl
check "... naming both values" has err.txt "idx: --num-perm 64 conflicts with the index's 128"
expect_rc 2 "a conflicting --threshold is refused by dedup" "$BIN" dedup --index idx --threshold 0.8 a.jsonl
check "... naming both values" has err.txt "idx: --threshold 0.8 conflicts with the index's 0.5"
expect_rc 2 "--noisy against a word index" "$BIN" dedup --index idx --noisy a.jsonl
check "... named" has err.txt "shingle char conflicts with the index's word"
expect_rc 0 "agreeing parameters are fine" "$BIN" index add idx --num-perm 128 --measure containment a.jsonl
expect_rc 0 "create with other parameters" "$BIN" index create idx-j --measure jaccard --threshold 0.8 --num-perm 64
expect_rc 0 "... kept" "$BIN" index info idx-j --json
check "... as given" has out.txt '"num_perm":64,.*"measure":"jaccard","threshold":0.8'

# ---- dedup ----
# Copies of indexed articles under new ids (exact: later cut copies of the
# same original tie at 1.0, and the earliest added wins), then new ones.
"$PYTHON" - <<'P'
import json
rows = [json.loads(l) for l in open("a.jsonl")]
with open("q.jsonl", "w") as f:
    for i in range(0, 100, 10):
        o = dict(rows[i]); o["id"] = "copy-%d" % i
        f.write(json.dumps(o) + "\n")
    for i in range(10):
        f.write(json.dumps({"id": "fresh-%d" % i, "text": " ".join("zz%dq%d" % (i, j) for j in range(60))}) + "\n")
P
expect_rc 0 "dedup --no-add" "$BIN" dedup --index idx --no-add q.jsonl
check "one answer per article" test "$(wc -l <out.txt)" -eq 20
check "copies are duplicates of their original" has out.txt '{"id":"copy-10","status":"duplicate","of":"a10","similarity":1.0000}'
check "new articles are new" has out.txt '{"id":"fresh-3","status":"new","of":null,"similarity":0}'
check "answers are valid JSON" "$PYTHON" -c "
import json
for l in open('out.txt'): json.loads(l)"
check "--no-add adds nothing" sh -c "'$BIN' index info idx --json | grep -q '\"articles\":2000,'"
# Inside one input, before anything is committed: the first is new, later
# copies are caught, and of two equally similar stored copies the earlier
# is named.
"$PYTHON" - <<'P'
import json
t = " ".join("batch%d" % j for j in range(80))
with open("b.jsonl", "w") as f:
    f.write(json.dumps({"id": 1, "text": t}) + "\n")
    f.write(json.dumps({"id": 2, "text": t + " tail words here"}) + "\n")
    f.write(json.dumps({"id": 3, "text": t}) + "\n")
P
expect_rc 0 "dedup adds" "$BIN" dedup --index idx --batch 1000 b.jsonl
check "first of a batch is new" has out.txt '{"id":1,"status":"new"'
check "a copy in the same batch is caught" has out.txt '{"id":2,"status":"duplicate","of":1,'
check "the earlier one wins" has out.txt '{"id":3,"status":"duplicate","of":1,'
expect_rc 0 "dedup the same input again" "$BIN" dedup --index idx b.jsonl
check "a stored id is a duplicate of itself" has out.txt '{"id":2,"status":"duplicate","of":2,"similarity":1.0000}'

# Bad records: FILE:LINE: reason, as cluster.
printf '%s\n' '{"id":"ok1","text":"one two three four five six"}' 'not json' \
  '{"id":"ok2","text":"seven eight nine ten eleven twelve"}' >bad.jsonl
expect_rc 1 "a bad record fails" "$BIN" dedup --index idx bad.jsonl
check "... named FILE:LINE" has err.txt "bad.jsonl:2: not valid JSON"
expect_rc 0 "skip mode" "$BIN" dedup --index idx --on-error skip --rejects rej.jsonl bad.jsonl
check "the bad record is in the rejects file" grep -qx "not json" rej.jsonl
check "every record is answered, the bad one too" test "$(wc -l <out.txt)" -eq 3
check "... as rejected, with its file and line" \
  has out.txt '^{"id":null,"file":"bad.jsonl","line":2,"status":"rejected","error":"not valid JSON at byte 1'

# Answers do not depend on how the band entries were cut into segments:
# the same feed committed an article at a time, 37 at a time and all at
# once gives the same answers.
for b in 1 37 5000; do
  "$BIN" index create -q "idx-b$b"
  expect_rc 0 "dedup with batches of $b" "$BIN" dedup -q --index "idx-b$b" --no-sync --batch "$b" a.jsonl q.jsonl
  mv out.txt "layout-$b.txt"
done
check "... the same answers whatever the batches" sh -c \
  'cmp -s layout-1.txt layout-5000.txt && cmp -s layout-37.txt layout-5000.txt'
check "... and copies are found" test "$(grep -c '"duplicate"' layout-5000.txt)" -ge 400

# ---- dedup over a pipe: an answer per line, before the next line ----
mkfifo in.fifo out.fifo
"$BIN" dedup -q --index idx - <in.fifo >out.fifo 2>pipe-err.txt &
dedup_pid=$!
exec 7>in.fifo 8<out.fifo
ok=1
for i in 0 1 2; do
  sed -n "$((1991 - i * 10))p" a.jsonl | sed 's/"id": "a/"id": "piped-a/' >&7
  if ! read -t 10 -r line <&8; then ok=0; break; fi
  echo "$line" >>piped.txt
done
exec 7>&- ; wait $dedup_pid; rc=$?
exec 8<&-
check "each piped line is answered before the next is written" test $ok -eq 1
check "... and exits 0 at the end of input (rc $rc)" test $rc -eq 0
check "piped answers name the original" has piped.txt '{"id":"piped-a1980","status":"duplicate","of":"a1980"'
expect_rc 0 "info" "$BIN" index info idx --json
check "everything dedup added is in (2000 + 3 + 1 + 1 + 3)" has out.txt '"articles":2008,'

# ---- expiry ----
expect_rc 0 "expire" "$BIN" index expire idx --older-than 4
check "expire reports" has err.txt "expired [0-9]* articles dated before 2020-03-06"
expect_rc 0 "info after expiry" "$BIN" index info idx --json
check "oldest date is now inside the window" has out.txt '"first_date":"2020-03-06"'
"$PYTHON" - <<'P'
import json
with open("e.jsonl", "w") as f, open("eq.jsonl", "w") as q:
    for d in range(1, 11):
        t = " ".join("exp%dw%d" % (d, j) for j in range(50))
        f.write(json.dumps({"id": d, "date": "2020-04-%02d" % d, "text": t}) + "\n")
        q.write(json.dumps({"id": 100 + d, "text": t}) + "\n")
P
"$BIN" index create -q idx-e && "$BIN" index add -q idx-e --date-field date e.jsonl
expect_rc 0 "expire: days before the newest minus 4" "$BIN" index expire idx-e --older-than 4
check "... five of ten" has err.txt "expired 5 articles dated before 2020-04-06; 5 left"
expect_rc 0 "expired articles are not matched" "$BIN" dedup --index idx-e --no-add eq.jsonl
check "... day 5 is gone" has out.txt '{"id":105,"status":"new"'
check "... day 6 is kept" has out.txt '{"id":106,"status":"duplicate","of":6,'
gen 500 2 w 20 >w.jsonl
expect_rc 0 "create for --window-days" "$BIN" index create idx-w -q
expect_rc 0 "add with --window-days" "$BIN" index add idx-w --date-field date --batch 100 --window-days 3 w.jsonl
expect_rc 0 "info" "$BIN" index info idx-w --json
check "only the window is kept" has out.txt '"first_date":"2020-03-1[78]","last_date":"2020-03-20"'

# ---- a damaged index ----
cp -r idx idx-trunc
truncate -s 20000 idx-trunc/data.mdb
expect_rc 1 "a truncated index file is an error" "$BIN" index info idx-trunc
check "... saying so" has err.txt "idx-trunc: index file truncated"
cp -r idx idx-junk
head -c 16384 /dev/urandom | dd of=idx-junk/data.mdb conv=notrunc 2>/dev/null
expect_rc 1 "a corrupted index file is an error" "$BIN" dedup --index idx-junk --no-add q.jsonl
check "... saying so" has err.txt "idx-junk: damaged index"
mkdir not-an-index
expect_rc 1 "a directory that is not an index" "$BIN" index info not-an-index
check "... saying so" has err.txt "not a wiredup index"

# ---- one writer at a time ----
mkfifo hold.fifo
"$BIN" index add -q --wait idx - <hold.fifo 2>/dev/null &
writer=$!
exec 9>hold.fifo
# Until the first writer holds the lock, a second one simply runs (and the
# first, with --wait, waits for it).
for i in $(seq 1 100); do
  "$BIN" index add -q idx a.jsonl 2>/dev/null || break
  sleep 0.1
done
expect_rc 1 "a second writer is refused" "$BIN" index add idx a.jsonl
check "... clearly" has err.txt "idx: index is being written by another process"
expect_rc 0 "readers do not wait" "$BIN" index info idx
( sleep 1; exec 9>&- ) &
exec 9>&-
expect_rc 0 "--wait waits for the writer" "$BIN" index add --wait idx a.jsonl
check "... and then writes" has err.txt "already in the index"
wait $writer

# ---- kill -9 at random moments of an add ----
gen 20000 3 k >k.jsonl
"$BIN" index create -q idx-k
"$BIN" index create -q idx-time
t0=$(date +%s%N)
"$BIN" index add -q idx-time k.jsonl
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
t0=$(date +%s%N)
"$BIN" index add -q idx-time k.jsonl # all there: the time to pass over them
skip=$(( ($(date +%s%N) - t0) / 1000000 ))
RANDOM=7
prev=0
bad=0
counts=""
for i in $(seq 1 10); do
  "$BIN" index add -q idx-k k.jsonl 2>/dev/null &
  pid=$!
  # Kill i lands at a random point of the i-th tenth of the whole add: the
  # time to pass over what is in, then to add up to that point.
  sleep "$(awk -v r=$RANDOM -v i=$i -v ms=$ms -v skip=$skip -v prev=$prev \
             'BEGIN { t = (i - 1 + (r % 1000) / 1000) / 10 * 20000 - prev;
                      printf "%.3f", (skip * prev + (t > 0 ? t : 0) * ms) / 20000 / 1000 }')"
  kill -9 $pid 2>/dev/null
  wait $pid 2>/dev/null
  n=$("$BIN" index info idx-k --json 2>info-err.txt | "$PYTHON" -c "import json,sys; print(json.load(sys.stdin)['articles'])")
  if [ -z "$n" ] || [ $((n % 1000)) -ne 0 ] || [ "$n" -lt "$prev" ]; then
    bad=1; echo "kill $i: count '$n' after $prev: $(cat info-err.txt)" >&2
  fi
  prev=${n:-0}
  counts="$counts $prev"
done
check "after every kill -9 the index opens and holds whole batches:$counts" test $bad -eq 0
expect_rc 0 "re-running the add completes it" "$BIN" index add idx-k k.jsonl
expect_rc 0 "info" "$BIN" index info idx-k --json
check "every article once" has out.txt '"articles":20000,'
expect_rc 0 "every id is found as itself" "$BIN" dedup -q --index idx-k --no-add k.jsonl
check "... all 20000" test "$(grep -c '"status":"duplicate","of":"\(k[0-9]*\)","similarity":1.0000}' out.txt)" -eq 20000
check "... each of itself" "$PYTHON" -c "
import json
for l in open('out.txt'):
    o = json.loads(l)
    assert o['of'] == o['id'], l"
finish
