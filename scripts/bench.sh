#!/usr/bin/env bash
# Throughput benchmark: wiredup cluster end to end, and MinHash-LSH peers on the
# same generated corpus.  Usage: scripts/bench.sh [--articles N] (default 200000)
#   [--stories | --stories-only] [--stories-1m] [--corpus FILE] [--bin PATH]
#
#  1. installs what is missing (scripts/deps.sh, then `time`, and for the peers
#     golang-go, golang-github-ekzhu-minhash-lsh-dev, python3-numpy,
#     python3-scipy; apt-get, only packages dpkg-query does not list), builds
#     Release (scripts/build.sh);
#  2. generates N news-like ~3 KB articles with near-duplicate copies
#     (scripts/gen_corpus.py --synthetic M --target-bytes 3000, first N lines),
#     cached in $BENCH_DIR keyed by N, seed and the generator's checksum;
#  3. runs `wiredup cluster FILE -o OUT` (defaults, plus --title-field title
#     --date-field date --source-field source) at --threads 1 and 2, REPEAT
#     times each, under /usr/bin/time -v: median wall time, articles/s, MB/s,
#     per-stage seconds (wiredup's stderr summary), peak RSS, 2/1 speedup;
#  4. runs the peers that are available, one core each (taskset -c 0,
#     GOMAXPROCS=1, one BLAS/OpenMP thread), with word 5-grams of lower-cased
#     letter/digit words over title + text, 128 permutations, LSH Jaccard
#     threshold 0.5, insert every article then query every article:
#       - github.com/ekzhu/minhash-lsh (Debian golang-github-ekzhu-minhash-lsh-dev),
#         harness scripts/peers/minhashlsh/main.go, on the first GO_ARTICLES;
#       - datasketch (if importable: $DATASKETCH_DIR, /work/peers/datasketch or
#         /tmp/datasketch is put on PYTHONPATH), harness
#         scripts/peers/datasketch_bench.py, on the first DS_ARTICLES;
#     wiredup --threads 1 is also run on each such prefix, so every ratio
#     compares the same articles;
#  5. prints the machine, the settings and a comparison table;
#  6. measures the RMSE of the Jaccard estimate (tests/bench/rmse.c) against
#     sqrt(J(1-J)/k);
#  7. with --stories (or --stories-only: set-up, corpus and this row alone):
#     the stories row: wiredup cluster --threads 2 on the same corpus without
#     and with --stories (REPEAT runs each): median wall time, peak RSS, the
#     first pass ("boilerplate" stage: boilerplate lines, with --stories also
#     the story terms' document frequencies), the second pass ("sketch"), the
#     story stage (wiredup's "N stories (S s)" line) and its time per article,
#     and the with/without ratios; --stories-1m adds the same row at 1,000,000
#     articles (its own cached corpus; slow on 2 cores) and the per-article
#     story time ratio 1M / N.  --corpus FILE: measure the stories row on FILE
#     (any JSONL with title/date/source fields) instead of a generated corpus.
#  --bin PATH: measure that wiredup binary (no build); default: scripts/build.sh.
#
# Environment: BENCH_DIR (work dir, default /tmp/wiredup-bench), REPEAT (3),
#   GO_ARTICLES (default min(N, 200000)), DS_ARTICLES (default min(N, 20000)),
#   DATASKETCH_DIR, BENCH_SEED (generator seed, 1), NO_INSTALL=1 (no apt-get).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

