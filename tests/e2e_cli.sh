#!/usr/bin/env bash
# The command line's contract: exit codes, messages naming FILE:LINE and the
# reason, nothing lost (every record is in the output or rejected), ids
# written back exactly as given, gzip and stdin input, output formats.
. "$(dirname "$0")/lib.sh"

expect_rc 2 "no arguments is a usage error" "$BIN"
expect_rc 2 "unknown command" "$BIN" frobnicate
expect_rc 2 "unknown option" "$BIN" cluster --no-such-option x
expect_rc 2 "no input file" "$BIN" cluster
expect_rc 2 "bad threshold" "$BIN" cluster --threshold 2 x
expect_rc 2 "bands without rows" "$BIN" cluster --bands 4 x
expect_rc 2 "--rejects without skip" "$BIN" cluster --rejects r.txt x
expect_rc 0 "--help" "$BIN" cluster --help
check "--help documents every option" grep -q -- "--max-bucket" out.txt
expect_rc 0 "--version" "$BIN" --version
check "--version prints the version" grep -q "wiredup [0-9]" out.txt

# Ids come back exactly as written: numbers keep their digits, strings
# their escapes.
cat >ids.jsonl <<'J'
{"id":123456789012345678901234,"text":"alpha beta gamma delta epsilon zeta"}
{"id":-0,"text":"one two three four five six seven"}
{"id":1.50,"text":"red orange yellow green blue indigo violet"}
{"id":"a\u00e9\"x","text":"north south east west up down"}
{"id":7,"text":"alpha beta gamma delta epsilon zeta"}
J
expect_rc 0 "ids file clusters" "$BIN" cluster -q ids.jsonl
check "big integer id kept" has out.txt '"id":123456789012345678901234,'
check "-0 kept" has out.txt '"id":-0,'
check "1.50 kept" has out.txt '"id":1.50,'
check "string id escapes kept" has out.txt '"id":"a\\u00e9\\"x",'
check "identical texts share a cluster (smallest id wins: numbers by value)" \
  has out.txt '"id":123456789012345678901234,"cluster":7,'
check "one output row per article" test "$(wc -l <out.txt)" -eq 5

# Bad records: one of each kind, between good ones.
"$PYTHON" - <<'P'
import json
rows = []
good = lambda i: json.dumps({"id": i, "text": "story number %d about the harbour bridge opening" % i})
rows.append(good(1))
rows.append('this is not json')                                   # 2
rows.append(json.dumps({"id": 3, "body": "no text field"}))        # 3
rows.append(json.dumps({"id": 4, "text": 42}))                      # 4
rows.append(json.dumps({"id": 5, "text": ""}))                      # 5
rows.append(good(6))
rows.append(json.dumps({"id": 1, "text": "duplicate id here"}))     # 7
rows.append('{"id": 8, "text": "nul \x00 byte"}')                   # 8 (raw NUL)
rows.append(json.dumps({"id": 9, "text": "x" * 10}) + " trailing")  # 9
rows.append(json.dumps({"id": 10, "text": "!!! ... ---"}))          # 10 no words
rows.append(json.dumps({"id": 11, "text": "big " * (13 * 1024 * 1024)}))  # 11: 52 MB
rows.append(good(12))
with open("bad.jsonl", "w") as f:
    f.write("\n".join(rows) + "\n")
# invalid UTF-8 inside a text is replaced and counted, not rejected
with open("bad.jsonl", "ab") as f:
    f.write(b'{"id": 13, "text": "caf\xc3 au lait \xff\xfe served hot at the station"}\n')
P
expect_rc 1 "first bad record fails the run" "$BIN" cluster -q bad.jsonl
check "fail names FILE:LINE and reason" has err.txt "bad.jsonl:2: not valid JSON"
check "fail writes no output" test ! -s out.txt

expect_rc 0 "skip mode completes" "$BIN" cluster --on-error skip --rejects rej.jsonl bad.jsonl
check "missing text field named" has err.txt 'bad.jsonl:3: no "text" field'
check "non-string text named" has err.txt 'bad.jsonl:4: "text" is a number, not a string'
check "empty text named" has err.txt 'bad.jsonl:5: empty text'
check "duplicate id named with first place" has err.txt 'bad.jsonl:7: duplicate id 1 (first at bad.jsonl:1)'
check "NUL byte named" has err.txt 'bad.jsonl:8: .*NUL byte'
check "trailing text named" has err.txt 'bad.jsonl:9: .*text after the object'
check "text without words named" has err.txt 'bad.jsonl:10: text has no letters or digits'
check "oversize record named" has err.txt 'bad.jsonl:11: record larger than --max-article-bytes'
check "summary counts rejects" has err.txt '4 articles, .* 9 rejected'
check "summary counts invalid UTF-8" has err.txt ' 3 invalid UTF-8 bytes replaced'
check "good records all in output" test "$(wc -l <out.txt)" -eq 4
check "rejects file has every rejected record" test "$(wc -l <rej.jsonl)" -eq 9
check "oversize record written whole to rejects" test "$(wc -c <rej.jsonl)" -gt 54000000
check "output + rejects = input" test $(($(wc -l <out.txt) + $(wc -l <rej.jsonl))) -eq "$(wc -l <bad.jsonl)"

expect_rc 1 "unreadable file" "$BIN" cluster -q no-such-file.jsonl
check "unreadable file named" has err.txt "no-such-file.jsonl: cannot open"

# gzip, stdin, -o, formats
"$PYTHON" - <<'P'
import json, random
r = random.Random(5)
words = ["port", "ship", "crane", "storm", "mayor", "budget", "court", "river", "bridge", "fire",
         "school", "train", "vote", "strike", "market", "harvest", "flood", "police", "hospital"]
