#!/usr/bin/env bash
# The generated wire-copy corpus in datasets/: accuracy against its gold
# labels, byte-identical output for 1, 2 and 4 threads, and the same corpus
# as a directory of scraped article files.
. "$(dirname "$0")/lib.sh"

corpus=$SRC/datasets/wire-sample.jsonl.gz
gold=$SRC/datasets/wire-sample.gold.jsonl
fields=(--title-field title --date-field date --source-field source)

# at_least JSON FIELD MIN: a metric of `wiredup eval --json` is >= MIN
at_least() {
  "$PYTHON" -c 'import json,sys; d=json.load(open(sys.argv[1])); v=d[sys.argv[2]]; print(sys.argv[2], v); sys.exit(0 if v >= float(sys.argv[3]) else 1)' "$@"
}

expect_rc 0 "cluster the sample corpus" "$BIN" cluster -q "${fields[@]}" "$corpus"
cp out.txt pred.jsonl
check "one row per article" test "$(wc -l <pred.jsonl)" -eq "$(zcat "$corpus" | wc -l)"
"$BIN" eval --json --gold "$gold" --gold-field dup --pred pred.jsonl >eval.json
check "pairwise precision >= 0.95" at_least eval.json pairwise_precision 0.95
check "pairwise recall >= 0.95" at_least eval.json pairwise_recall 0.95
check "ARI >= 0.95" at_least eval.json ari 0.95

for mode in "" "--stories"; do
  for t in 1 2 4; do
    "$BIN" cluster -q "${fields[@]}" $mode --threads $t "$corpus" >"t$t.jsonl"
  done
  check "1 and 2 threads byte-identical ${mode:-(clusters)}" cmp -s t1.jsonl t2.jsonl
  check "1 and 4 threads byte-identical ${mode:-(clusters)}" cmp -s t1.jsonl t4.jsonl
done
check "--stories adds a story field to every row" test "$(grep -c '"story":' t1.jsonl)" -eq "$(wc -l <t1.jsonl)"
check "--stories keeps the clusters" cmp -s pred.jsonl <(sed "s/,\"story\":[^}]*}/}/" t1.jsonl)

# The same kind of corpus as scraped files, one folder per outlet.
"$PYTHON" "$SRC/scripts/gen_corpus.py" --synthetic 60 --seed 11 --dir arts --gold dirgold.jsonl -q
expect_rc 0 "cluster a directory of article files" "$BIN" cluster -q arts
cp out.txt dirpred.jsonl
"$BIN" eval --json --gold dirgold.jsonl --gold-field dup --pred dirpred.jsonl >direval.json
check "directory input: pairwise precision >= 0.95" at_least direval.json pairwise_precision 0.95
check "directory input: pairwise recall >= 0.95" at_least direval.json pairwise_recall 0.95
finish
