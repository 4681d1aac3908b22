#!/usr/bin/env bash
# Measures wiredup-mpi on one machine: 1, 2 and 4 ranks, threads per rank
# = cores / ranks (at least 1), against the single process on all cores.
# Per run: wall time, and per rank (from --mpi-stats) peak RSS and the
# bytes it sent to other ranks, by phase; checks the output is the single
# process's byte for byte; ends with the bytes sent per article, by phase.
# Usage: scripts/bench-mpi.sh [CORPUS.jsonl [N]]
#   default corpus: scripts/gen_corpus.py --synthetic N (20000 originals,
#   about 55,000 articles, 120 MB) in build-mpi/bench/
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
command -v mpirun >/dev/null || { echo "bench-mpi.sh: mpirun not found (apt-get install openmpi-bin libopenmpi-dev)" >&2; exit 1; }
cmake -S . -B build-mpi -DWIREDUP_MPI=ON -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build-mpi -j"$(nproc)" >/dev/null
work=$root/build-mpi/bench
mkdir -p "$work"
n=${2:-20000}
corpus=${1:-$work/synthetic-$n.jsonl}
if [ ! -f "$corpus" ]; then
  echo "generating $corpus (--synthetic $n)..." >&2
  python3 scripts/gen_corpus.py -q --synthetic "$n" --seed 7 --out "$corpus" --gold "$work/gold.jsonl"
fi
cores=$(nproc)
fields=(--title-field title --date-field date --source-field source)
now() { date +%s.%N; }

echo "corpus: $corpus ($(du -h "$corpus" | cut -f1)), $cores cores"
t0=$(now)
/usr/bin/time -f "%M" -o "$work/single.rss" build-mpi/wiredup cluster "${fields[@]}" -t "$cores" \
  -o "$work/single.out" "$corpus" 2>"$work/single.err"
t1=$(now)
articles=$(head -1 "$work/single.err" | awk '{print $2}')
printf "single process: %d threads, %.2f s, peak RSS %.0f MiB, %s articles\n" "$cores" \
  "$(echo "$t1 - $t0" | bc)" "$(echo "$(cat "$work/single.rss") / 1024" | bc)" "$articles"

printf "\n%5s %7s %8s %10s %10s %14s  %s\n" ranks threads wall_s rss_max_MiB rss_sum_MiB \
  sent_max_bytes output
for np in 1 2 4; do
  t=$((cores / np)); [ "$t" -ge 1 ] || t=1
  t0=$(now)
  OMP_NUM_THREADS=$t mpirun --allow-run-as-root --oversubscribe --bind-to none -np "$np" \
    build-mpi/wiredup-mpi cluster "${fields[@]}" --threads "$t" --mpi-stats \
    -o "$work/mpi$np.out" "$corpus" 2>"$work/mpi$np.err"
  t1=$(now)
  same=$(cmp -s "$work/single.out" "$work/mpi$np.out" && echo identical || echo DIFFERENT)
  grep '^wiredup: rank ' "$work/mpi$np.err" >"$work/mpi$np.ranks"
  awk -v np="$np" -v t="$t" -v wall="$(echo "$t1 - $t0" | bc)" -v same="$same" '
    { for (i = 1; i <= NF; i++) { if ($i == "RSS") rss = $(i + 1); if ($i == "sent") sent = $(i + 1) }
      if (rss > rmax) rmax = rss; rsum += rss; if (sent > smax) smax = sent }
    END { printf "%5d %7d %8.2f %10.1f %10.1f %14d  %s\n", np, t, wall, rmax, rsum, smax, same }' \
    "$work/mpi$np.ranks"
done

echo
echo "per rank, 4 ranks:"
sed 's/^wiredup: /  /' "$work/mpi4.ranks"
echo
echo "bytes sent per article, all ranks together, by phase (4 ranks):"
awk -v n="$articles" '
  { line = $0; sub(/.*\(/, "", line); sub(/\).*/, "", line)
    k = split(line, part, ", ")
    for (i = 1; i <= k; i++) { split(part[i], kv, / /); v = kv[length(kv)]; name = part[i]
      sub(/ [0-9]+$/, "", name); sum[name] += v; if (!(name in seen)) { seen[name] = 1; order[++m] = name } } }
  END { total = 0
    for (i = 1; i <= m; i++) { printf "  %-12s %8.1f\n", order[i], sum[order[i]] / n; total += sum[order[i]] }
    printf "  %-12s %8.1f\n", "total", total / n }' "$work/mpi4.ranks"
grep -h "LSH" "$work/single.err" | sed 's/^wiredup: /single process: /'
