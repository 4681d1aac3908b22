#!/usr/bin/env bash
# The main job on a fresh Debian machine (as root): installs what is missing,
# builds Release in build/, clusters the corpus in datasets/ (near-duplicate
# clusters and stories) and prints a short summary and its scores.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
dir=$(scripts/build.sh release)
corpus=datasets/wire-sample.jsonl.gz
out=$dir/wire-sample.clusters.jsonl
echo "== wiredup cluster --stories $corpus -> $out"
"$dir/wiredup" cluster --stories --title-field title --date-field date --source-field source \
  -o "$out" "$corpus"
echo "== largest clusters (size, representative)"
python3 - "$out" <<'P'
import collections, json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
size = collections.Counter(json.dumps(r["cluster"]) for r in rows)
stories = {json.dumps(r["story"]) for r in rows}
print("%d articles, %d clusters, %d stories" % (len(rows), len(size), len(stories)))
for rep, n in size.most_common(5):
    print("%5d  %s" % (n, rep))
P
echo "== scores against the generator's gold labels"
"$dir/wiredup" eval --gold datasets/wire-sample.gold.jsonl --gold-field dup --pred "$out"
