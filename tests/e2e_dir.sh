#!/usr/bin/env bash
# A directory of scraped article files, shaped like shared/examples/: a
# first line "date YYYY-MM-DD SECTION", captions, boilerplate. The id is the
# relative path, the date line sets the date (earliest = representative).
. "$(dirname "$0")/lib.sh"

mkdir -p arts/voa arts/other
body() {
cat <<'T'
After two days of tense talks with his counterpart, the secretary of state said that despite their differences, there are places where the interests of the two nations intersect. On Saturday, the ministry acknowledged as much, a sign of possible progress.

In a dispatch from the summit city, the official news agency said the two governments would set up a working group on river pollution and fisheries.

The agency did not give any details about the working group but did say both sides discussed changing travel and visa policies and reopening consulates closed last year.

Last July, the former minister ordered the consulate in the port city to shut down, citing the persistent problem of espionage. The other side strenuously objected and later closed a consulate of its own.

The dispute over journalists began in February. Eventually both countries expelled several of each other's reporters and reduced the length of their visas to three months.
T
}
{ echo "date 2021-03-20 USA"; echo; echo "Talks End With a Working Group, Ministry Says"; echo; body; printf '\nRelated Stories\nMore Coverage\n'; } > arts/voa/a1.txt
{ echo "date 2021-03-19 World"; echo; echo "Working group agreed after tense talks"; echo; body | sed 's/ / /g; s/other'"'"'s/other’s/'; } > arts/other/copy.txt
{ echo "date 2021-03-18 Sports"; echo; echo "Harbour team wins the cup final in extra time before a record crowd at the national stadium on Sunday night"; } > arts/other/sport.txt
printf '\0binary\0junk' > arts/other/junk.bin

expect_rc 1 "binary file fails the run" "$BIN" cluster -q arts
check "binary file named with reason" has err.txt "arts/other/junk.bin: NUL byte"
rm arts/other/junk.bin
expect_rc 0 "directory input" "$BIN" cluster -q arts
check "ids are relative paths, sorted" test "$(cut -d, -f1 out.txt | tr '\n' ' ')" = '{"id":"other/copy.txt" {"id":"other/sport.txt" {"id":"voa/a1.txt" '
check "copy and original cluster; earliest date is representative" \
  has out.txt '{"id":"voa/a1.txt","cluster":"other/copy.txt",'
check "unrelated article alone" has out.txt '{"id":"other/sport.txt","cluster":"other/sport.txt","similarity":1.0000}'
head -n 12 arts/voa/a1.txt > arts/voa/a1-trimmed.txt
expect_rc 0 "trimmed copy" "$BIN" cluster -q arts
check "a copy cut from the bottom still joins (containment)" \
  has out.txt '{"id":"voa/a1-trimmed.txt","cluster":"other/copy.txt",'
gzip arts/voa/a1.txt
expect_rc 0 "gzipped article file" "$BIN" cluster -q arts
check "gzipped article file read transparently" has out.txt '{"id":"voa/a1.txt.gz","cluster":"other/copy.txt",'
finish
