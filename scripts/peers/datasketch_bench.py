#!/usr/bin/env python3
"""Peer benchmark for scripts/bench.sh: datasketch MinHash + MinHashLSH on a
wiredup JSONL corpus.

Per article: parse the JSON line, shingle title + "\\n" + text into word
5-grams (words = maximal runs of Unicode letters/digits, lower-cased; shingle
= its 5 words joined by one space, UTF-8; a text of fewer than 5 words is one
shingle), MinHash with 128 permutations (datasketch's default SHA-1 32-bit
hash; permutations drawn once and shared, as MinHash.bulk does) via
update_batch, insert into MinHashLSH(threshold, num_perm=128). Then query
every article. Prints one line of key=value pairs on stdout.

datasketch must be importable (put its checkout on PYTHONPATH).
Usage: datasketch_bench.py [--threshold 0.5] [--perm 128] [--ngram 5] FILE.jsonl
"""
import argparse
import json
import re
import sys
import time

T_START = time.perf_counter()

try:
    from datasketch import MinHash, MinHashLSH
except ImportError as e:  # bench.sh checks first; this is a clear message anyway
    sys.exit(f"datasketch_bench: cannot import datasketch: {e}")

WORD = re.compile(r"[^\W_]+")  # letters and digits (Unicode), no underscore


def shingles(s, n):
    w = WORD.findall(s.lower())
    if len(w) < n:
        return [" ".join(w).encode()]
    return [" ".join(w[i:i + n]).encode() for i in range(len(w) - n + 1)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threshold", type=float, default=0.5)
    ap.add_argument("--perm", type=int, default=128)
    ap.add_argument("--ngram", type=int, default=5)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("file")
    a = ap.parse_args()

    t_import = time.perf_counter() - T_START
    lsh = MinHashLSH(threshold=a.threshold, num_perm=a.perm)
    template = MinHash(num_perm=a.perm, seed=a.seed)
    perms = template.permutations
    sigs = []
    t_read = t_sketch = t_add = 0.0
    nbytes = nshingles = 0
    with open(a.file, "rb") as f:
        while True:
            t0 = time.perf_counter()
            line = f.readline()
            if not line:
                break
            if not line.strip():
                continue
            nbytes += len(line)
            d = json.loads(line)
            t1 = time.perf_counter()
            sh = shingles(d.get("title", "") + "\n" + d.get("text", ""), a.ngram)
            m = MinHash(num_perm=a.perm, seed=a.seed, permutations=perms)
            m.update_batch(sh)
            nshingles += len(sh)
            t2 = time.perf_counter()
            lsh.insert(len(sigs), m, check_duplication=False)
            sigs.append(m)
            t3 = time.perf_counter()
            t_read += t1 - t0
            t_sketch += t2 - t1
            t_add += t3 - t2
    t4 = time.perf_counter()
    candidates = with_cand = 0
    for i, m in enumerate(sigs):
        n = sum(1 for k in lsh.query(m) if k != i)
        candidates += n
        with_cand += n > 0
    t5 = time.perf_counter()
    print(f"articles={len(sigs)} bytes={nbytes} shingles={nshingles} "
          f"b={lsh.b} r={lsh.r} candidates={candidates} with_candidates={with_cand} "
          f"import={t_import:.3f} read={t_read:.3f} sketch={t_sketch:.3f} "
          f"add={t_add:.3f} query={t5 - t4:.3f} total={t5 - T_START:.3f}")


if __name__ == "__main__":
    main()
