#!/usr/bin/env bash
# One option parser for every subcommand (src/app/options.c): a shared
# option gives the same message, with the same range, in cluster, index
# create, index add, dedup (and wiredup-mpi cluster when built); unknown
# options, missing values and another subcommand's options are usage
# errors (exit 2) of one shape, "wiredup: WHAT" then "Try 'CMD --help'.";
# each option's --help line is the same in every help that lists it and
# names the range its error message names; the README's options block is
# 'wiredup cluster --help'.
. "$(dirname "$0")/lib.sh"

printf '%s\n' '{"id":"a","text":"alpha beta gamma delta epsilon zeta eta theta"}' >a.jsonl
"$BIN" index create idx -q || fail "index create idx"

# The subcommands, each as a command line before the option tested.
SUBS=("cluster" "index create new-idx" "index add idx" "dedup --index idx")
MPI_BIN=$(dirname "$BIN")/wiredup-mpi
if [ -x "$MPI_BIN" ] && command -v mpirun >/dev/null; then
  MPIRUN=(timeout 120 mpirun --allow-run-as-root --oversubscribe --bind-to none -np 2 "$MPI_BIN")
else
  MPIRUN=()
  skip "wiredup-mpi not built or mpirun missing: its messages were not compared"
fi

# run SUB ARGS...: the subcommand with an input where it takes one, then
# ARGS (options after the files, as GNU getopt took them); its exit status
# in rc, its first two stderr lines in msg.txt.
run() {
  local sub=$1; shift
  local input=()
  case $sub in cluster|mpi|"index add"*|dedup*) input=(a.jsonl) ;; esac
  if [ "$sub" = mpi ]; then
    OMP_NUM_THREADS=1 "${MPIRUN[@]}" cluster "${input[@]}" "$@" >out.txt 2>err.txt
  else
    # shellcheck disable=SC2086 # SUB is words
    "$BIN" $sub "${input[@]}" "$@" >out.txt 2>err.txt
  fi
  rc=$?
  grep -v '^\(\[\|--------\|mpirun\|Primary job\|job\)' err.txt | head -n 2 >msg.txt
}
subs() { # the subcommands in SUBS, and wiredup-mpi's cluster with cluster
  printf '%s\n' "${SUBS[@]}"
  if [ ${#MPIRUN[@]} -gt 0 ] && printf '%s\n' "${SUBS[@]}" | grep -qx cluster; then echo mpi; fi
}
try_cmd() { # the command the Try line names
  case $1 in mpi) echo "wiredup-mpi cluster" ;; index*) echo "wiredup index" ;;
    dedup*) echo "wiredup dedup" ;; *) echo "wiredup $1" ;; esac
}

