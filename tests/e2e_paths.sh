#!/usr/bin/env bash
# Every kind of path wiredup cluster writes or reads (src/app/outfile.c, the
# spooling in src/cli/cli.c): -o and --rejects on a device node (made with
# mknod here, never the machine's own), a FIFO, a symlink (to a file, to a
# missing name, to /proc/self/fd/1) and /proc/self/fd/1 itself; a symlink
# planted at the old temporary name; an output that is an input (exit 2,
# input untouched); inputs that can be read only once (/dev/stdin, <(cmd),
# a FIFO) with the boilerplate pass on; full devices (exit 1); the stage
# named when a signal stops a run. The same for wiredup-mpi when it is built.
. "$(dirname "$0")/lib.sh"

"$PYTHON" - <<'P'
import json, random
r = random.Random(7)
vocab = ["w%d" % i for i in range(400)]
stories = [" ".join(r.choice(vocab) for _ in range(60)) for _ in range(20)]
with open("in.jsonl", "w") as f:
    for i in range(300):
        s = stories[i % 20].split()
        s[r.randrange(len(s))] = r.choice(vocab)
        text = " ".join(s) + "\nSubscribe to our newsletter for more news."
        f.write(json.dumps({"id": "a%d" % i, "text": text}) + "\n")
    f.write('{"id": "bad", "text": 5}\n')
P
grep -v '"bad"' in.jsonl >good.jsonl
run() { timeout 60 "$BIN" cluster -q "$@"; } # no hang: a FIFO never opened stops a run
run good.jsonl >want.jsonl || fail "the plain run"
check "the plain run has 300 rows" test "$(wc -l <want.jsonl)" -eq 300
same_as_want() { cmp -s "$1" want.jsonl; }
# reap PID: waits for a helper process, ending it after 10 s (a FIFO the
# program failed to open, or replaced, would hold it forever)
reap() {
  for _ in $(seq 200); do kill -0 "$1" 2>/dev/null || break; sleep 0.05; done
  kill "$1" 2>/dev/null; wait "$1" 2>/dev/null
}
have_mknod=1
mknod nul c 1 3 2>/dev/null && mknod full c 1 7 2>/dev/null || have_mknod=0

# ---- -o on what is not a regular file: written in place, never replaced ----
if [ $have_mknod = 1 ]; then
  expect_rc 0 "-o on a null device node" run -o nul good.jsonl
  check "the device node is still a character device" test -c nul
else
  skip "mknod not permitted: device node cases"
fi
mkfifo out.fifo
cat out.fifo >from_fifo.jsonl &
reader=$!
expect_rc 0 "-o on a FIFO" run -o out.fifo good.jsonl
reap $reader
check "the FIFO's reader got the output" same_as_want from_fifo.jsonl
check "the FIFO is still a FIFO" test -p out.fifo
ln -s /proc/self/fd/1 to_stdout
run -o to_stdout good.jsonl >via_link.jsonl 2>err.txt
check "-o on a symlink to /proc/self/fd/1 writes stdout" same_as_want via_link.jsonl
check "the symlink to /proc/self/fd/1 is kept" test -L to_stdout
run -o /proc/self/fd/1 good.jsonl >via_proc.jsonl 2>err.txt
check "-o /proc/self/fd/1 writes stdout ($(head -c 100 err.txt))" same_as_want via_proc.jsonl
run -o /dev/fd/1 good.jsonl >via_devfd.jsonl 2>err.txt
check "-o /dev/fd/1 writes stdout" same_as_want via_devfd.jsonl
echo old >target.jsonl
chmod 640 target.jsonl
ln -s target.jsonl link.jsonl
expect_rc 0 "-o on a symlink to a file" run -o link.jsonl good.jsonl
check "the symlink is kept" test -L link.jsonl
check "its target is replaced" same_as_want target.jsonl
check "the target keeps its mode 640" test "$(stat -c %a target.jsonl)" = 640
ln -s sub/../new.jsonl dangling.jsonl
mkdir sub
expect_rc 0 "-o on a symlink to a missing name" run -o dangling.jsonl good.jsonl
check "the missing target is made" same_as_want new.jsonl
check "the dangling symlink is kept" test -L dangling.jsonl
(umask 027; run -o fresh.jsonl good.jsonl)
check "a new file gets 0666 less the umask (640)" test "$(stat -c %a fresh.jsonl)" = 640