usage() {
  sed -n '2,4p' "$0" | sed 's/^# \{0,1\}//'
  echo "Environment: BENCH_DIR REPEAT GO_ARTICLES DS_ARTICLES DATASKETCH_DIR BENCH_SEED NO_INSTALL"
}
N=200000
STORIES="" STORIES_ONLY="" STORIES_1M="" STORIES_CORPUS="" WIREDUP_BIN=""
while [ $# -gt 0 ]; do
  case "$1" in
    --articles) [ $# -ge 2 ] || { usage >&2; exit 2; }; N=$2; shift 2 ;;
    --articles=*) N=${1#*=}; shift ;;
    --stories) STORIES=1; shift ;;
    --stories-only) STORIES=1; STORIES_ONLY=1; shift ;;
    --stories-1m) STORIES=1; STORIES_1M=1; shift ;;
    --corpus) [ $# -ge 2 ] || { usage >&2; exit 2; }; STORIES=1; STORIES_ONLY=1; STORIES_CORPUS=$2; shift 2 ;;
    --bin) [ $# -ge 2 ] || { usage >&2; exit 2; }; WIREDUP_BIN=$2; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "bench: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
  esac
done
case "$N" in ''|*[!0-9]*) echo "bench: --articles needs a positive integer" >&2; exit 2 ;; esac
[ "$N" -gt 0 ] || { echo "bench: --articles needs a positive integer" >&2; exit 2; }
if [ -n "$STORIES_CORPUS" ]; then
  [ -s "$STORIES_CORPUS" ] || { echo "bench: --corpus $STORIES_CORPUS: no such file, or empty" >&2; exit 2; }
  STORIES_CORPUS=$(cd "$(dirname "$STORIES_CORPUS")" && pwd)/$(basename "$STORIES_CORPUS")
fi

BENCH_DIR=${BENCH_DIR:-/tmp/wiredup-bench}
REPEAT=${REPEAT:-3}
SEED=${BENCH_SEED:-1}
TARGET_BYTES=3000
THRESHOLD_PEER=0.5
min() { if [ "$1" -lt "$2" ]; then echo "$1"; else echo "$2"; fi; }
GO_N=$(min "${GO_ARTICLES:-200000}" "$N")
DS_N=$(min "${DS_ARTICLES:-20000}" "$N")
mkdir -p "$BENCH_DIR"
BENCH_DIR=$(cd "$BENCH_DIR" && pwd)
NCPU=$(nproc)