# same_error DESC WANT ARGS...: every subcommand exits 2 with WANT, then
# its Try line.
same_error() {
  local d=$1 want=$2 sub; shift 2
  while read -r sub; do
    run "$sub" "$@"
    local got
    got=$(cat msg.txt)
    local expect
    expect=$(printf '%s\nTry '\''%s --help'\''.' "$want" "$(try_cmd "$sub")")
    if [ "$rc" -eq 2 ] && [ "$got" = "$expect" ]; then
      pass "$sub $*: $d"
    else
      fail "$sub $*: $d: exit $rc, said '$got', wanted exit 2 and '$expect'"
    fi
  done < <(subs)
}

# The shared options' range errors: one text everywhere.
same_error "the range" "wiredup: --num-perm: bad value '7' (8..1024, a multiple of 8)" --num-perm 7
same_error "the range" "wiredup: --ngram: bad value '0' (1..64)" --ngram 0
same_error "the range" "wiredup: --seed: bad value '-1' (0..2^62)" --seed -1
same_error "the range" "wiredup: --bands: bad value '2000' (1..1024)" --bands 2000
same_error "the range" "wiredup: --rows: bad value 'x' (1..1024)" --rows x
same_error "the range" "wiredup: --threshold: bad value '2' (a number in (0, 1])" --threshold 2
same_error "the range" "wiredup: --min-length-ratio: bad value '0' (a number in (0, 1])" \
  --min-length-ratio 0
same_error "the choices" "wiredup: --shingle: unknown value 'x' (word, char)" --shingle x
same_error "the choices" "wiredup: --measure: unknown value 'x' (containment, jaccard)" --measure x
same_error "a missing value" "wiredup: --num-perm needs a value" --num-perm
same_error "an unknown option" "wiredup: unknown option '--frobnicate'" --frobnicate
same_error "an unknown short option" "wiredup: unknown option '-x'" -x
same_error "a flag given a value" "wiredup: --noisy takes no value" --noisy=1
same_error "an option of no subcommand here" "wiredup: unknown option '--gold'" --gold g

# The options every subcommand but index create takes.
SUBS=("cluster" "index add idx" "dedup --index idx")
same_error "the range" "wiredup: --max-article-bytes: bad value '0' (1..2^40 bytes)" \
  --max-article-bytes 0
same_error "the choices" "wiredup: --on-error: unknown value 'x' (fail, skip)" --on-error x
same_error "-t is --threads" "wiredup: --threads: bad value '0' (1..1024)" -t 0
same_error "the range" "wiredup: --threads: bad value '5000' (1..1024)" --threads 5000
same_error "a flag needs" "wiredup: --rejects needs --on-error skip" --rejects rej.txt
same_error "-q takes no value" "wiredup: --quiet takes no value" --quiet=yes

# Another subcommand's option names the subcommand that does not take it.
SUBS=("dedup --index idx")
same_error "another subcommand's option" "wiredup: --stories is not an option of dedup" --stories
same_error "another subcommand's option" "wiredup: -o is not an option of dedup" -o out
SUBS=("cluster")
same_error "another subcommand's option" "wiredup: --batch is not an option of cluster" --batch 5
MPI_SAVED=("${MPIRUN[@]}")
MPIRUN=() # wiredup-mpi takes it
same_error "wiredup-mpi's option" "wiredup: --mpi-stats is not an option of cluster" --mpi-stats
MPIRUN=("${MPI_SAVED[@]}")
SUBS=("index info idx")
same_error "another command's option" "wiredup: --batch is not an option of index info" --batch 5
SUBS=("cluster" "index add idx" "dedup --index idx")
same_error "an ambiguous prefix" "wiredup: ambiguous option '--s'" --s x

# What getopt accepted still works: a unique prefix, options after the
# files, --name=value, -tN, and "--" before a file named like an option.
"$BIN" cluster -q --format tsv a.jsonl >want.tsv
check "a unique prefix (--form) is the option" \
  sh -c "\"$BIN\" cluster -q --form tsv a.jsonl | cmp -s - want.tsv"
check "options after the files" sh -c "\"$BIN\" cluster a.jsonl --format=tsv -q -t1 2>e.txt | cmp -s - want.tsv && [ ! -s e.txt ]"
cp a.jsonl ./--odd.jsonl
expect_rc 0 "-- ends the options" "$BIN" cluster -q --format tsv -- --odd.jsonl
check "... and reads the file named like an option" cmp -s out.txt want.tsv
expect_rc 0 "-qt1 clusters short options" "$BIN" cluster -qt1 --format tsv a.jsonl
check "... and is quiet" test ! -s err.txt
check "... with the same output" cmp -s out.txt want.tsv
expect_rc 0 "dedup: options after the file" "$BIN" dedup a.jsonl --index idx --no-add -q
check "... answers" has out.txt '"status":"new"'

# Each option's help line is the same in every help that lists it, and
# names what its error message says it takes.
"$BIN" cluster --help >help-cluster.txt
"$BIN" index --help >help-index.txt
"$BIN" dedup --help >help-dedup.txt
# help-lines.txt: one line an option entry, "LABEL<tab>TEXT" (the text's
# wrapped lines joined), of every help.
"$PYTHON" - help-cluster.txt help-index.txt help-dedup.txt >help-lines.txt <<'PY'
import sys
for path in sys.argv[1:]:
    cur = None
    for line in open(path, encoding="utf-8").read().split("\n"):
        if line.startswith(" " * 29) and cur is not None:
            cur[1].append(line.strip())
            continue
        if cur is not None:
            print(cur[0] + "\t" + " ".join(cur[1]).strip())
        cur = None
        if line.lstrip().startswith("-"):
            text = len(line) > 29 and line[27:29] == "  " and line[29] != " "
            cur = (line[:29].strip(), [line[29:]]) if text else (line.strip(), [])
PY
check "help lines were read" test "$(wc -l <help-lines.txt)" -gt 50
check "one help line an option, the same in every help" \
  test "$(sort -u help-lines.txt | cut -f1 | sort | uniq -d | tr '\n' ' ')" = ""
for spec in "num-perm 7" "ngram 0" "seed -1" "bands 0" "threshold 2" "max-article-bytes 0" \
            "threads 0" "window-days -1" "max-future-days -1" "batch 0" "map-size 1" "now x" \
            "boilerplate-min-docs -1" "max-bucket 0" "story-threshold 0"; do
  set -- $spec
  case $1 in
    batch|map-size|now|max-future-days) sub="index add idx" ;;
    *) sub=cluster ;;
  esac
  run "$sub" --"$1" "$2"
  range=$(sed -n "s/^wiredup: --$1: bad value '[^']*' (\(.*\))$/\1/p" msg.txt)
  if [ -n "$range" ] && grep -- "--$1 " help-lines.txt | grep -qF -- "($range)"; then
    pass "--$1: the help names the range the error names ($range)"
  else
    fail "--$1: error '$(head -n 1 msg.txt)' and help '$(grep -- "--$1 " help-lines.txt | head -n 1)'"
  fi
done

# wiredup-mpi's help is wiredup's, but for its usage line and --mpi-stats.
if [ ${#MPIRUN[@]} -gt 0 ]; then
  timeout 120 mpirun --allow-run-as-root --oversubscribe --bind-to none -np 1 "$MPI_BIN" \
    cluster --help >help-mpi.txt 2>/dev/null
  check "wiredup-mpi cluster --help: its usage line" \
    test "$(head -n 1 help-mpi.txt)" = "Usage: mpirun -np N wiredup-mpi cluster [OPTIONS] FILE..."
  check "... the options of cluster, then --mpi-stats" \
    cmp -s <(sed 1d help-cluster.txt) <(sed 1d help-mpi.txt | sed '/--mpi-stats/,$d')
fi

# The README's block is the help.
"$PYTHON" - "$SRC/README.md" >readme-cluster.txt <<'PY'
import sys
text = open(sys.argv[1], encoding="utf-8").read()
start = text.index("## Options of `wiredup cluster`")
block = text[start:].split("```\n", 2)[1]
sys.stdout.write(block)
PY
check "README's options of cluster are 'wiredup cluster --help'" cmp -s readme-cluster.txt help-cluster.txt
finish