# ---- the temporary name: a link planted there is not written through ----
echo secret >victim.txt
# exec keeps the shell's pid, so $$ is the program's: the old FILE.tmp.PID
bash -c 'ln -s victim.txt planted.jsonl.tmp.$$; exec "$0" cluster -q -o planted.jsonl good.jsonl' \
  "$BIN" 2>err.txt
check "a symlink at the old temporary name is not written through" test "$(cat victim.txt)" = secret
check "the output is still written" same_as_want planted.jsonl
check "no temporary file is left" test -z "$(ls | grep -v '^planted.jsonl.tmp.[0-9]*$' | grep 'planted.jsonl.tmp')"

# ---- an output that is an input: refused (usage error), input untouched ----
cp in.jsonl keep.jsonl
expect_rc 2 "--rejects naming the input" run --on-error skip --rejects in.jsonl in.jsonl
check "the input is untouched (--rejects)" cmp -s in.jsonl keep.jsonl
check "the message names both" grep -q "in.jsonl: is the input in.jsonl" err.txt
expect_rc 2 "-o naming the input" run -o in.jsonl in.jsonl
check "the input is untouched (-o)" cmp -s in.jsonl keep.jsonl
ln -s in.jsonl in_link.jsonl
ln in.jsonl in_hard.jsonl
expect_rc 2 "-o on a symlink to the input" run -o in_link.jsonl in.jsonl
expect_rc 2 "-o on a hard link of the input" run -o in_hard.jsonl in.jsonl
expect_rc 2 "-o naming a later input" run -o in.jsonl good.jsonl in.jsonl
expect_rc 2 "-o naming stdin's file" run -o in.jsonl - <in.jsonl
check "the input is untouched (links, stdin)" cmp -s in.jsonl keep.jsonl
expect_rc 2 "-o and --rejects the same file" run --on-error skip --rejects r.txt -o ./r.txt in.jsonl
check "nothing is made under the shared name" test ! -e r.txt

# ---- inputs that can be read only once, with the boilerplate pass on ----
run <(cat good.jsonl) >got.jsonl 2>err.txt
check "<(cmd) as FILE gives the plain output" same_as_want got.jsonl
run /dev/stdin <good.jsonl >got.jsonl 2>err.txt
check "/dev/stdin on a file gives the plain output" same_as_want got.jsonl
cat good.jsonl | run /dev/stdin >got.jsonl 2>err.txt
check "/dev/stdin on a pipe gives the plain output" same_as_want got.jsonl
cat good.jsonl | run --on-error skip - /dev/stdin >got.jsonl 2>err.txt
check "'-' and /dev/stdin are one pipe, copied once and read twice (300 duplicate ids)" \
  test "$(wc -l <got.jsonl)" -eq 300 -a "$(grep -c 'duplicate id' err.txt)" -eq 300
mkfifo in.fifo
cat good.jsonl >in.fifo &
writer=$!
run in.fifo >got.jsonl 2>err.txt
check "a named FIFO as FILE gives the plain output" same_as_want got.jsonl
reap $writer
mkdir -p tmp
TMPDIR=$PWD/tmp run --on-error skip --rejects rej.txt <(cat in.jsonl) >got.jsonl 2>err.txt
check "a bad record in <(cmd) is named by the user's name" grep -q '^wiredup: /dev/fd/[0-9]*:301: ' err.txt
check "and not by the copy's" test -z "$(grep wiredup-input err.txt)"
check "the bad record is in --rejects" grep -q '"bad"' rej.txt
check "no copy is left in TMPDIR" test -z "$(ls tmp)"

# ---- every write is checked ----
run good.jsonl >/dev/full 2>err.txt
rc=$?
check "stdout on /dev/full exits 1 (got $rc)" test $rc -eq 1
check "a message says so" grep -q "standard output: No space left" err.txt
if [ $have_mknod = 1 ]; then
  expect_rc 1 "-o on a full device node" run -o full good.jsonl
  check "a message names it" grep -q "full: No space left" err.txt
  expect_rc 1 "--rejects on a full device node" run --on-error skip --rejects full -o out.jsonl in.jsonl
  check "a failed run leaves no output" test ! -e out.jsonl
  check "the full device node is still one" test -c full
fi

