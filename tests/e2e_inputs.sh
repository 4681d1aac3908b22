#!/usr/bin/env bash
# Input that ends early or is not what it seems, through every program that
# reads files (cluster, index add, dedup, wiredup-mpi when built): a cut or
# damaged gzip file keeps the lines before the damage and adds one bad
# record naming the file and the last complete line; xz, bzip2 and zstd are
# read by the same rules; UTF-16 is refused by name; a UTF-8 byte order mark
# is skipped; a
# directory walk reads each real folder once, never blocks on a FIFO, and
# turns every unreadable entry into a rejected record; *.jsonl in a
# directory is read as JSONL.
. "$(dirname "$0")/lib.sh"

# 40 distinct articles, one a line.
"$PYTHON" - <<'PY'
import gzip, random
random.seed(7)
words = "alpha beta gamma delta harbour council budget river storm vote market rail".split()
with open("feed.jsonl", "w") as f:
    for i in range(40):
        text = " ".join(random.choice(words) + str(random.randrange(50)) for _ in range(60))
        f.write('{"id":"a%d","text":"%s"}\n' % (i, text))
data = open("feed.jsonl", "rb").read()
gz = gzip.compress(data)
open("feed.jsonl.gz", "wb").write(gz)
open("cut.jsonl.gz", "wb").write(gz[: len(gz) // 2])
open("header.jsonl.gz", "wb").write(gz[:10])
crc = bytearray(gz); crc[-8] ^= 0xFF
open("crc.jsonl.gz", "wb").write(bytes(crc))
open("garbage.jsonl.gz", "wb").write(gz + b"not gzip")
open("bom.jsonl", "wb").write(b"\xef\xbb\xbf" + data)
open("bom.jsonl.gz", "wb").write(gzip.compress(b"\xef\xbb\xbf" + data))
import lzma, bz2
open("feed.jsonl.xz", "wb").write(lzma.compress(data))
open("feed.jsonl.bz2", "wb").write(bz2.compress(data))
open("utf16.jsonl", "wb").write(data.decode().encode("utf-16"))
PY
# The lines a cut gzip file still holds whole (what gzip -dc gives, up to the last newline).
whole=$( (gzip -dc cut.jsonl.gz 2>/dev/null || true) | wc -l)
[ "$whole" -gt 0 ] && [ "$whole" -lt 40 ] || fail "the cut file holds $whole whole lines"

# ---- cut and damaged gzip ----
expect_rc 1 "cut gzip fails the run" "$BIN" cluster -q cut.jsonl.gz
check "the cut names the file and the last whole line" \
  has err.txt "^wiredup: cut.jsonl.gz: gzip stream ends early (unexpected end of file) after line $whole\$"
expect_rc 0 "cut gzip under --on-error skip" "$BIN" cluster --on-error skip cut.jsonl.gz
check "the records before the cut are kept" test "$(wc -l < out.txt)" -eq "$whole"
check "the cut is counted as one rejected record" has err.txt " 1 rejected"
expect_rc 1 "header-only gzip" "$BIN" cluster -q header.jsonl.gz
check "header-only gzip named" has err.txt "^wiredup: header.jsonl.gz: gzip stream ends early (unexpected end of file)\$"
expect_rc 1 "bad CRC" "$BIN" cluster -q crc.jsonl.gz
check "bad CRC named" has err.txt "^wiredup: crc.jsonl.gz: gzip data damaged (incorrect data check) after line 40\$"
expect_rc 1 "trailing garbage" "$BIN" cluster -q garbage.jsonl.gz
check "trailing garbage named" has err.txt "^wiredup: garbage.jsonl.gz: trailing bytes that are not gzip data after line 40\$"
expect_rc 0 "a whole gzip file" "$BIN" cluster -q feed.jsonl.gz
check "all 40 read" test "$(wc -l < out.txt)" -eq 40

# ---- the same reader in index add and dedup ----
"$BIN" index create idx >/dev/null 2>&1 || fail "index create"
expect_rc 1 "index add: cut gzip fails" "$BIN" index add idx cut.jsonl.gz
check "index add names the cut" has err.txt "cut.jsonl.gz: gzip stream ends early (unexpected end of file) after line $whole"
expect_rc 0 "index add --on-error skip" "$BIN" index add idx --on-error skip cut.jsonl.gz
check "index add counts the cut as rejected" has err.txt "1 rejected"
expect_rc 1 "dedup: cut gzip fails" "$BIN" dedup --index idx --no-add cut.jsonl.gz
check "dedup names the cut" has err.txt "cut.jsonl.gz: gzip stream ends early (unexpected end of file) after line $whole"
expect_rc 0 "dedup reads xz" "$BIN" dedup --index idx --no-add feed.jsonl.xz
check "dedup answers every xz record" test "$(wc -l < out.txt)" -eq 40

# ---- xz, bzip2, zstd; UTF-16 refused by name; byte order marks ----
"$BIN" cluster -q feed.jsonl > plain.out 2>/dev/null
codecs="xz:feed.jsonl.xz bzip2:feed.jsonl.bz2"
if command -v zstd >/dev/null; then
  zstd -q -c feed.jsonl > feed.jsonl.zst && codecs="$codecs zstd:feed.jsonl.zst"
else
  skip "no zstd program to make a .zst file: the zstd checks did not run"
fi
for f in $codecs; do
  k=${f%%:*} file=${f#*:}
  expect_rc 0 "$k read" "$BIN" cluster -q "$file"
  check "$k reads as the plain file" cmp -s out.txt plain.out
  head -c 20 "$file" > "cut-$file"
  expect_rc 1 "$k cut" "$BIN" cluster -q "cut-$file"
  check "$k cut named" has err.txt "^wiredup: cut-$file: $k stream ends early (unexpected end of file)\$"
done
expect_rc 1 "UTF-16 refused" "$BIN" cluster -q utf16.jsonl
check "UTF-16 named" has err.txt "^wiredup: utf16.jsonl: UTF-16 text (little-endian byte order mark); convert it to UTF-8 first"
for f in bom.jsonl bom.jsonl.gz; do
  expect_rc 0 "$f: a UTF-8 byte order mark is skipped" "$BIN" cluster -q "$f"
  check "$f reads as without the mark" cmp -s out.txt plain.out
done

# ---- directory walks ----
mkdir -p arts/world arts/.git
for i in 1 2 3; do
  printf 'date 2021-03-2%d World\n\nStory %d: %s\n' "$i" "$i" "$(head -c 900 feed.jsonl | tr -d '{}":,' | cut -c$((i * 40))-)" > arts/world/s$i.txt
done
echo "hidden" > arts/.draft.txt
echo "x" > arts/.git/config
ln -s world arts/link-to-world   # a symbolic link to a subfolder
expect_rc 0 "a walk with a link to a subfolder" timeout 60 "$BIN" cluster arts
check "each article once, under its real folder" \
  test "$(cut -d'"' -f4 out.txt | tr '\n' ' ')" = "world/s1.txt world/s2.txt world/s3.txt "
check "3 articles read" has err.txt "^wiredup: 3 articles,"
check "hidden names and the repeated link are said in the summary" \
  has err.txt "^wiredup: folders: 2 hidden names (starting with '.') and 1 links to folders already read passed over\$"
# a loop (alone: with the link above, a walk that follows both doubles at each level)
mkdir -p loop/world && cp arts/world/s1.txt loop/world/ && ln -s .. loop/world/up
expect_rc 0 "a walk through a symbolic link loop ends" timeout 60 "$BIN" cluster loop
check "the article in the loop read once" test "$(wc -l < out.txt)" -eq 1
ln -s nowhere arts/dangling
mkfifo arts/pipe
node=
if [ "$(id -u)" = 0 ] && mknod arts/node c 1 3 2>/dev/null; then node=1; fi
expect_rc 1 "an unreadable entry fails the run" timeout 60 "$BIN" cluster -q arts
check "the dangling link is named" has err.txt "^wiredup: arts/dangling: dangling symbolic link\$"
# a FIFO in a walk must not block the run (a blocking open ignored SIGINT)
expect_rc 0 "a FIFO in the walk is a rejected record, no hang" \
  timeout 60 "$BIN" cluster -q --on-error skip arts
check "the FIFO is named" has err.txt "^wiredup: arts/pipe: not a regular file: a FIFO\$"
if [ -n "$node" ]; then
  check "a device node is named" has err.txt "^wiredup: arts/node: not a regular file: a character device\$"
else
  skip "mknod not permitted here: the device node in a walk was not checked"
fi
check "the good articles are still read" test "$(wc -l < out.txt)" -eq 3
expect_rc 0 "cluster of the walk, rejects kept" \
  timeout 60 "$BIN" cluster -q --on-error skip --rejects crej.txt arts
check "cluster: the dangling link reaches --rejects" grep -qx '"dangling"' crej.txt
check "cluster: the FIFO reaches --rejects" grep -qx '"pipe"' crej.txt
"$BIN" index create aidx >/dev/null 2>&1 || fail "index create aidx"
expect_rc 0 "index add of the walk, rejects kept" \
  timeout 60 "$BIN" index add aidx --on-error skip --rejects arej.txt arts
check "the dangling link reaches --rejects" grep -qx '"dangling"' arej.txt
check "the FIFO reaches --rejects" grep -qx '"pipe"' arej.txt
rm -f arts/dangling arts/pipe arts/node

# JSONL files in a directory are read as JSONL, ids from the JSON
mkdir -p feeds/day2
head -n 20 feed.jsonl > feeds/day1.jsonl
sed -n 21,30p feed.jsonl | gzip > feeds/day2/part.ndjson.gz
tail -n 10 feed.jsonl | xz > feeds/day2/part2.jsonl.xz
expect_rc 0 "a directory of JSONL files" "$BIN" cluster -q feeds
check "every record once, with its JSON id" test "$(cut -d'"' -f4 out.txt | sort -V | tr '\n' ' ')" = \
  "$(seq 0 39 | sed 's/^/a/' | tr '\n' ' ')"
mkdir -p cutdir && cp cut.jsonl.gz cutdir/
expect_rc 1 "a cut JSONL file in a directory" "$BIN" cluster -q cutdir
check "named by its path" has err.txt "^wiredup: cutdir/cut.jsonl.gz: gzip stream ends early (unexpected end of file) after line $whole\$"

# ---- wiredup-mpi reads by the same rules ----
MPI_BIN=$(dirname "$BIN")/wiredup-mpi
if [ -x "$MPI_BIN" ] && command -v mpirun >/dev/null; then
  mpi() { OMP_NUM_THREADS=1 timeout 120 mpirun --allow-run-as-root --oversubscribe --bind-to none -np 2 "$MPI_BIN" "$@"; }
  expect_rc 1 "mpi: cut gzip fails" mpi cluster -q cut.jsonl.gz
  check "mpi: the cut named" has err.txt "cut.jsonl.gz: gzip stream ends early (unexpected end of file) after line $whole"
  expect_rc 0 "mpi: xz read" mpi cluster -q feed.jsonl.xz
  check "mpi: xz reads as the plain file" cmp -s out.txt plain.out
  expect_rc 1 "mpi: UTF-16 refused" mpi cluster -q utf16.jsonl
  check "mpi: UTF-16 named" has err.txt "utf16.jsonl: UTF-16 text"
  expect_rc 0 "mpi: a byte order mark on a split file" mpi cluster -q bom.jsonl
  check "mpi: reads as without the mark" cmp -s out.txt plain.out
  expect_rc 0 "mpi: the walk" mpi cluster -q feeds
  check "mpi: the JSONL files in the folder" test "$(wc -l < out.txt)" -eq 40
else
  skip "wiredup-mpi not built or mpirun missing: the MPI reader checks did not run"
fi
finish
