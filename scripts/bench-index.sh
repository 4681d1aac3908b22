#!/usr/bin/env bash
# Benchmarks the feed index (wiredup index / wiredup dedup) and prints a
# table: the time to fill an index of N small synthetic articles, its size
# per article, the time to open it, the dedup rate against it (answers
# only; answers and adding; stdin a line at a time), and a kill -9 loop
# over an `index add` (every kill must leave an index that opens and holds
# whole committed batches; re-running the add must complete it).
#
# Usage: scripts/bench-index.sh [--articles N] [--queries Q]
#                               [--kill-articles M] [--kills K] [--dir DIR]
#   defaults: N = 1000000, Q = 20000, M = 100000, K = 50, DIR = a temporary
#   directory (removed at the end; give --dir to keep the indexes).
# WIREDUP=path/to/wiredup uses that binary instead of building Release.
set -euo pipefail
cd "$(dirname "$0")/.."
N=1000000 Q=20000 M=100000 K=50 DIR=""
while [ $# -gt 0 ]; do
  case "$1" in
    --articles) N=$2; shift 2 ;;
    --queries) Q=$2; shift 2 ;;
    --kill-articles) M=$2; shift 2 ;;
    --kills) K=$2; shift 2 ;;
    --dir) DIR=$2; shift 2 ;;
    *) sed -n '2,/^set /p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 2 ;;
  esac
done
BIN=${WIREDUP:-$(pwd)/$(scripts/build.sh release)/wiredup}
if [ -z "$DIR" ]; then
  DIR=$(mktemp -d "${TMPDIR:-/tmp}/wiredup-bench-index-XXXXXX")
  trap 'rm -rf "$DIR"' EXIT
fi
mkdir -p "$DIR"
cd "$DIR"
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.3f", b - a }'; }

