#!/usr/bin/env bash
# The text layer end to end, on input shaped as the scraper writes it
# (../shared/examples/): a date line padded with a blank or opened by a
# byte-order mark sets the date (the earliest date is the representative),
# an impossible date on it is a rejected record naming the file, and HTML
# entities and tags left in the text (article files and JSON alike) do not
# hide a copy.
. "$(dirname "$0")/lib.sh"

body() {
cat <<'T'
After two days of tense talks with his counterpart, the secretary of state said that despite their differences, there are places where the interests of the two nations intersect. On Saturday, the ministry acknowledged as much, a sign of possible progress.

In a dispatch from the summit city, the official news agency said the two governments would set up a working group on river pollution and fisheries.

The agency did not give any details about the working group but did say both sides discussed changing travel and visa policies and reopening consulates closed last year.

Last July, the former minister ordered the consulate in the port city to shut down, citing the persistent problem of espionage. The other side strenuously objected and later closed a consulate of its own.
T
}
# The same story with its page's markup left in: every paragraph in a <p>,
# links around a few words, quotes and dashes as entities.
html_body() {
  body | sed -e 's|^\(..*\)$|<p class="story-body">\1</p>|' \
             -e 's|working group|<a href="/x">working group</a>|' \
             -e "s|'|\&#8217;|g; s| the | the\&nbsp;|; s|, |\&nbsp;\&mdash; |"
}

mkdir -p arts/voa arts/other
{ echo " date 2021-03-20 USA"; echo; echo "Talks End With a Working Group"; echo; body; } > arts/voa/a1.txt
{ printf '\357\273\277'; echo "date 2021-03-21 World"; echo; echo "Working group agreed"; echo; html_body; } > arts/other/copy.txt
expect_rc 0 "padded and BOM date lines" "$BIN" cluster -q arts
check "the markup copy joins the padded original" \
  has out.txt '{"id":"other/copy.txt","cluster":"voa/a1.txt",'
check "the padded date line is read (the earlier date represents)" \
  has out.txt '{"id":"voa/a1.txt","cluster":"voa/a1.txt",'

printf 'date 2021-13-45 USA\n\nA story with an impossible date line.\n' > arts/other/bad.txt
expect_rc 1 "an impossible date fails the run" "$BIN" cluster -q arts
check "... naming the file and the date" has err.txt "arts/other/bad.txt: impossible date 2021-13-45 on the date line"
expect_rc 0 "an impossible date under --on-error skip" "$BIN" cluster -q --on-error skip --rejects rej.txt arts
check "... is a reject" has rej.txt '"other/bad.txt"'
check "... and not in the output" sh -c '! grep -q bad.txt out.txt'
rm arts/other/bad.txt

# JSON text: the same story with and without markup (links around a few
# words every sentence or so, as a page has them), and a different one.
"$PYTHON" - "$(body)" > in.jsonl <<'PY'
import json, re, sys
clean = sys.argv[1]
def page(par):
    w = par.split(" ")
    for i in range(len(w) - 2, 0, -9):
        w[i] = '<a href="/x">' + w[i] + " " + w.pop(i + 1) + "</a>"
    return '<p class="story-body">' + " ".join(w).replace("'", "&#8217;") + "</p>"
html = "\n".join(page(p) if p else p for p in clean.split("\n"))
print(json.dumps({"id": "clean", "text": clean}))
print(json.dumps({"id": "html", "text": html}))
print(json.dumps({"id": "other", "text": "A harbour team won the cup final in extra time before a record crowd at the national stadium on Sunday night, its first title in decades."}))
PY
expect_rc 0 "JSON with markup" "$BIN" cluster -q in.jsonl
# (undated: the longer text, the one with markup, represents)
check "the markup copy joins its clean twin" has out.txt '{"id":"clean","cluster":"html",'
check "the other story stays alone" has out.txt '{"id":"other","cluster":"other",'
finish
