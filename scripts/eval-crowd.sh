#!/usr/bin/env bash
# The crowd row: ECB+ stories scored while mixed into N generated articles.
# Usage: scripts/eval-crowd.sh [--bin PATH] [--originals M] [--seed S] [--all]
#                              [--eval-row] [--generator-rev REV] N [DATASETS_DIR]
#
# The 982 ECB+ articles, fed as scripts/eval.sh feeds its story rows (id and
# text only: undated, no title, no source), are appended to the first N
# articles of `scripts/gen_corpus.py --synthetic M --seed S` (defaults M 75000,
# S 5: 206,064 articles, issue 15's corpus). `wiredup cluster --stories
# --title-field title --date-field date --source-field source` runs on the mix
# at the defaults (2 threads, or $THREADS); the ECB+ articles alone are scored
# against the gold subtopic with `wiredup eval` (B-cubed P/R/F1, ARI, pairwise).
# N = 0 is ECB+ alone, the same run as eval.sh's row "stories: ECB+".
# Also printed: how many generated articles landed in a story holding ECB+
# articles, and with --all the generated articles' own stories scored against
# the generator's gold "story" label (every original its own event).
#
# Corpora are cached in $CROWD_DIR (default /tmp/wiredup-crowd), keyed by M, S,
# N and the generator's checksum, so a rerun only clusters and scores.
# --bin PATH: the wiredup binary to measure (default: scripts/build.sh release).
# --eval-row: print one row in scripts/eval.sh's table columns, nothing else.
# --generator-rev REV: generate with scripts/gen_corpus.py as of git revision
#   REV (e.g. 36a9990, the generator issue 15 measured), for comparisons.
# Environment: CROWD_DIR, THREADS (2), EXTRA (more cluster options, split on
#   spaces, e.g. EXTRA="--story-threshold 0.2").
set -euo pipefail
orig=$PWD
cd "$(dirname "$0")/.."
root=$PWD
# abs PATH: PATH as given on the command line, relative to the caller's folder.
abs() { case "$1" in /*) echo "$1" ;; *) echo "$orig/$1" ;; esac; }
usage() { sed -n '2,3p' "$0" | sed 's/^# \{0,1\}//'; }
bin="" M=75000 S=5 all=0 evalrow=0 genrev="" N="" data=""
while [ $# -gt 0 ]; do
  case "$1" in
    --bin) [ $# -ge 2 ] || { usage >&2; exit 2; }; bin=$2; shift 2 ;;
    --originals) [ $# -ge 2 ] || { usage >&2; exit 2; }; M=$2; shift 2 ;;
    --seed) [ $# -ge 2 ] || { usage >&2; exit 2; }; S=$2; shift 2 ;;
    --all) all=1; shift ;;
    --eval-row) evalrow=1; shift ;;
    --generator-rev) [ $# -ge 2 ] || { usage >&2; exit 2; }; genrev=$2; shift 2 ;;
    -h|--help) sed -n '2,23p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "eval-crowd: unknown option '$1'" >&2; usage >&2; exit 2 ;;
    *) if [ -z "$N" ]; then N=$1; elif [ -z "$data" ]; then data=$1
       else echo "eval-crowd: too many arguments" >&2; usage >&2; exit 2; fi; shift ;;
  esac
done
case "$N" in ''|*[!0-9]*) echo "eval-crowd: N (articles) must be a number" >&2; usage >&2; exit 2 ;; esac
case "$M" in ''|*[!0-9]*|0) echo "eval-crowd: --originals needs a positive integer" >&2; exit 2 ;; esac
if [ -n "$data" ]; then data=$(abs "$data"); else data=$root/../shared/datasets; fi
ecb=$data/ecbplus/ecbplus_docs.jsonl
if [ ! -f "$ecb" ]; then
  echo "eval-crowd: $ecb not found: the ECB+ evaluation data is not here, nothing to measure." >&2
  exit 0
fi
if [ -z "$bin" ]; then bin=$root/$(scripts/build.sh release)/wiredup; else bin=$(abs "$bin"); fi
[ -x "$bin" ] || { echo "eval-crowd: $bin is not an executable" >&2; exit 2; }
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
dir=$(abs "${CROWD_DIR:-/tmp/wiredup-crowd}")
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
threads=${THREADS:-2}
read -r -a extra <<< "${EXTRA:-}"

gen=scripts/gen_corpus.py
if [ -n "$genrev" ]; then
  gen=$dir/gen_corpus-$genrev.py
  git show "$genrev:scripts/gen_corpus.py" > "$gen.tmp" ||
    { echo "eval-crowd: no scripts/gen_corpus.py at revision $genrev" >&2; exit 2; }
  mv "$gen.tmp" "$gen"
fi
sum=$(sha256sum "$gen" | cut -c1-8)
syn=$dir/syn-m$M-s$S-g$sum
if [ "$N" -gt 0 ] && [ ! -s "$syn.jsonl" ]; then
  echo "eval-crowd: generating $syn.jsonl ($gen --synthetic $M --seed $S)" >&2
  python3 "$gen" -q --synthetic "$M" --seed "$S" --jobs "$(nproc)" \
    --out "$syn.jsonl.tmp" --gold "$syn.gold.tmp"
  mv "$syn.gold.tmp" "$syn.gold"
  mv "$syn.jsonl.tmp" "$syn.jsonl"
fi
mix=$dir/mix-m$M-s$S-g$sum-n$N
[ "$N" -gt 0 ] || mix=$dir/ecb-alone
if [ ! -s "$mix.jsonl" ]; then
  # The first N generated articles, then ECB+ as eval.sh's stories.jsonl.
  python3 - "$ecb" "$syn.jsonl" "$syn.gold" "$N" "$mix" <<'P'
import json, sys
ecb, synf, syng, n, mix = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
ids = set()
with open(mix + ".jsonl.tmp", "w") as out, open(mix + ".syngold", "w") as sg:
    if n:
        with open(synf) as f:
            for k, line in enumerate(f):
                if k == n:
                    break
                ids.add(json.dumps(json.loads(line)["id"]))
                out.write(line)
        if len(ids) < n:
            sys.exit("eval-crowd: the generated corpus has only %d articles; raise --originals" % len(ids))
        with open(syng) as f:
            for line in f:
                if json.dumps(json.loads(line)["id"]) in ids:
                    sg.write(line)
    with open(mix + ".ecbgold", "w") as g:
        for line in open(ecb):
            d = json.loads(line)
            if json.dumps(d["doc_id"]) in ids:
                sys.exit("eval-crowd: ECB+ id %s is also a generated id" % d["doc_id"])
            out.write(json.dumps({"id": d["doc_id"], "text": d["text"]}) + "\n")
            g.write(json.dumps({"id": d["doc_id"], "subtopic": d["subtopic"]}) + "\n")
P
  mv "$mix.jsonl.tmp" "$mix.jsonl"
fi

pred=$(mktemp "$dir/pred.XXXXXX")
trap 'rm -f "$pred" "$pred".*' EXIT
t0=$EPOCHREALTIME
"$bin" cluster -q --threads "$threads" --stories --title-field title --date-field date \
  --source-field source ${extra[@]+"${extra[@]}"} -o "$pred" "$mix.jsonl"
t1=$EPOCHREALTIME
# score GOLD GOLDFIELD LABEL: keeps the predictions of GOLD's ids, scores them.
score() {
  python3 - "$1" "$pred" "$pred.sub" <<'P'
import json, sys
keep = {json.dumps(json.loads(l)["id"]) for l in open(sys.argv[1])}
with open(sys.argv[3], "w") as o:
    for l in open(sys.argv[2]):
        if json.dumps(json.loads(l)["id"]) in keep:
            o.write(l)
P
  local fmt='"| %s | %d | %d / %d | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f |" % (sys.argv[1], d["n"], d["pred_clusters"], d["gold_clusters"], d["bcubed_precision"], d["bcubed_recall"], d["bcubed_f1"], d["ari"], d["pairwise_precision"], d["pairwise_recall"])'
  # eval.sh's columns: ARI, pairwise P, pairwise R, B-cubed F1, pairwise F1.
  [ "$evalrow" = 0 ] || fmt='"| %s | %d | %d / %d | %.3f | %.3f | %.3f | %.3f | %.3f |" % (sys.argv[1], d["n"], d["pred_clusters"], d["gold_clusters"], d["ari"], d["pairwise_precision"], d["pairwise_recall"], d["bcubed_f1"], d["pairwise_f1"])'
  "$bin" eval --json --gold "$1" --gold-field "$2" --pred "$pred.sub" --pred-field story |
    python3 -c 'import json,sys; d=json.load(sys.stdin); print('"$fmt"')' "$3"
}
what="ECB+ alone"
[ "$N" -eq 0 ] || what="ECB+ in $N generated (--synthetic $M --seed $S${genrev:+, generator of $genrev})"
if [ "$evalrow" = 1 ]; then
  score "$mix.ecbgold" subtopic "stories: $what, scored on ECB+"
  exit 0
fi
echo "| scored | articles | stories found / gold | B-cubed P | B-cubed R | B-cubed F1 | ARI | pairwise P | pairwise R |"
echo "|---|---|---|---|---|---|---|---|---|"
score "$mix.ecbgold" subtopic "stories: $what"
if [ "$N" -gt 0 ] && [ "$all" = 1 ]; then
  score "$mix.syngold" story "stories: the $N generated articles (gold: generator's story)"
fi
if [ "$N" -gt 0 ]; then
  # Generated articles whose story also holds an ECB+ article (should be 0).
  python3 - "$mix.ecbgold" "$pred" <<'P'
import json, sys
ecb = {json.dumps(json.loads(l)["id"]) for l in open(sys.argv[1])}
rows = [json.loads(l) for l in open(sys.argv[2])]
st = {json.dumps(r["story"]) for r in rows if json.dumps(r["id"]) in ecb}
bad = sum(1 for r in rows if json.dumps(r["id"]) not in ecb and json.dumps(r["story"]) in st)
print("generated articles in a story with ECB+ articles: %d" % bad)
P
fi
awk -v a="$t0" -v b="$t1" -v n="$(wc -l < "$mix.jsonl")" -v t="$threads" \
  'BEGIN {printf "wiredup cluster --stories on %d articles, %d threads: %.1f s wall\n", n, t, b - a}'