with open("small.jsonl", "w") as f:
    for i in range(200):
        base = r.Random(i // 2) if False else random.Random(i // 2)
        text = " ".join(base.choice(words) for _ in range(80))
        f.write(json.dumps({"id": "s%03d" % i, "text": text}) + "\n")
P
"$BIN" cluster -q small.jsonl >plain.out
gzip -k small.jsonl
expect_rc 0 "gzip input" "$BIN" cluster -q small.jsonl.gz
check "gzip input gives the same output" cmp -s out.txt plain.out
"$BIN" cluster -q - <small.jsonl >stdin.out
check "stdin input gives the same output" cmp -s stdin.out plain.out
check "pairs of identical texts cluster" test "$(grep -c '"similarity":1.0000' plain.out)" -eq 200
expect_rc 0 "-o writes a file" "$BIN" cluster -q -o result.jsonl small.jsonl
check "-o file equals stdout" cmp -s result.jsonl plain.out
check "no temporary file left" test -z "$(ls | grep '\.tmp\.')"
"$BIN" cluster -q --format tsv small.jsonl >t.tsv
check "tsv header" test "$(head -1 t.tsv)" = "$(printf 'id\tcluster\tsimilarity')"
check "tsv rows" test "$(wc -l <t.tsv)" -eq 201
"$BIN" cluster -q --format csv small.jsonl >t.csv
check "csv header" test "$(head -1 t.csv)" = "id,cluster,similarity"
expect_rc 1 "unwritable -o" "$BIN" cluster -q -o /nonexistent-dir/x.jsonl small.jsonl
# Ids equal as JSON values are one article: the second is a duplicate
# naming the first's place; a string "1" is not the number 1.
cat >sameid.jsonl <<'J'
{"id":"A","text":"alpha beta gamma delta epsilon zeta"}
{"id":"\u0041","text":"one two three four five six seven"}
{"id":"1","text":"red orange yellow green blue indigo violet"}
{"id":1,"text":"north south east west up down"}
{"id":"\u00e9\/","text":"spring summer autumn winter"}
{"id":"é/","text":"monday tuesday wednesday thursday"}
J
expect_rc 0 "ids equal as JSON: skip mode" "$BIN" cluster --on-error skip --format tsv sameid.jsonl
check "escaped duplicate id named with the first's place" \
  has err.txt 'sameid.jsonl:2: duplicate id "\\u0041" (first at sameid.jsonl:1)'
check "decoded duplicate of an escaped id named" has err.txt 'sameid.jsonl:6: duplicate id "é/" (first at sameid.jsonl:5)'
check "string 1 and number 1 both kept" test "$(grep -c '^1	' out.txt)" -eq 2
check "one tsv row for A" test "$(grep -c '^A	' out.txt)" -eq 1
check "every record a row or a reject" test "$(($(wc -l <out.txt) - 1))" -eq 4
# TSV and CSV never write a control byte raw: an escaped NUL id is \x00 in
# TSV, U+FFFD inside quotes in CSV; JSONL keeps the escape as given.
printf '%s\n' '{"id":"n\u0000l","text":"alpha beta gamma delta epsilon zeta"}' >nul.jsonl
"$BIN" cluster -q --format tsv nul.jsonl >nul.tsv
check "tsv escapes NUL as \\x00" test "$(sed -n 2p nul.tsv | cut -f1)" = 'n\x00l'
"$BIN" cluster -q --format csv nul.jsonl >nul.csv
check "csv writes NUL as U+FFFD, quoted" test "$(sed -n 2p nul.csv | cut -d, -f1)" = "$(printf '"n\357\277\275l"')"
check "no NUL byte in tsv or csv" test "$(cat nul.tsv nul.csv | tr -d '\000' | wc -c)" -eq "$(cat nul.tsv nul.csv | wc -c)"
# Thread counts from the environment are capped like --threads (100,000
# overflowed libgomp's stack and died of SIGSEGV), and the cap is said.
OMP_NUM_THREADS=100000 "$BIN" cluster ids.jsonl >omp.out 2>omp.err
check "OMP_NUM_THREADS=100000 runs" test $? -eq 0
check "the cap is said" has omp.err 'OMP_NUM_THREADS asks for 100000 threads; using 1024'
"$BIN" cluster -q ids.jsonl >ids.out
check "capped run gives the same output" cmp -s omp.out ids.out

# Every bad option value names the option and what it takes.
for opt in max-article-bytes ngram num-perm seed bands rows max-bucket threads \
           boilerplate-min-docs window-days threshold min-length-ratio story-threshold; do
  expect_rc 2 "--$opt x is a usage error" "$BIN" cluster --$opt x ids.jsonl
  check "--$opt x named with its range" has err.txt "^wiredup: --$opt: bad value 'x' (.*[0-9].*)"
done
for opt in on-error shingle measure verify format story-linkage; do
  expect_rc 2 "--$opt x is a usage error" "$BIN" cluster --$opt x ids.jsonl
  check "--$opt x named with its choices" has err.txt "^wiredup: --$opt: unknown value 'x' (.*, .*)"
done
expect_rc 2 "--num-perm 7" "$BIN" cluster --num-perm 7 ids.jsonl
check "--num-perm 7 names the option and range" has err.txt "^wiredup: --num-perm: bad value '7' (8\.\.1024, a multiple of 8)"
expect_rc 2 "-t 0" "$BIN" cluster -t 0 ids.jsonl
check "-t 0 named as --threads" has err.txt "^wiredup: --threads: bad value '0' (1\.\.1024)"
finish
