#!/usr/bin/env bash
# Measures wiredup at its defaults on labeled news data and prints one table:
#  - near-duplicate clusters on wire-copy corpora made by scripts/gen_corpus.py
#    (synthetic stories, and real ECB+ articles republished), clean and with
#    2% OCR-like noise;
#  - story clusters on ECB+ (../shared/datasets/ecbplus, gold = subtopic),
#    as given and with a per-source boilerplate header and footer added;
#  - the crowd row: ECB+ mixed into CROWD_N (default 200000) generated articles,
#    scored on the ECB+ articles only (scripts/eval-crowd.sh; CROWD_N=0 skips
#    it; its corpora are cached in $CROWD_DIR, default /tmp/wiredup-crowd).
# Usage: scripts/eval.sh [SHARED_DATASETS_DIR]   (default ../shared/datasets)
# Environment: WIREDUP_BIN (the binary to measure; default: scripts/build.sh
#   release), CROWD_N, CROWD_DIR.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
data=${1:-$root/../shared/datasets}
ecb=$data/ecbplus/ecbplus_docs.jsonl
if [ ! -f "$ecb" ]; then
  echo "eval.sh: $ecb not found: the ECB+ evaluation data is not here, nothing to measure." >&2
  echo "eval.sh: (it lives outside the repo, in ../shared/datasets; pass its folder as an argument)" >&2
  exit 0
fi
# WIREDUP_BIN=PATH measures that binary (no deps, no build).
if [ -n "${WIREDUP_BIN:-}" ]; then
  bin=$(cd "$(dirname "$WIREDUP_BIN")" && pwd)/$(basename "$WIREDUP_BIN")
else
  scripts/deps.sh
  bin=$root/$(scripts/build.sh release)/wiredup
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
gen() { python3 "$root/scripts/gen_corpus.py" -q "$@"; }
fields=(--title-field title --date-field date --source-field source)

gen --synthetic 1000 --seed 7 --out syn.jsonl --gold syn.gold
gen --synthetic 1000 --seed 7 --no-boilerplate --out synclean.jsonl --gold synclean.gold
gen --synthetic 1000 --seed 7 --noise 0.02 --out synnoise.jsonl --gold synnoise.gold
gen --ecb "$ecb" --seed 3 --out ecb.jsonl --gold ecb.gold
gen --ecb "$ecb" --seed 3 --no-boilerplate --out ecbclean.jsonl --gold ecbclean.gold
gen --ecb "$ecb" --seed 3 --noise 0.02 --out ecbnoise.jsonl --gold ecbnoise.gold

# ECB+ as given (id, text), and with a header and footer per invented source.
python3 - "$ecb" <<'P'
import json, sys, zlib
outlets = ["Harbor Gazette", "Valley Courier", "Northline Post", "Coastal Herald", "Prairie Daily",
           "Summit Times", "Riverbend Tribune", "Lakeshore News", "Metro Ledger", "Capital Wire"]
with open("stories.jsonl", "w") as a, open("stories-bp.jsonl", "w") as b, open("stories.gold", "w") as g:
    for line in open(sys.argv[1]):
        d = json.loads(line)
        o = outlets[zlib.crc32(d["doc_id"].encode()) % len(outlets)]
        head = "%s | Home | World | Business | Sports | Opinion\nSubscribe to %s today" % (o, o)
        foot = ("Related Stories\nCity council approves new budget for %s readers\n"
                "Weather: storms expected across the region this weekend\n"
                "Copyright 2024 %s. All rights reserved. Terms of use | Privacy policy") % (o, o)
        a.write(json.dumps({"id": d["doc_id"], "text": d["text"]}) + "\n")
        b.write(json.dumps({"id": d["doc_id"], "source": o,
                            "text": head + "\n" + d["text"] + "\n" + foot}) + "\n")
        g.write(json.dumps({"id": d["doc_id"], "subtopic": d["subtopic"]}) + "\n")
P

# row NAME GOLD GOLDFIELD PREDFIELD -- wiredup cluster args...
row() {
  local name=$1 gold=$2 gf=$3 pf=$4; shift 5
  local t0=$(date +%s.%N)
  "$bin" cluster -q "$@" >pred.jsonl
  local t1=$(date +%s.%N)
  "$bin" eval --json --gold "$gold" --gold-field "$gf" --pred pred.jsonl --pred-field "$pf" |
    python3 -c 'import json,sys; d=json.load(sys.stdin); print("| %s | %d | %d / %d | %.3f | %.3f | %.3f | %.3f | %.3f |" % (sys.argv[1], d["n"], d["pred_clusters"], d["gold_clusters"], d["ari"], d["pairwise_precision"], d["pairwise_recall"], d["bcubed_f1"], d["pairwise_f1"]))' "$name"
}

echo "wiredup $("$bin" --version | cut -d' ' -f2) evaluation, $(date -u +%Y-%m-%d), defaults unless stated"
echo
echo "| task and data | articles | clusters found / gold | ARI | pairwise P | pairwise R | B-cubed F1 | pairwise F1 |"
echo "|---|---|---|---|---|---|---|---|"
row "copies: synthetic wire corpus" syn.gold dup cluster -- "${fields[@]}" syn.jsonl
row "copies: synthetic, no boilerplate" synclean.gold dup cluster -- "${fields[@]}" synclean.jsonl
row "copies: synthetic, 2% noise, --noisy" synnoise.gold dup cluster -- "${fields[@]}" --noisy synnoise.jsonl
row "copies: synthetic, 2% noise, defaults" synnoise.gold dup cluster -- "${fields[@]}" synnoise.jsonl
row "copies: ECB+ republished" ecb.gold dup cluster -- "${fields[@]}" ecb.jsonl
row "copies: ECB+ republished, no boilerplate" ecbclean.gold dup cluster -- "${fields[@]}" ecbclean.jsonl
row "copies: ECB+ republished, 2% noise, --noisy" ecbnoise.gold dup cluster -- "${fields[@]}" --noisy ecbnoise.jsonl
row "copies: ECB+ republished, 2% noise, defaults" ecbnoise.gold dup cluster -- "${fields[@]}" ecbnoise.jsonl
row "stories: ECB+ (86 events)" stories.gold subtopic story -- --stories stories.jsonl
row "stories: ECB+ + per-source boilerplate" stories.gold subtopic story -- --stories --source-field source stories-bp.jsonl
row "stories: ECB+, single linkage (comparison)" stories.gold subtopic story -- --stories --story-linkage single stories.jsonl
row "stories: ECB+, boilerplate removal off" stories.gold subtopic story -- --stories --source-field source --boilerplate-min-docs 0 stories-bp.jsonl
if [ "${CROWD_N:-200000}" -gt 0 ]; then
  "$root/scripts/eval-crowd.sh" --bin "$bin" --eval-row "${CROWD_N:-200000}" "$data"
fi