say() { echo "== $*"; }
note() { echo "bench: $*" >&2; }
is_installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
# apt_install PKG...: installs those not installed; returns 1 if any is still missing.
apt_install() {
  local missing=() p
  for p in "$@"; do is_installed "$p" || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "${NO_INSTALL:-0}" = 1 ]; then note "NO_INSTALL=1: not installing ${missing[*]}"; return 1; fi
  note "installing ${missing[*]}"
  local SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { note "not root and no sudo: cannot install ${missing[*]}"; return 1; }
    SUDO="sudo"
  fi
  if [ -z "${APT_UPDATED:-}" ]; then $SUDO apt-get update -qq || true; APT_UPDATED=1; fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" \
    >/dev/null || { note "apt-get install ${missing[*]} failed"; return 1; }
}
median() { sort -g | awk '{v[NR]=$1} END {if (NR==0) print "nan"; else if (NR%2) print v[(NR+1)/2]; else print (v[NR/2]+v[NR/2+1])/2}'; }
# Field "Maximum resident set size (kbytes)" of a /usr/bin/time -v log, in MiB.
rss_mib() { awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2/1024}' "$1"; }
now() { echo "$EPOCHREALTIME"; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.3f", b-a}'; }
div() { awk -v a="$1" -v b="$2" -v f="${3:-%.0f}" 'BEGIN {if (b+0==0) print "nan"; else printf f, a/b}'; }

# ---------------------------------------------------------------- 1. set-up
say "set-up"
if [ "${NO_INSTALL:-0}" != 1 ]; then scripts/deps.sh; fi
apt_install time || true
[ -x /usr/bin/time ] || { echo "bench: /usr/bin/time is missing (Debian package 'time')" >&2; exit 1; }
if [ -n "$WIREDUP_BIN" ]; then
  WIREDUP=$(cd "$(dirname "$WIREDUP_BIN")" && pwd)/$(basename "$WIREDUP_BIN")
  BUILD=$(dirname "${WIREDUP#"$ROOT"/}")
else
  BUILD=$(scripts/build.sh release)
  WIREDUP=$ROOT/$BUILD/wiredup
fi
[ -x "$WIREDUP" ] || { echo "bench: $WIREDUP was not built" >&2; exit 1; }
PIN=(); command -v taskset >/dev/null && PIN=(taskset -c 0)

GO_OK=""; GO_WHY=""
DS_OK=""; DS_WHY=""; DS_PY=""; DS_PATH=""; DS_VERSION=""
if [ -n "$STORIES_ONLY" ]; then :   # the stories row needs no peers
elif apt_install golang-go golang-github-ekzhu-minhash-lsh-dev; then GO_OK=1
else GO_WHY="Debian golang-go / golang-github-ekzhu-minhash-lsh-dev not installed"; fi
[ -n "$STORIES_ONLY" ] ||
  apt_install python3-numpy python3-scipy || DS_WHY="python3-numpy / python3-scipy not installed; "
[ -n "$STORIES_ONLY" ] ||
for d in "${DATASKETCH_DIR:-}" /work/peers/datasketch /tmp/datasketch; do
  [ -n "$d" ] || continue
  if [ -f "$d/datasketch/__init__.py" ]; then DS_PATH=$(cd "$d" && pwd); break; fi
  if [ -f "$d/__init__.py" ] && [ -f "$d/minhash.py" ]; then DS_PATH=$(cd "$d/.." && pwd); break; fi
  [ "$d" = "${DATASKETCH_DIR:-}" ] && note "DATASKETCH_DIR=$d holds no datasketch package"
done
[ -n "$STORIES_ONLY" ] ||
for py in /usr/bin/python3 python3; do   # Debian's python3 first: it sees python3-numpy/scipy
  command -v "$py" >/dev/null || continue
  if (cd / && PYTHONDONTWRITEBYTECODE=1 PYTHONPATH="$DS_PATH${PYTHONPATH:+:$PYTHONPATH}" \
        "$py" -c 'import datasketch' >/dev/null 2>&1); then DS_PY=$(command -v "$py"); break; fi
done
if [ -n "$STORIES_ONLY" ]; then :
elif [ -n "$DS_PY" ]; then
  DS_OK=1
  [ -n "$DS_PATH" ] && [ -f "$DS_PATH/pyproject.toml" ] &&
    DS_VERSION=$(sed -n 's/^version *= *"\(.*\)"/\1/p' "$DS_PATH/pyproject.toml" | head -1)
  [ -n "$DS_VERSION" ] || DS_VERSION=$(cd / && PYTHONPATH="$DS_PATH" "$DS_PY" -c \
    'import datasketch; print(getattr(datasketch, "__version__", "?"))' 2>/dev/null || echo "?")
else
  DS_WHY="${DS_WHY}datasketch is not importable (not in Debian; set DATASKETCH_DIR to a checkout, or put one in /work/peers/datasketch or /tmp/datasketch)"
fi

if [ -n "$GO_OK" ]; then
  GO_BIN=$BENCH_DIR/bin/minhashlsh
  mkdir -p "$BENCH_DIR/bin" "$BENCH_DIR/gopath"
  if ! GO111MODULE=off GOFLAGS="" GOPATH=/usr/share/gocode:$BENCH_DIR/gopath \
       GOCACHE=$BENCH_DIR/gocache GOPROXY=off \
       go build -o "$GO_BIN" ./scripts/peers/minhashlsh 2>"$BENCH_DIR/go-build.log"; then
    GO_OK=""; GO_WHY="harness did not build (see $BENCH_DIR/go-build.log)"
    cat "$BENCH_DIR/go-build.log" >&2
  fi
fi

# ---------------------------------------------------------------- 2. corpus
GEN=scripts/gen_corpus.py
GEN_SUM=$(sha256sum "$GEN" | cut -c1-8)
# make_corpus K: the generated corpus of K articles (cached); sets MADE to its path.
make_corpus() {
  local k=$1 m got attempt t0 old
  MADE=$BENCH_DIR/corpus-n$k-seed$SEED-b$TARGET_BYTES-g$GEN_SUM.jsonl
  # Only the current generator's corpora of this size and seed are kept.
  for old in "$BENCH_DIR/corpus-n$k-seed$SEED-b$TARGET_BYTES-g"*.jsonl; do
    case "$old" in "$MADE"|*-first*) continue ;; esac
    if [ -e "$old" ]; then rm -f "$old" "${old%.jsonl}"-first*.jsonl; fi
  done
  if [ -s "$MADE" ]; then
    say "corpus: $MADE (cached)"
    return 0
  fi
  # gen_corpus.py writes ~2.75 articles per original (mean 1.75 copies).
  m=$(( (k * 100 + 271) / 272 + 10 ))
  say "corpus: generating $k articles (gen_corpus.py --synthetic $m --target-bytes $TARGET_BYTES --seed $SEED)"
  t0=$(now)
  for attempt in 1 2 3 4; do
    python3 "$GEN" --synthetic "$m" --target-bytes "$TARGET_BYTES" --seed "$SEED" --jobs "$NCPU" -q \
      --out "$BENCH_DIR/gen.tmp.jsonl" --gold "$BENCH_DIR/gen.tmp.gold.jsonl"
    got=$(wc -l < "$BENCH_DIR/gen.tmp.jsonl")
    [ "$got" -ge "$k" ] && break
    [ "$attempt" -lt 4 ] || { echo "bench: generator gave $got < $k articles" >&2; exit 1; }
    m=$(( m * 105 / 100 + 10 ))
  done
  head -n "$k" "$BENCH_DIR/gen.tmp.jsonl" > "$MADE.tmp"
  mv "$MADE.tmp" "$MADE"
  rm -f "$BENCH_DIR/gen.tmp.jsonl" "$BENCH_DIR/gen.tmp.gold.jsonl"
  echo "   generated in $(elapsed "$t0" "$(now)") s (originals: $m)"
}
if [ -n "$STORIES_CORPUS" ]; then
  CORPUS=$STORIES_CORPUS
  N=$(wc -l < "$CORPUS")
  say "corpus: $CORPUS (given, $N articles)"
