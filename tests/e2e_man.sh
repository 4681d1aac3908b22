#!/usr/bin/env bash
# The man page (scripts/man.sh, built as wiredup.1 beside the program) says
# exactly what --help says: each help text comes back word for word from
# the page's roff, and the page renders without a warning.
. "$(dirname "$0")/lib.sh"

check "man.sh writes a page" bash "$SRC/scripts/man.sh" "$BIN"
bash "$SRC/scripts/man.sh" "$BIN" > wiredup.1 2>man.err || fail "man.sh: $(cat man.err)"

# The page's verbatim blocks, unescaped, one file per section.
"$PYTHON" - wiredup.1 <<'PY' || fail "page blocks could not be read"
import re, sys
sec, blocks, cur, inside = None, {}, [], False
for line in open(sys.argv[1], encoding="utf-8").read().split("\n"):
    if line.startswith(".SH"):
        sec = line[3:].strip().strip('"')
    elif line == ".nf":
        inside, cur = True, []
    elif line == ".fi":
        inside = False
        blocks[sec] = cur
    elif inside:
        line = re.sub(r"^\\&", "", line)
        line = line.replace("\\-", "-").replace("\\e", "\\")
        cur.append(line)
for name, lines in blocks.items():
    with open("block-" + name.replace(" ", "_"), "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
PY

"$BIN" --help > help-main.txt
check "the page's description is 'wiredup --help'" cmp -s help-main.txt block-DESCRIPTION
commands=$(awk '/^Commands:/ {on = 1; next} on && NF == 0 {exit} on {print $1}' help-main.txt)
n=0
for c in $commands; do
  n=$((n + 1))
  "$BIN" "$c" --help > "help-$c.txt"
  up=$(echo "$c" | tr a-z A-Z)
  check "the page's WIREDUP $up section is 'wiredup $c --help'" cmp -s "help-$c.txt" "block-WIREDUP_$up"
done
check "four commands on the page (cluster eval index dedup)" [ "$n" -eq 4 ]

if command -v groff >/dev/null; then
  groff -man -Tutf8 -ww -z wiredup.1 2>groff.err
  check "groff renders the page without warnings" [ ! -s groff.err ]
else
  skip "groff not installed: the page's rendering was not checked"
fi
# The build's copy, when there is one, is this page.
built=$(dirname "$BIN")/wiredup.1
if [ -f "$built" ]; then
  check "the built wiredup.1 is up to date" cmp -s wiredup.1 "$built"
fi
finish
