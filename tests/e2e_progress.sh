#!/usr/bin/env bash
# The progress line on stderr: WIREDUP_PROGRESS=1 forces it on a pipe (as
# on a terminal) and it then covers every stage (first pass, reading,
# bucketing, verification, representatives, stories); stdout is the same
# bytes with or without it and for any thread count; messages (a rejected
# record, the summary) are never glued to it, and it is erased at the end;
# -q and WIREDUP_PROGRESS=0 turn it off, and a pipe gets none by default.
. "$(dirname "$0")/lib.sh"

"$PYTHON" - <<'P'
import json, random
r = random.Random(5)
vocab = ["w%d" % i for i in range(3000)]
def text(seed, n=80):
    g = random.Random(seed)
    # Two texts share an event: its names (capitalised, said twice) make
    # the heaviest story terms, so stories have candidate pairs to merge.
    e = random.Random(10000 + seed // 2)
    names = " ".join("Nm%d" % e.randrange(3000) for _ in range(8))
    return ("The " + names + " and " + names + " " +
            " ".join(g.choice(vocab) for _ in range(n)) + ".")
with open("in.jsonl", "w") as f:
    for i in range(4500):  # two batches of records: the reject is in the second
        base = text(i // 3)  # three copies of every text, lightly edited
        words = base.split()
        words[r.randrange(len(words))] = "edit%d" % i
        f.write(json.dumps({"id": i, "date": "2024-05-%02d" % (1 + i % 9),
                            "text": " ".join(words)}) + "\n")
        if i == 4300:
            f.write('{"id": "broken", "text": \n')  # a rejected record
P

run() { # run NAME ENV... -- ARGS: stdout to NAME.out, stderr to NAME.err
  local name=$1; shift
  local envs=()
  while [ "$1" != "--" ]; do envs+=("$1"); shift; done; shift
  env -u WIREDUP_PROGRESS "${envs[@]}" "$BIN" cluster --stories --on-error skip "$@" in.jsonl \
    >"$name.out" 2>"$name.err"
  echo $? >"$name.rc"
}
run plain   WIREDUP_PROGRESS=0 -- -t 1
run forced  WIREDUP_PROGRESS=1 -- -t 1
run forced4 WIREDUP_PROGRESS=1 -- -t 4
run pipe    -- -t 2
run quiet   WIREDUP_PROGRESS=1 -- -t 2 -q

for n in plain forced forced4 pipe quiet; do
  check "$n: exit 0" grep -qx 0 "$n.rc"
done
check "stdout has every good record" test "$(wc -l <plain.out)" -eq 4500
check "stdout identical with progress" cmp -s plain.out forced.out
check "stdout identical with progress on 4 threads" cmp -s plain.out forced4.out
check "stdout identical on a plain pipe" cmp -s plain.out pipe.out
check "stdout identical under -q" cmp -s plain.out quiet.out

for stage in "first pass: " "reading: " "bucketing" "verifying candidate pairs" \
             "choosing representatives" "stories: indexing" "stories: merging"; do
  check "forced progress shows '$stage'" has forced.err "wiredup: $stage"
  check "forced progress on 4 threads shows '$stage'" has forced4.err "wiredup: $stage"
done
cr=$(printf '\r')
check "no progress when WIREDUP_PROGRESS=0" sh -c "! grep -q '$cr' plain.err"
check "no progress on a pipe by default" sh -c "! grep -q '$cr' pipe.err"
check "no progress under -q" sh -c "! grep -q '$cr' quiet.err"
check "-q: nothing but the rejected record" test "$(grep -c . quiet.err)" -eq 1

# What a terminal would show: each line as left after its last carriage
# return, without the erase-line codes. It must be the plain run's stderr
# (the timings aside): the rejected record and the summary on lines of
# their own, and no progress left behind.
render() {
  "$PYTHON" -c '
import re, sys
data = open(sys.argv[1], "rb").read().decode()
assert data.endswith("\n"), "stderr does not end a line"
for line in data.split("\n")[:-1]:
    shown = line.split("\r")[-1].replace("\x1b[K", "")
    if "seconds:" in shown or re.search(r"stories \(", shown):
        shown = re.sub(r"[0-9.]+ s", "T s", re.sub(r"[0-9]+\.[0-9]+", "T", shown))
    print(shown)
' "$1"
}
render plain.err >plain.shown
render forced.err >forced.shown
render forced4.err >forced4.shown
check "stderr renders as without progress (1 thread)" cmp -s plain.shown forced.shown
check "stderr renders as without progress (4 threads)" sh -c \
  "sed 's/(1 threads)/(N threads)/' plain.shown >a; sed 's/(4 threads)/(N threads)/' forced4.shown >b; cmp -s a b"
check "the rejected record is reported" has plain.shown "^wiredup: in.jsonl:4302: "
finish