# ---- data: N articles of 40..120 words over 28 days, a fifth of them cut
# copies of recent ones; Q queries: half copies (new ids, cut to 70..100%)
# of random articles, half new articles ----
gen() { # gen N Q SEED PREFIX CORPUS QUERIES
  python3 - "$@" <<'P'
import json, random, sys
n, q, seed, prefix = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
r = random.Random(seed)
vocab = ["w%x" % i for i in range(50000)]
recent, out, qs = [], open(sys.argv[5], "w"), open(sys.argv[6], "w")
pq = q / 2 / n
for i in range(n):
    if recent and r.random() < 0.2:
        words = r.choice(recent)
        words = words[:r.randint(int(len(words) * 0.7), len(words))]
    else:
        words = r.choices(vocab, k=r.randint(40, 120))
        if len(recent) < 1000: recent.append(words)
        else: recent[r.randrange(1000)] = words
    date = "2026-01-%02d" % (1 + i * 28 // n)
    out.write('{"id":"%s%d","date":"%s","source":"s%d","text":"%s"}\n'
              % (prefix, i, date, i % 12, " ".join(words)))
    if r.random() < pq:
        cut = words[:max(5, int(len(words) * r.uniform(0.7, 1.0)))]
        qs.write('{"id":"copy-%d","date":"2026-01-28","text":"%s"}\n' % (i, " ".join(cut)))
for i in range(q // 2):
    qs.write('{"id":"new-%d","date":"2026-01-28","text":"%s"}\n'
             % (i, " ".join(r.choices(vocab, k=r.randint(40, 120)))))
P
}
echo "bench-index: generating $N articles and $Q queries in $DIR" >&2
t=$(now); gen "$N" "$Q" 1 a corpus.jsonl queries.jsonl; t_gen=$(since "$t")
Q=$(wc -l <queries.jsonl)
n_copies=$(grep -c '"id":"copy-' queries.jsonl || true)

# ---- fill ----
"$BIN" index create -q idx
echo "bench-index: index add (batches of 1000)" >&2
t=$(now); "$BIN" index add -q idx --date-field date --source-field source corpus.jsonl
t_add=$(since "$t")
"$BIN" index info idx --json >info.json
field() { python3 -c "import json; print(json.load(open('info.json'))['$1'])"; }
bytes=$(field bytes); used=$(field used_bytes); segs=$(field segments); count=$(field articles)

# ---- open: a dedup with nothing to answer, median of 5 ----
t_open=$(for i in 1 2 3 4 5; do
  t=$(now); "$BIN" dedup -q --index idx --no-add </dev/null; since "$t"; echo
done | sort -n | sed -n 3p)

# ---- dedup ----
echo "bench-index: dedup" >&2
t=$(now); "$BIN" dedup -q --index idx --no-add --date-field date queries.jsonl >ans-noadd.jsonl
t_q=$(since "$t")
dups=$(grep -c '"duplicate"' ans-noadd.jsonl || true)
copies_found=$(grep '"id":"copy-' ans-noadd.jsonl | grep -c '"duplicate"' || true)
new_found=$(grep '"id":"new-' ans-noadd.jsonl | grep -c '"duplicate"' || true)
t=$(now); "$BIN" dedup -q --index idx --no-add --date-field date - <queries.jsonl >ans-stdin.jsonl
t_stdin=$(since "$t")
t=$(now); "$BIN" dedup -q --index idx --date-field date queries.jsonl >ans-add.jsonl
t_qa=$(since "$t")

# ---- kill -9 loop over an add of M articles ----
echo "bench-index: kill -9 loop: $K kills during an add of $M articles" >&2
gen "$M" 0 2 k kill.jsonl /dev/null
"$BIN" index create -q idx-time
t=$(now); "$BIN" index add -q idx-time kill.jsonl; t_kadd=$(since "$t")
t=$(now); "$BIN" index add -q idx-time kill.jsonl; t_skip=$(since "$t") # all there
rm -rf idx-time
"$BIN" index create -q idx-kill
# A count is fine when it is a whole number of batches (or all), not less
# than before.
whole() { [ -n "$1" ] && { [ $(($1 % 1000)) -eq 0 ] || [ "$1" -eq "$M" ]; } && [ "$1" -ge "$prev" ]; }
RANDOM=11
prev=0 bad=0 progressed=0
for i in $(seq 1 "$K"); do
  "$BIN" index add -q idx-kill kill.jsonl 2>/dev/null &
  pid=$!
  # Kill i lands at a random point of the i-th K-th of the whole add: the
  # time to pass over what is in, then to add up to that point.
  sleep "$(awk -v r=$RANDOM -v i="$i" -v n="$K" -v s="$t_kadd" -v k="$t_skip" -v prev=$prev \
             -v m="$M" 'BEGIN { t = (i - 1 + (r % 1000) / 1000) / n * m - prev;
                                printf "%.3f", k * prev / m + (t > 0 ? t : 0) / m * s }')"
  kill -9 $pid 2>/dev/null || true
  wait $pid 2>/dev/null || true
  n=$("$BIN" index info idx-kill --json 2>info-err.txt |
      python3 -c "import json,sys; print(json.load(sys.stdin)['articles'])" 2>/dev/null || echo "")
  if ! whole "$n"; then
    bad=$((bad + 1)); echo "kill $i: count '$n' after $prev: $(cat info-err.txt)" >&2
  fi
  [ "${n:-0}" -gt "$prev" ] && progressed=$((progressed + 1))
  prev=${n:-$prev}
done
"$BIN" index add -q idx-kill kill.jsonl
final=$("$BIN" index info idx-kill --json | python3 -c "import json,sys; print(json.load(sys.stdin)['articles'])")
selfs=$("$BIN" dedup -q --index idx-kill --no-add kill.jsonl | python3 -c "
import json, sys
print(sum(json.loads(l)['of'] == json.loads(l)['id'] for l in sys.stdin))")

# ---- the table ----
rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f", (s > 0 ? n / s : 0) }'; }
per() { awk -v b="$1" -v n="$2" 'BEGIN { printf "%.0f", (n ? b / n : 0) }'; }
cat <<T

| measure | value |
|---|---|
| articles generated (${N}, 40-120 words) | ${t_gen} s |
| index add, batches of 1000 | ${t_add} s, $(rate "$count" "$t_add") articles/s |
| index size on disk | $bytes bytes, $(per "$bytes" "$count") bytes/article |
| of which in use (the rest: free pages LMDB reuses) | $used bytes, $(per "$used" "$count") bytes/article |
| band segments | $segs |
| open (dedup of no input, median of 5) | ${t_open} s |
| dedup --no-add, $Q queries from a file | ${t_q} s, $(rate "$Q" "$t_q") articles/s |
| dedup --no-add, stdin line by line | ${t_stdin} s, $(rate "$Q" "$t_stdin") articles/s |
| dedup and add, from a file (commits every 1000) | ${t_qa} s, $(rate "$Q" "$t_qa") articles/s |
| duplicates found: copies / new articles | $copies_found of $n_copies / $new_found of $((Q - n_copies)) |
| kill -9 loop: kills / counts that were not whole batches / kills after progress | $K / $bad / $progressed |
| kill -9 loop: after re-running the add: articles / ids found as themselves | $final of $M / $selfs |
T
[ "$bad" -eq 0 ] && [ "$final" -eq "$M" ] && [ "$selfs" -eq "$M" ]