# ---- a signal names the stage it stopped ----
# A FIFO input is copied for the two passes; the writer holds back the rest
# until the copy has begun (its file in TMPDIR has bytes), then the signal
# comes while the copy waits: deterministic, however fast the machine.
rm -f in2.fifo go && mkfifo in2.fifo
{ head -c 5000 good.jsonl; while [ ! -e go ]; do sleep 0.05; done; tail -c +5001 good.jsonl; } >in2.fifo &
writer=$!
TMPDIR=$PWD/tmp "$BIN" cluster -q -o stopped.jsonl in2.fifo 2>err.txt &
pid=$!
for _ in $(seq 200); do [ -n "$(find tmp -type f -size +0 2>/dev/null)" ] && break; sleep 0.05; done
kill -INT $pid
# (a program that goes on waiting for the FIFO is let go: the test must end)
for _ in $(seq 200); do kill -0 $pid 2>/dev/null || break; sleep 0.05; done
touch go
reap $writer
wait $pid
rc=$?
check "SIGINT while copying a FIFO exits 130 (got $rc)" test $rc -eq 130
check "the message names the copy ($(head -c 200 err.txt))" grep -q "interrupted while copying in2.fifo" err.txt
check "no output, temporary or copy is left" test -z "$(ls tmp; ls | grep stopped.jsonl)"
# During the first pass (a big input, the signal at once): whatever stage
# the signal meets, it is named, and never as "0 articles read".
"$PYTHON" -c "
import json
with open('big.jsonl', 'w') as f:
    for i in range(60000):
        f.write(json.dumps({'id': i, 'text': 'word%d ' % (i % 977) * 80}) + '\n')"
"$BIN" cluster -q --threads 1 -o big_out.jsonl big.jsonl 2>err.txt &
pid=$!
sleep 0.2
kill -INT $pid
wait $pid
rc=$?
if [ $rc -eq 0 ]; then
  skip "the run ended before the signal: stage message not seen"
else
  check "SIGINT exits 130 (got $rc)" test $rc -eq 130
  check "the stop names its stage ($(head -c 200 err.txt))" \
    grep -Eq "interrupted (during the first pass|before the second pass read any article|after [1-9][0-9]* articles read|while)" err.txt
  check "never '0 articles read'" test -z "$(grep 'after 0 articles read' err.txt)"
fi

# ---- wiredup-mpi: the same paths ----
MPI_BIN=$(dirname "$BIN")/wiredup-mpi
if [ -x "$MPI_BIN" ] && command -v mpirun >/dev/null; then
  # (Open MPI's own allocations are never freed: no leak check on them)
  mpi() { ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 OMP_NUM_THREADS=1 timeout 120 mpirun --allow-run-as-root --oversubscribe --bind-to none \
            -np 2 "$MPI_BIN" cluster -q "$@"; }
  rm -f in.fifo && mkfifo in.fifo
  cat good.jsonl >in.fifo &
  writer=$!
  mpi in.fifo >got.jsonl 2>err.txt
  check "mpi: a named FIFO as FILE gives the plain output" same_as_want got.jsonl
  reap $writer
  cat good.jsonl | mpi /dev/stdin >got.jsonl 2>err.txt
  check "mpi: /dev/stdin on a pipe gives the plain output" same_as_want got.jsonl
  # mpirun passes the ranks no descriptor of the shell: refused by name
  expect_rc 2 "mpi: <(cmd) is refused" mpi <(cat good.jsonl)
  check "mpi: the message says why" grep -q "descriptor of the shell" err.txt
  expect_rc 2 "mpi: -o >(cmd) is refused" mpi -o >(cat >/dev/null) good.jsonl
  expect_rc 2 "mpi: --rejects naming the input" mpi --on-error skip --rejects in.jsonl in.jsonl
  check "mpi: the input is untouched" cmp -s in.jsonl keep.jsonl
  expect_rc 2 "mpi: -o naming the input" mpi -o in.jsonl in.jsonl
  check "mpi: the input is untouched (-o)" cmp -s in.jsonl keep.jsonl
  rm -f target.jsonl && echo old >target.jsonl
  expect_rc 0 "mpi: -o on a symlink" mpi -o link.jsonl good.jsonl
  check "mpi: the symlink is kept, its target replaced" test -L link.jsonl
  check "mpi: the target has the output" same_as_want target.jsonl
  mpi -o /proc/self/fd/1 good.jsonl >via_proc.jsonl 2>err.txt
  check "mpi: -o /proc/self/fd/1 writes stdout" same_as_want via_proc.jsonl
  if [ $have_mknod = 1 ]; then
    expect_rc 0 "mpi: -o on a null device node" mpi -o nul good.jsonl
    check "mpi: the device node is still a character device" test -c nul
    expect_rc 1 "mpi: -o on a full device node" mpi -o full good.jsonl
  fi
else
  skip "wiredup-mpi not built or mpirun missing: MPI cases"
fi
finish