else
  make_corpus "$N"
  CORPUS=$MADE
fi
# prefix FILE K: the first K articles of the corpus (cached).
prefix() {
  if [ "$1" -ge "$N" ]; then echo "$CORPUS"; return; fi
  local f="${CORPUS%.jsonl}-first$1.jsonl"
  [ -s "$f" ] || { head -n "$1" "$CORPUS" > "$f.tmp" && mv "$f.tmp" "$f"; }
  echo "$f"
}
BYTES=$(stat -c %s "$CORPUS")
echo "   $N articles, $(div "$BYTES" 1000000 %.1f) MB, $(div "$BYTES" "$N") bytes/article (JSONL line)"

# ---------------------------------------------------------------- header
echo
say "machine and settings"
echo "   date:     $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
echo "   cpu:      $(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo), nproc $NCPU, $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo) RAM"
echo "   kernel:   $(uname -sr)"
echo "   wiredup:  $("$WIREDUP" --version 2>&1 | head -1), $BUILD/ (Release); cluster --title-field title --date-field date --source-field source, defaults otherwise; median of $REPEAT runs"
if [ -n "$STORIES_CORPUS" ]; then echo "   corpus:   $N articles, $CORPUS (given)"
else echo "   corpus:   $N articles, seed $SEED, --target-bytes $TARGET_BYTES, $(basename "$CORPUS")"; fi
echo "   peers:    word 5-grams of lower-cased letter/digit words over title + text, 128 permutations, LSH Jaccard threshold $THRESHOLD_PEER, one core (${PIN[*]:-no taskset}), one run each"
echo "   work dir: $BENCH_DIR"

