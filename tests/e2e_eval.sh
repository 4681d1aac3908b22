#!/usr/bin/env bash
# `wiredup eval`: scores only when gold and prediction label the same ids,
# once each; every refusal names the file, the line and an example id;
# input read like `cluster` reads it (gzip, '-', blank lines); a failed
# write of the scores is exit 1.
. "$(dirname "$0")/lib.sh"

cat >gold.jsonl <<'J'
{"id":1,"label":"a"}
{"id":2,"label":"a"}
{"id":"x","label":"b"}
{"id":"y","label":"b"}
J
cat >pred.jsonl <<'J'
{"id":2,"cluster":1}
{"id":1,"cluster":1}
{"id":"x","cluster":"\u0078"}
{"id":"y","cluster":"x"}
J
expect_rc 0 "eval scores" "$BIN" eval --gold gold.jsonl --pred pred.jsonl --json
check "labels compare by value: a perfect score" has out.txt '"n":4,"gold_clusters":2,"pred_clusters":2,"ari":1.0000'
cp out.txt base.txt

# Blank lines are not records, wherever they are.
{ echo; sed -n 1,2p pred.jsonl; printf ' \t\n'; sed -n 3,4p pred.jsonl; echo; echo; } >blank.jsonl
expect_rc 0 "blank lines skipped" "$BIN" eval --gold gold.jsonl --pred blank.jsonl --json
check "blank lines change nothing" cmp -s out.txt base.txt

# gzip and stdin, like cluster.
gzip -c gold.jsonl >gold.jsonl.gz
expect_rc 0 "gzip gold" "$BIN" eval --gold gold.jsonl.gz --pred pred.jsonl --json
check "gzip gold gives the same scores" cmp -s out.txt base.txt
"$BIN" eval --gold gold.jsonl --pred - --json <pred.jsonl >stdin.txt 2>err.txt
check "stdin pred gives the same scores" cmp -s stdin.txt base.txt
expect_rc 2 "both from stdin is a usage error" "$BIN" eval --gold - --pred - </dev/null

# Duplicates are refused (the last one used to win silently), by value.
{ cat pred.jsonl; echo '{"id":1,"cluster":"y"}'; } >dup_pred.jsonl
expect_rc 1 "duplicate predicted id refused" "$BIN" eval --gold gold.jsonl --pred dup_pred.jsonl
check "duplicate predicted id named with both lines" has err.txt 'dup_pred.jsonl:5: duplicate id 1 (first at dup_pred.jsonl:2)'
check "no scores after a refusal" test ! -s out.txt
{ cat gold.jsonl; echo '{"id":"\u0078","label":"c"}'; } >dup_gold.jsonl
expect_rc 1 "duplicate gold id (escaped) refused" "$BIN" eval --gold dup_gold.jsonl --pred pred.jsonl
check "duplicate gold id named" has err.txt 'dup_gold.jsonl:5: duplicate id "\\u0078" (first at dup_gold.jsonl:3)'

# Empty input has nothing to score (it used to give ARI 1.0, exit 0).
: >empty.jsonl
printf '\n\n' >blanks.jsonl
expect_rc 1 "empty gold refused" "$BIN" eval --gold empty.jsonl --pred pred.jsonl
check "empty gold named" has err.txt 'empty.jsonl: no records'
expect_rc 1 "blank-only pred refused" "$BIN" eval --gold gold.jsonl --pred blanks.jsonl
check "blank-only pred named" has err.txt 'blanks.jsonl: no records'
expect_rc 1 "both empty refused" "$BIN" eval --gold empty.jsonl --pred empty.jsonl

# A mismatch names how many and the first id of each side.
sed 1d pred.jsonl >short.jsonl
echo '{"id":"z","cluster":"z"}' >>short.jsonl
expect_rc 1 "missing and extra ids refused" "$BIN" eval --gold gold.jsonl --pred short.jsonl
check "first missing gold id named with its line" has err.txt '1 gold ids have no prediction (the first: 2, gold.jsonl:2)'
check "first unknown predicted id named" has err.txt '1 predicted ids are not in the gold file gold.jsonl (the first: "z", short.jsonl:4)'

# Bad records name the file and the line.
{ sed -n 1p pred.jsonl; echo 'not json'; } >bad.jsonl
expect_rc 1 "bad JSON refused" "$BIN" eval --gold gold.jsonl --pred bad.jsonl
check "bad JSON named with file and line" has err.txt 'bad.jsonl:2: not valid JSON'
echo '{"id":3}' >nolabel.jsonl
expect_rc 1 "record without a label refused" "$BIN" eval --gold nolabel.jsonl --pred pred.jsonl
check "missing label field named" has err.txt 'nolabel.jsonl:1: no "label" field'
echo '{"id":null,"label":"a"}' >nullid.jsonl
expect_rc 1 "null id refused" "$BIN" eval --gold nullid.jsonl --pred pred.jsonl
check "null id named" has err.txt 'nullid.jsonl:1: "id" is not a string or number'
mkdir -p adir
expect_rc 1 "a directory refused" "$BIN" eval --gold adir --pred pred.jsonl
check "a directory named" has err.txt 'adir: a directory'
expect_rc 1 "missing file" "$BIN" eval --gold no-such.jsonl --pred pred.jsonl
check "missing file named" has err.txt 'no-such.jsonl'

# The scores' write is checked: a full device is exit 1, not a silent 0.
if mknod full c 1 7 2>/dev/null; then
  "$BIN" eval --gold gold.jsonl --pred pred.jsonl >full 2>err.txt
  check "eval >full device exits 1" test $? -eq 1
  check "the write error is said" has err.txt 'writing the scores'
  expect_rc 1 "eval -o full device exits 1" "$BIN" eval --gold gold.jsonl --pred pred.jsonl -o full
else
  skip "mknod not permitted here: the full-device checks did not run"
fi
expect_rc 0 "-o writes the scores" "$BIN" eval --gold gold.jsonl --pred pred.jsonl --json -o scores.json
check "-o file holds the scores" cmp -s scores.json base.txt
expect_rc 2 "-o naming an input is refused" "$BIN" eval --gold gold.jsonl --pred pred.jsonl -o pred.jsonl
check "the input is kept" test "$(wc -l <pred.jsonl)" -eq 4
finish
