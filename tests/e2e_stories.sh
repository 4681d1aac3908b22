#!/usr/bin/env bash
# Boilerplate and stories through the command line: one site's footers do
# not make its articles copies, one story under two sites' boilerplate is
# still one cluster; stories group same-event write-ups and the date window
# keeps events apart in time; every cluster lies inside one story.
. "$(dirname "$0")/lib.sh"

"$PYTHON" - <<'P'
import json, random
r = random.Random(3)
words = ("harbor council budget storm river school bridge vote court ferry station market "
         "railway museum stadium clinic factory airport library orchard mayor judge union").split()
def para(seed, n=40):
    g = random.Random(seed)
    return " ".join(g.choice(words) + str(g.randrange(1000)) for _ in range(n)) + "."
def site(name, body):
    head = "%s | Home | World | Business | Sports | Opinion | Weather" % name
    foot = ("Related Stories\nMore coverage from the %s newsroom\nSubscribe to the %s newsletter\n"
            "Copyright 2024 %s. All rights reserved. Privacy policy | Terms of use") % (name, name, name)
    return head + "\n\n" + body + "\n\n" + foot
rows = []
# 30 unrelated short articles from one site (site A): all share A's boilerplate.
for i in range(30):
    rows.append({"id": "a%02d" % i, "source": "Site A", "date": "2024-03-01",
                 "text": site("Site A", para(1000 + i, 25))})
# One story published by site A and, copied, by site B with B's boilerplate.
story = "\n\n".join(para(7 + k) for k in range(5))
rows.append({"id": "story-a", "source": "Site A", "date": "2024-03-02", "text": site("Site A", story)})
rows.append({"id": "story-b", "source": "Site B", "date": "2024-03-03", "text": site("Site B", story)})
# Site B needs enough articles for its boilerplate to be counted.
for i in range(15):
    rows.append({"id": "b%02d" % i, "source": "Site B", "date": "2024-03-01",
                 "text": site("Site B", para(2000 + i, 25))})
with open("sites.jsonl", "w") as f:
    for x in rows:
        f.write(json.dumps(x) + "\n")

# Stories: two events of one kind (two fires), each written up differently by
# three outlets; plus the first event's names again, 40 days later.
def writeup(seed, names, place, toll):
    # Each outlet writes its own sentences around the same facts.
    g = random.Random(seed)
    filler = lambda n: " ".join(g.choice(words) + str(g.randrange(100)) for _ in range(n))
    facts = ["%d workers died when fire swept the %s warehouse in %s." % (toll, place, names[0]),
             "Fire chief %s led crews from %s." % (names[1], names[2]),
             "%s General Hospital treated %d people, %s said." % (names[0], toll + 7, names[3])]
    g.shuffle(facts)
    return " ".join(f + " " + filler(25) + "." for f in facts)
e1 = ["Brindlemoor", "Ostrava Quell", "Tannick Vale", "Doria Fenwright"]
e2 = ["Castellune", "Marek Ivodin", "Pell Harbour", "Sunniva Roake"]
st = []
for k in range(3):
    st.append({"id": "e1-%d" % k, "date": "2024-05-0%d" % (1 + k), "text": writeup(10 + k, e1, "Kestrel", 12)})
    st.append({"id": "e2-%d" % k, "date": "2024-05-0%d" % (1 + k), "text": writeup(20 + k, e2, "Juniper", 31)})
st.append({"id": "late", "date": "2024-06-15", "text": writeup(99, e1, "Kestrel", 12)})
with open("stories.jsonl", "w") as f:
    for x in st:
        f.write(json.dumps(x) + "\n")
P

fields=(--source-field source --date-field date)
expect_rc 0 "cluster one site's articles" "$BIN" cluster "${fields[@]}" sites.jsonl
cp out.txt sites.out
check "articles sharing only a site's boilerplate stay apart" \
  test "$(grep -c '"id":"a[0-9]*","cluster":"a[0-9]*"' sites.out)" -eq 30
check "no unrelated article of site A joins another" \
  test "$(grep '"id":"a' sites.out | grep -vc '"id":"\(a[0-9]*\)","cluster":"\1"')" -eq 0
check "the same story under two sites' boilerplate is one cluster" \
  has sites.out '"id":"story-b","cluster":"story-a"'
check "summary counts boilerplate lines" has err.txt "boilerplate lines left out"

expect_rc 0 "without boilerplate removal" "$BIN" cluster -q "${fields[@]}" --boilerplate-min-docs 0 sites.jsonl
check "without removal, site A's short articles merge (why removal exists)" \
  test "$(grep '"id":"a' out.txt | grep -vc '"id":"\(a[0-9]*\)","cluster":"\1"')" -gt 0

printf '%s\n' "Site A | Home | World | Business | Sports | Opinion | Weather" \
  "Related Stories" "More coverage from the Site A newsroom" "Subscribe to the Site A newsletter" \
  "Copyright 2024 Site A. All rights reserved. Privacy policy | Terms of use" > known.txt
expect_rc 0 "--boilerplate-file alone" "$BIN" cluster -q "${fields[@]}" --boilerplate-min-docs 0 \
  --boilerplate-file known.txt sites.jsonl
check "known boilerplate file keeps site A's articles apart" \
  test "$(grep '"id":"a' out.txt | grep -vc '"id":"\(a[0-9]*\)","cluster":"\1"')" -eq 0
expect_rc 1 "missing --boilerplate-file" "$BIN" cluster -q --boilerplate-file nope.txt sites.jsonl

expect_rc 0 "stories" "$BIN" cluster -q --stories --date-field date stories.jsonl
cp out.txt st.out
story_of() { grep "\"id\":\"$1\"" st.out | sed 's/.*"story":"\([^"]*\)".*/\1/'; }
check "three write-ups of event 1 are one story" \
  test "$(story_of e1-0)" = "$(story_of e1-1)" -a "$(story_of e1-1)" = "$(story_of e1-2)"
check "three write-ups of event 2 are one story" \
  test "$(story_of e2-0)" = "$(story_of e2-1)" -a "$(story_of e2-1)" = "$(story_of e2-2)"
check "two events of one kind stay apart" test "$(story_of e1-0)" != "$(story_of e2-0)"
check "the window keeps an article 40 days later apart" test "$(story_of late)" != "$(story_of e1-0)"
check "write-ups are not near-duplicates of each other" \
  test "$(grep -c '"id":"\([a-z0-9-]*\)","cluster":"\1"' st.out)" -eq 7
expect_rc 0 "stories without a window" "$BIN" cluster -q --stories --window-days 0 --date-field date stories.jsonl
cp out.txt st.out
check "with no window, the late article joins its event" test "$(story_of late)" = "$(story_of e1-0)"

# Every near-duplicate cluster lies inside one story.
"$BIN" cluster -q --stories "${fields[@]}" sites.jsonl >both.out
check "clusters nest in stories" "$PYTHON" -c '
import json, sys
story = {}
for l in open("both.out"):
    d = json.loads(l)
    if story.setdefault(d["cluster"], d["story"]) != d["story"]:
        sys.exit(1)'
finish