# ---------------------------------------------------------------- 3. wiredup
# run_wiredup FILE THREADS TAG [OPTION...]: REPEAT runs; sets W_WALL W_RSS W_STAGES W_LSH.
run_wiredup() {
  local file=$1 threads=$2 tag=$3 i t0 t1 log walls="" rsss="" pre=()
  shift 3
  [ "$threads" = 1 ] && pre=("${PIN[@]}")
  : > "$BENCH_DIR/$tag.stages"
  : > "$BENCH_DIR/$tag.story"
  for ((i = 1; i <= REPEAT; i++)); do
    log=$BENCH_DIR/$tag.$i.log
    t0=$(now)
    if ! /usr/bin/time -v "${pre[@]}" "$WIREDUP" cluster --threads "$threads" \
         --title-field title --date-field date --source-field source "$@" \
         -o "$BENCH_DIR/$tag.out.jsonl" "$file" 2>"$log"; then
      echo "bench: wiredup failed, see $log:" >&2; tail -5 "$log" >&2; exit 1
    fi
    t1=$(now)
    walls+="$(elapsed "$t0" "$t1")"$'\n'
    rsss+="$(rss_mib "$log")"$'\n'
    # "wiredup: seconds: boilerplate 0.054, read 0.010, ..., total 0.300 (2 threads)"
    sed -n 's/^wiredup: seconds: //p' "$log" | sed 's/ *(.*)//' | tr ',' '\n' |
      awk 'NF == 2 {print $1, $2}' >> "$BENCH_DIR/$tag.stages"
    # "wiredup: 287 stories (0.029 s)"
    sed -n 's/^wiredup: [0-9]* stories (\([0-9.]*\) s)$/\1/p' "$log" >> "$BENCH_DIR/$tag.story"
  done
  rm -f "$BENCH_DIR/$tag.out.jsonl"
  W_WALL=$(printf '%s' "$walls" | median)
  W_RSS=$(printf '%s' "$rsss" | median)
  W_LSH=$(sed -n 's/^wiredup: LSH //p' "$log" | head -1)
  W_STORY=$(median < "$BENCH_DIR/$tag.story")
  W_NSTORIES=$(sed -n 's/^wiredup: \([0-9]*\) stories (.*/\1/p' "$log" | head -1)
  W_STAGES=$(awk '!($1 in seen) {seen[$1]; order[++n] = $1} {v[$1] = v[$1] " " $2}
    END {for (i = 1; i <= n; i++) {m = split(v[order[i]], a, " ");
           for (x = 1; x <= m; x++) for (y = x + 1; y <= m; y++) if (a[y] < a[x]) {t = a[x]; a[x] = a[y]; a[y] = t}
           med = (m % 2) ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2;
           printf "%s%s %.3f", (i > 1 ? ", " : ""), order[i], med}}' "$BENCH_DIR/$tag.stages")
  [ -n "$W_STAGES" ] || W_STAGES="(no 'wiredup: seconds:' line on stderr)"
}

# ---------------------------------------------------------------- 7. stories (defined here, run last)
# stage NAME "STAGES": one stage's seconds from W_STAGES ("boilerplate 1.2, read 0.1, ...").
stage() { printf '%s\n' "$2" | tr ',' '\n' | awk -v n="$1" '$1 == n {print $2}'; }
STORY_ROWS=()
# stories_row FILE K: --threads 2 without and with --stories; two rows and a ratio line.
stories_row() {
  local f=$1 k=$2 wall0 rss0 st0 per
  run_wiredup "$f" 2 "stories-off-n$k"
  wall0=$W_WALL rss0=$W_RSS st0=$W_STAGES
  run_wiredup "$f" 2 "stories-on-n$k" --stories
  per=$(awk -v s="$W_STORY" -v k="$k" 'BEGIN {printf "%.1f", s * 1e6 / k}')
  eval "STORY_US_$k=$per"
  STORY_ROWS+=("| $k | copies only | $wall0 | $rss0 | $(stage boilerplate "$st0") | $(stage sketch "$st0") | - | - | - |")
  STORY_ROWS+=("| $k | --stories | $W_WALL | $W_RSS | $(stage boilerplate "$W_STAGES") | $(stage sketch "$W_STAGES") | $W_STORY | $per | $W_NSTORIES |")
  STORY_ROWS+=("ratio at $k, --stories / copies only: wall $(div "$W_WALL" "$wall0" %.2f)x, peak RSS $(div "$W_RSS" "$rss0" %.2f)x")
  echo "   $k articles: copies only $wall0 s, $rss0 MiB; --stories $W_WALL s, $W_RSS MiB, story stage $W_STORY s"
  echo "      stages without (s): $st0"
  echo "      stages with (s):    $W_STAGES"
}
stories_section() {
  echo
  say "stories row: --threads 2, without and with --stories (median of $REPEAT runs each)"
  stories_row "$CORPUS" "$N"
  if [ -n "$STORIES_1M" ] && [ "$N" -ne 1000000 ]; then
    make_corpus 1000000
    stories_row "$MADE" 1000000
  fi
  echo
  echo "| articles | run | wall s | peak RSS MiB | first pass s | second pass s | story stage s | story us/article | stories |"
  echo "|---|---|---|---|---|---|---|---|---|"
  printf '%s\n' "${STORY_ROWS[@]}" | grep '^|'
  printf '%s\n' "${STORY_ROWS[@]}" | grep -v '^|'
  if [ -n "${STORY_US_1000000:-}" ] && [ "$N" -ne 1000000 ]; then
    echo "story stage per article, 1000000 / $N: $(div "$STORY_US_1000000" "$(eval echo "\$STORY_US_$N")" %.2f)x"
  fi
  echo "(first pass = the \"boilerplate\" stage, second pass = \"sketch\", story stage = \"N stories (S s)\")"
}
if [ -n "$STORIES_ONLY" ]; then
  stories_section
  exit 0
fi

echo
say "wiredup cluster, $N articles, $(div "$BYTES" 1000000 %.1f) MB"
declare -A RATE1   # articles -> wiredup 1-thread articles/s on that prefix
for threads in 1 2; do
  run_wiredup "$CORPUS" "$threads" "wiredup-t$threads"
  rate=$(div "$N" "$W_WALL")
  printf '   --threads %s: %8.3f s  %7s articles/s  %6s MB/s  peak RSS %s MiB\n' \
    "$threads" "$W_WALL" "$rate" "$(div "$BYTES" "$(awk -v w="$W_WALL" 'BEGIN {print w*1e6}')" %.1f)" "$W_RSS"
  echo "      stages (s): $W_STAGES"
  echo "      LSH: $W_LSH"
  eval "WALL$threads=$W_WALL; RSS$threads=$W_RSS"
  sk=$(printf '%s\n' "$W_STAGES" | tr ',' '\n' | awk '$1 == "sketch" {print $2}')
  [ -n "$sk" ] && echo "      second pass (parse, normalize, shingle, MinHash): $(div "$N" "$(awk -v s="$sk" -v t="$threads" 'BEGIN {print s*t}')") articles/s per core"
done
RATE1[$N]=$(div "$N" "$WALL1")
echo "   speedup 2 threads / 1 thread: $(div "$WALL1" "$WALL2" %.2f)x"
# The peers have no boilerplate pass: wiredup without it too, for reference.
run_wiredup "$CORPUS" 1 "wiredup-t1-nobp" --boilerplate-min-docs 0
WALL_NOBP=$W_WALL RSS_NOBP=$W_RSS
printf '   --threads 1 --boilerplate-min-docs 0 (one pass, as the peers): %.3f s  %s articles/s  stages (s): %s\n' \
  "$W_WALL" "$(div "$N" "$W_WALL")" "$W_STAGES"

# ---------------------------------------------------------------- 4. peers
ROWS=()   # "tool|articles|rate|MB/s|rss|ratio"
ROWS+=("wiredup --threads 1|$N|${RATE1[$N]}|$(div "$BYTES" "$(awk -v w="$WALL1" 'BEGIN {print w*1e6}')" %.1f)|$RSS1|")
ROWS+=("wiredup --threads 1, --boilerplate-min-docs 0|$N|$(div "$N" "$WALL_NOBP")|$(div "$BYTES" "$(awk -v w="$WALL_NOBP" 'BEGIN {print w*1e6}')" %.1f)|$RSS_NOBP|")
ROWS+=("wiredup --threads 2 (per core)|$N|$(div "$N" "$(awk -v w="$WALL2" 'BEGIN {print w*2}')")|$(div "$BYTES" "$(awk -v w="$WALL2" 'BEGIN {print w*2e6}')" %.1f)|$RSS2|")
# wiredup_on K: wiredup --threads 1 on the first K articles (for same-input ratios).
wiredup_on() {
  local k=$1 f
  [ -n "${RATE1[$k]:-}" ] && return 0
  f=$(prefix "$k")
  run_wiredup "$f" 1 "wiredup-t1-first$k"
  RATE1[$k]=$(div "$k" "$W_WALL")
  echo "   wiredup --threads 1 on the first $k articles: $W_WALL s, ${RATE1[$k]} articles/s, peak RSS $W_RSS MiB"
  ROWS+=("wiredup --threads 1 (first $k)|$k|${RATE1[$k]}|$(div "$(stat -c %s "$f")" "$(awk -v w="$W_WALL" 'BEGIN {print w*1e6}')" %.1f)|$W_RSS|")
}
# run_peer NAME K LOG CMD...: one run under /usr/bin/time -v on one core; appends a row.
run_peer() {
  local name=$1 k=$2 log=$3 t0 t1 wall f out
  shift 3
  f=$(prefix "$k")
  wiredup_on "$k"
  t0=$(now)
  if ! /usr/bin/time -v "${PIN[@]}" "$@" "$f" > "$log.out" 2> "$log"; then
    echo "   $name: FAILED (see $log)"; tail -3 "$log" | sed 's/^/      /'
    ROWS+=("$name|$k|failed|||"); return 0
  fi
  t1=$(now)
  wall=$(elapsed "$t0" "$t1")
  out=$(tail -1 "$log.out")
  local rate; rate=$(div "$k" "$wall")
  echo "   $name on the first $k articles: $wall s end to end, $rate articles/s, peak RSS $(rss_mib "$log") MiB"
  echo "      harness: $out"
  ROWS+=("$name|$k|$rate|$(div "$(stat -c %s "$f")" "$(awk -v w="$wall" 'BEGIN {print w*1e6}')" %.1f)|$(rss_mib "$log")|$(div "${RATE1[$k]}" "$rate" %.1f)x")
}

echo
say "peers (one core each; wiredup --threads 1 rerun on the same prefix for the ratio)"
if [ -n "$GO_OK" ]; then
  run_peer "ekzhu/minhash-lsh 1.0 (Go)" "$GO_N" "$BENCH_DIR/peer-minhashlsh" \
    env GOMAXPROCS=1 GOGC=100 "$GO_BIN" -threshold "$THRESHOLD_PEER" -perm 128 -ngram 5
else
  echo "   ekzhu/minhash-lsh (Go): skipped: $GO_WHY"
  ROWS+=("ekzhu/minhash-lsh (Go)|-|skipped|||")
fi
if [ -n "$DS_OK" ]; then
  run_peer "datasketch $DS_VERSION (Python)" "$DS_N" "$BENCH_DIR/peer-datasketch" \
    env PYTHONDONTWRITEBYTECODE=1 PYTHONPATH="$DS_PATH${PYTHONPATH:+:$PYTHONPATH}" \
    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 \
    "$DS_PY" "$ROOT/scripts/peers/datasketch_bench.py" --threshold "$THRESHOLD_PEER" --perm 128 --ngram 5
else
  echo "   datasketch: skipped: $DS_WHY"
  ROWS+=("datasketch (Python)|-|skipped|||")
fi

# ---------------------------------------------------------------- 5. table
echo
say "comparison (end to end: read JSONL, shingle, MinHash, LSH insert + query; wall clock)"
printf '   %-34s %8s %16s %11s %9s %13s\n' tool articles "articles/s/core" "MB/s/core" "peak RSS" "wiredup/peer"
for row in "${ROWS[@]}"; do
  IFS='|' read -r tool k rate mbs rss ratio <<< "$row"
  printf '   %-34s %8s %16s %11s %9s %13s\n' "$tool" "$k" "$rate" "$mbs" "${rss:+$rss MiB}" "$ratio"
done
echo "   wiredup/peer = wiredup --threads 1 articles/s on the same first K articles / the peer's."
echo "   wiredup also does boilerplate removal, containment verification and clustering; the peers"
echo "   only sketch, index and query (candidates unverified), at LSH Jaccard $THRESHOLD_PEER where"
echo "   wiredup's bands are tuned for Jaccard 0.167 (containment 0.5, length ratio 0.4)."

# ---------------------------------------------------------------- 6. accuracy
echo
say "accuracy: RMSE of the signature's Jaccard estimate (target: within 1.10 x sqrt(J(1-J)/k))"
"$ROOT/$BUILD/tests/wiredup-rmse" 2000 | sed 's/^/   /'

# ---------------------------------------------------------------- 7. stories
if [ -n "$STORIES" ]; then stories_section; fi
