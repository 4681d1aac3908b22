#!/usr/bin/env python3
"""gen_corpus.py - labeled corpora of republished newswire copies for wiredup.

Writes articles (JSONL or scraped-style text files) plus a gold file that says
which articles are copies of the same original ("dup") and which report the
same event ("story").  Standard library only; output is fully determined by
--seed and the options (every random draw comes from random.Random seeded with
a string; nothing depends on hash(), the clock or the number of --jobs).

ORIGINALS
  --synthetic N  N stories composed by this script from its own templates and
                 invented vocabulary (places, people, companies, teams and
                 countries are built from syllables, with a middle syllable
                 of 42 (3 empty) from a stream of their own, so that at tens
                 of thousands of events a month two events share a town or a
                 surname about as rarely as real ones do; no text is taken
                 from anywhere).  12 event kinds (earthquake, storm, wildfire,
                 election, company earnings, court ruling, sports match,
                 protest, rescue, train derailment, plant closure, disease
                 outbreak): many originals share a kind, hence phrasing, but
                 have their own names, places and numbers.  Each original has
                 6-14 paragraphs of 1-3 sentences (about 1.5-4 KB); with
                 --target-bytes B extra paragraphs are generated until the
                 body has at least B bytes.  Every synthetic original is its
                 own event: story == dup.
  --ecb PATH     each line of an ECB+ style JSONL (doc_id, subtopic, text; text
                 tokenised, one sentence a line) is one original.  Text is
                 detokenised (" ," " ." " 's" " n't" `` '' " - " " : " ...);
                 a leading headline line becomes the title (else the title is
                 cut from the first sentence); short date/time lines are
                 dropped; sentences are grouped into paragraphs of 1-3; the
                 dateline city is invented.  story = subtopic.

PUBLICATION (originals and copies)
  Every original gets a wire (60% AP, 40% Reuters style), a dateline city, 2
  reporters, a date (--start-date + 0..29 days) and a publishing outlet drawn
  from 12 invented outlets.  Each outlet has a fixed house style: curly or
  straight quotes, em dash / "--" / " - " / en dash, ellipsis char or "...",
  non-breaking spaces (U+00A0) after "Mr."/"Dr."/numbers, two spaces after a
  sentence, title case or sentence case headlines.  An original is printed
  with its dateline ("CITY (AP) — " or "CITY, Month Day (Reuters) - "), byline
  and its outlet's typography; it gets boilerplate only with --boilerplate.

COPIES (edit model)
  An original gets no copy with probability --p-zero (default 0.3), else C
  copies, C uniform in 1..--max-copies (default 4): mean 1.75 copies per
  original, 2.75 articles per story.  Each copy is published by an outlet
  other than the original's (distinct outlets within a story unless 4 draws
  fail) and dated 0/1/2/3 days after the original with P = .45/.30/.12/.08,
  else (5%) 4-10 days.  Edits, in the order applied:
   1. headline: synthetic stories: 50% a fresh headline from the kind's
      templates with the same facts; otherwise (and always for ECB) the
      original headline with 1 (60%) or 2 rewrites, each one of: synonym swap
      (30%), drop an article/droppable adjective (15%), swap the clauses
      around ": " "; " ", " " - " (20%), a prefix "UPDATE 2-", "WATCH: ",
      "BREAKING: ", "CITY: " ... (17%), or a new headline cut from the first
      sentence (18%, 6-11 words).  Then the outlet's case style.
   2. cut from the bottom: 35% keep every paragraph, else keep
      max(min(3, n), ceil(n * U(0.6, 1.0))) of the n paragraphs.
   3. 30%: merge two adjacent paragraphs (only if more than 3); then,
      independently, 30%: split a paragraph of 2+ sentences at a sentence
      boundary.
   4. 0-3 word edits (uniform count), each in a random sentence of 6+ words:
      50% synonym substitution from a fixed list (said->added/stated, about->
      around, more than->over, killed->left dead, officials->authorities...),
      30% deletion of a droppable word (also, very, nearly, several, local,
      new, major...), 20% insertion of also/now/reportedly/still before a
      verb (said, was, had, will...); an edit with no candidate falls through
      to the next kind.
   5. dateline: 90% of copies keep one, in one of the wire's two forms
      (AP "CITY (AP) — " / "CITY, Country (AP) — "; Reuters
      "CITY, Month Day (Reuters) - " / "CITY, Country, Month Day (Reuters) - ",
      the original's date); Reuters stories end with "Reporting by ...;
      Editing by ..." (kept by 70% of copies).
   6. typography of the copy's outlet on title and body: curly or straight
      quotes and apostrophes (10% of articles get the other style), the
      outlet's em-dash form (" — ", " -- ", " - ", " – "), ellipsis char or
      "...", U+00A0 after Mr./Dr./numbers (some outlets, per article
      probability), two spaces after sentences (some outlets).
   7. --noise P (copies only): OCR-like noise on the body (dateline,
      paragraphs, trailer; not boilerplate): at each character independently
      with probability P: look-alike substitution (rn->m, m->rn, l->1, O->0,
      o->0, e->c, c->e, i->l, h->b, S->5, d->cl, w->vv...; other letters a
      random letter) 40%, drop 20%, doubling 15%, a space inserted after it
      or, on a space, the space removed 25%.  Newlines are never touched.
   8. page furniture: byline in the outlet's format ("By NAME, Associated
      Press", "By NAME | Reuters", "NAME" newline "Reuters", ...; 60% with a
      second reporter, 10% "By The Associated Press" / "Reuters Staff"); 40%
      an "Updated ..." / "Published ..." line in the outlet's format.  With
      boilerplate (copies by default; originals only with --boilerplate;
      nobody with --no-boilerplate), all fixed per outlet and pasted onto
      every article of that outlet: the header/navigation line(s) (always),
      a photo caption with the outlet's credit format (35%), a related block
      ("Related Stories", "RELATED:", "SEE ALSO" ...) with 2-4 headlines of
      OTHER stories (85%), the outlet's fixed 3-headline "Most Read" list
      (30%), its newsletter line (60%, 9 outlets) and its copyright footer
      (always).
  Edits draw from one random stream, boilerplate from a second and noise from
  a third, so runs that differ only in --noise / --boilerplate /
  --no-boilerplate have the same articles, ids, order and gold file.

OUTPUT
  --out FILE  JSONL {"id","title","date","source","text"}: id is an integer
              (about half, e.g. 100234) or a string ("ledger-2024-000123");
              text is the scraped page body: header, byline, caption, dateline
              + paragraphs, related block, footer, separated by blank lines
              ("\\n\\n").  Lines are shuffled (deterministically).
  --dir DIR   instead of --out: DIR/<outlet-slug>/<id>.txt with first line
              "date YYYY-MM-DD Section", a blank line, the title, a blank line,
              then the text.  Gold ids are then "outlet-slug/<id>.txt".
  --gold FILE JSONL {"id","dup","story","kind","role"[,"doc"]}: id of the
              same JSON type as in --out; dup ("d17") is shared by an original
              and all of its copies; story is the event (ECB subtopic; the dup
              label for synthetic); kind is the event kind (synthetic) or
              "t<topic>" (ECB); role is "original" or "copy"; doc (ECB only)
              is the doc_id of the ECB+ article the text comes from.
              ECB+ itself contains near-identical articles (one wire story on
              several sites): originals of one subtopic whose word-5-gram
              containment |A&B|/min(|A|,|B|) >= --ecb-merge (default 0.5) share
              one dup label, so a group may hold several originals.
"""

import argparse
import datetime
import json
import math
import os
import re
import sys
import time
from random import Random

# ---------------------------------------------------------------------------
# A tiny template language: "[a|b|]" picks one alternative (may be empty,
# may nest), "{slot}" looks a value up in the story context (a string or a
# callable taking the rng).

_TOK = re.compile(r"\[|\]|\||\{[a-zA-Z0-9_]+\}|[^\[\]|{]+|\{")


def compile_t(s):
    """Compile a template string to a node list: str, list of alternatives
    (each a node list) or a 1-tuple (slot name,)."""
    stack = [[[]]]  # stack of alternative lists; last alt is being filled
    for m in _TOK.finditer(s):
        t = m.group(0)
        if t == "[":
            stack.append([[]])
        elif t == "|":
            if len(stack) == 1:
                stack[-1][-1].append("|")
            else:
                stack[-1].append([])
        elif t == "]":
            alts = stack.pop()
            stack[-1][-1].append(alts)
        elif t.startswith("{") and t.endswith("}"):
            stack[-1][-1].append((t[1:-1],))
        else:
            stack[-1][-1].append(t)
    if len(stack) != 1:
        raise ValueError("unbalanced template: " + s)
    return stack[0][0]


def _expand(nodes, ctx, rnd, out):
    for n in nodes:
        t = type(n)
        if t is str:
            out.append(n)
        elif t is list:
            _expand(n[int(rnd() * len(n))], ctx, rnd, out)
        else:
            v = ctx[n[0]]
            out.append(v if type(v) is str else v())


def expand(nodes, ctx, rnd):
    out = []
    _expand(nodes, ctx, rnd, out)
    s = "".join(out)
    if "  " in s:
        s = _MULTISPACE.sub(" ", s)
    s = s.replace(" ,", ",").replace(" .", ".").replace(",.", ".").replace(",,", ",").strip()
    if s and s[0].islower():
        s = s[0].upper() + s[1:]
    return s


_MULTISPACE = re.compile(r" {2,}")


def C(*ts):
    return [compile_t(t) for t in ts]


# ---------------------------------------------------------------------------
# Invented vocabulary

FIRST = (
    "Aaron Abel Ada Adele Alba Alden Alma Amara Anders Anya Arlo Astrid Bea "
    "Bram Brina Caius Calla Cato Celia Cyrus Dara Davin Delia Dorian Edda Elio "
    "Elsa Emil Enzo Esme Ezra Faye Felix Fenna Flora Gideon Greta Hana Hugo "
    "Ida Ilan Imre Ines Ivo Jasper Jona Juno Kai Kaia Karel Kira Lars Lena Leni "
    "Levi Lia Linus Lior Lotte Luca Mara Marek Mila Milo Nadia Nell Nico Nina "
    "Noor Oren Orla Otto Pia Quinn Rafa Rhea Rina Roan Rosa Ruben Sanne Saul "
    "Selma Silas Soren Tamsin Teo Thea Tobin Una Vera Vida Wren Yara Yusuf Zara "
    "Zeno Amos Beata Corin Dalia Eamon Farah Goran Halle Iris Joss Keira Lukas "
    "Maren Niamh Odile Petra Rowan Sabine Tariq Ulla Vikram Willa Xavi Yves"
).split()
SUR_A = ("Ab Bar Cor Dal Ed Fair Gan Hol Ind Jas Kel Lam Mer Nash Or Pen Quil "
         "Rad Sten Tam Ur Vick Wal Yel Brom Cald Drey Esk Fol Grim Hask Ivers "
         "Jark Korv Lind Mald Norr Ost Pryd Rask Sund Thal Vold Wyn").split()
SUR_B = ("ley ton berg ski ova ez ani ford well sen ard ick mann elli ov ura "
         "ado sby wick holt stad rin ase ero").split()
PLACE_A = ("Ash Bren Cal Dun El Fen Gar Hal Ivo Kes Lor Mar Nor Ost Pel Quen "
           "Ros Sel Tor Ul Val Wen Yar Zel Brin Cor Dray Eld Frost Glen Hart "
           "Ingle Lark Mist Oak Red Stone Thorn").split()
PLACE_B = ("moor ford ton bridge haven vale port wick stead mouth field burg "
           "gate holm dale by ley cross wood brook").split()
PLACE_PRE = ["", "", "", "", "", "", "Port ", "New ", "San ", "Upper ", "East "]
PLACE_POST = ["", "", "", "", "", "", "", " Falls", " Springs", " Harbor"]
LAND_A = "Al Bel Cor Dra Est Fal Gor Hel Ir Jor Kal Lun Mor Nev Or Pra Ruv Sar Tal Ves Zan Quor".split()
LAND_B = "avia oria enia ara ovia esia undia emar ethia antia".split()
REGION_KIND = ["Province", "Region", "County", "State", "District"]
DISTRICTS = ["the old town", "the port district", "the northern suburbs",
             "the market quarter", "the hillside neighborhoods", "the city center",
             "the eastern outskirts", "the riverside district"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July",
          "August", "September", "October", "November", "December"]
NUMWORDS = ["no", "one", "two", "three", "four", "five", "six", "seven",
            "eight", "nine"]
OCCUPATIONS = ["teacher", "shopkeeper", "taxi driver", "nurse", "retired engineer",
               "student", "baker", "farmer", "mechanic", "office worker",
               "bus driver", "pharmacist", "carpenter", "waiter"]
COMPANY_SUF = ["Industries", "Holdings", "Systems", "Foods", "Energy", "Motors",
               "Pharmaceuticals", "Logistics", "Group", "Networks", "Materials"]
MASCOTS = ["Falcons", "Rovers", "Mariners", "Comets", "Wolves", "Harriers",
           "Pioneers", "Stags", "Kestrels", "Royals", "Miners", "Otters"]
PARTY_A = ["Progress", "Unity", "Liberty", "Renewal", "Labour", "Civic",
           "National", "Green", "Reform", "Citizens'"]
PARTY_B = ["Party", "Alliance", "Movement", "Front", "Union", "Coalition"]
CURRENCY = ["dollars", "crowns", "marks", "dinars", "florins"]
UNIVERSITY = ["University of {city2}", "{country} Institute of Technology",
              "{city2} State University", "National University of {country}"]


# Middle syllables of invented names.  Two syllables alone give 722 towns and
# 1,056 surnames: at 75,000 events a month every town then hosts dozens of
# unrelated events a week while staying as rare in the corpus as a small town
# (high idf), so different events share their most specific names far more
# often than real ones do.  A middle syllable (from a stream of its own, see
# NameRandom) makes the name spaces about 40 times larger.
NAME_MID = ("", "", "", "an", "el", "er", "in", "or", "ar", "en", "il", "ov", "am", "et", "is",
            "ul", "ad", "ir", "os", "un", "ab", "ed", "ig", "ol", "ut", "ev", "ash", "ber",
            "cor", "dar", "fen", "gil", "har", "kin", "lan", "mor", "nes", "pal", "ros", "tan",
            "vel", "wil")


class NameRandom(Random):
    """The stream of a synthetic chunk, with a second stream (names) for the
    middle syllables, so the main stream draws exactly what it drew before
    (same copies, edits, dates and outlets; only the names are new).
    renames maps each lengthened name back to its two-syllable form: the
    story's length test reads the text as it was, so it draws the same."""

    def __init__(self, seed, names_seed):
        super().__init__(seed)
        self.names = Random(names_seed)
        self.renames = {}


def _named(r, a, b):
    """a + b, with a middle syllable when r has a name stream."""
    names = getattr(r, "names", None)
    if names is None:
        return a + b
    m = names.choice(NAME_MID)
    if m:
        r.renames[a + m + b] = a + b
    return a + m + b


def _plain_len(r, s):
    """len(s) as the two-syllable names would make it."""
    n = len(s)
    for full, base in getattr(r, "renames", {}).items():
        k = s.count(full)
        if k:
            n -= k * (len(full) - len(base))
    return n


def _sur(r):
    a, b = r.choice(SUR_A), r.choice(SUR_B)
    return _named(r, a, b)


def _place(r):
    pre, a, b, post = r.choice(PLACE_PRE), r.choice(PLACE_A), r.choice(PLACE_B), r.choice(PLACE_POST)
    return pre + _named(r, a, b) + post


def _land(r):
    a, b = r.choice(LAND_A), r.choice(LAND_B)
    return _named(r, a, b)


class Person:
    __slots__ = ("first", "last", "role", "seen")

    def __init__(self, r, role):
        self.first = r.choice(FIRST)
        self.last = _sur(r)
        self.role = role
        self.seen = False

    def full(self):
        return self.first + " " + self.last


def _num(r, lo, hi):
    return str(r.randint(lo, hi))


def _small(r, lo, hi):
    n = r.randint(lo, hi)
    return NUMWORDS[n] if n < 10 and r.random() < 0.7 else str(n)


def _ordinal(n):
    suf = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return "%d%s" % (n, suf)


def _thou(n):
    return "{:,}".format(n)


# ---------------------------------------------------------------------------
# Event kinds.  Each kind: section, roles for P1 (authority), P2 (local/second
# official), P3 (witness/ordinary person), P4 (expert), a function making the
# kind's facts, and sentence pools.

QFORMS = C(
    '"{q}," {A} said.',
    '"{q}," said {A}.',
    '"{q}," {A} told reporters[| on {weekday}| in {city}].',
    '"{q}," {A} said in a statement.',
    '"{q}," {A} [told|said in an interview with] {paper}.',
    '{A} said: "{q}."',
    '"{q}," {A} said, adding that [more details would follow|the situation was changing quickly|officials would give an update later].',
)
QFORMS2 = C(  # a second sentence for a quote paragraph
    '"{q2}."',
    '"{q2}," {N} added.',
    '{N} said [the|] [authorities|officials] [would|planned to] [give another update|release more information|hold a news conference] [later|on {weekday2}|in the coming days].',
)
GENERIC_Q = C(
    "[Our thoughts are with|We are praying for] the families [affected|who have been affected]",
    "[It is too early|It's too soon] to [say|know] [exactly |]what [happened|went wrong|will happen next]",
    "We [will|are going to] [learn|take] [lessons|every lesson] from this",
    "[People|Residents] [deserve|need|want] [answers|clear information|to know what happens now]",
    "We [ask|urge] [everyone|people] to [stay calm|be patient|follow official advice]",
    "[This has been|It has been] [a very difficult|a long|an extraordinary] [day|week] for [everyone|all of us|this community]",
)
GENERIC_PAD = C(
    "[Officials|Authorities] [said|say] [they would|they will] [review|examine] [what happened|the response|the events of {weekday}] [and publish|before publishing] [a report|their findings] [within|in] {n_weeks} weeks.",
    "[The|A] [spokesperson|spokesman|spokeswoman] for the {agency} [declined|did not] [to comment|respond to requests for comment] [on|about] [the details|specific figures|the next steps].",
    "[Local|Regional] [media|newspapers|broadcasters] [reported|said] that [crowds|residents|onlookers] had gathered [near|outside] [the scene|city hall|the main square] [by|on] {weekday} [evening|afternoon|night].",
    "[The|This] [episode|event] [drew|has drawn] [attention|comment] [from|across] [neighboring|nearby] [countries|regions], [where|and] [officials|commentators] [said|noted] [they were|it was] [following|watching] [developments|the situation] [closely|carefully].",
    "{N4}, {R4}, said [it was|it is] [not unusual|rare|unusual] for [events like this|such events] to [happen|occur] [in {region}|at this time of year|without warning].",
    "[Several|A number of|Some] [lawmakers|opposition politicians|civic groups] [called for|demanded|urged] [an inquiry|an independent review|more transparency] [into|about] [the response|how decisions were made].",
    "[Figures|Numbers] [released|published] by the {agency} [on|late on] {weekday} [showed|suggested] [that |]{pad_num} [people|households|businesses] had been [affected|involved|contacted].",
    "[A|The] [hotline|help line|information center] [was set up|has been opened] [for|to help] [relatives|families|residents] [seeking|looking for] information, [officials|the {agency}] said.",
    "[Social media|Online] [posts|videos|images] [from|in] {city} [showed|appeared to show] [long lines|crowded streets|emergency vehicles] [on|along] [the main road|the waterfront|{street}].",
    "[The|That] [decision|announcement] [is expected|was expected|is likely] to [be discussed|come up] [at|during] [a meeting|a session] of the [regional|city|national] [council|assembly] [on|next] {weekday2}.",
    "[In|Across] {city}, [a city of|home to] [about |some |]{city_pop} people, [the mood|life] [on|by] {weekday} [was|seemed] [tense|subdued|uncertain][, residents said| as people waited for news|].",
    "[Reporters|Journalists] [allowed|taken] [near|to] the [scene|area] [on|late on] {weekday} [saw|described] [police tape|a heavy police presence|rows of emergency vehicles] and [small groups|knots] of [residents|onlookers] [talking quietly|watching from a distance].",
    "[Opposition|Some] [politicians|figures] [in {country}|in the capital] [were quick to|did not hesitate to] [criticize|question] [the authorities'|the government's] [handling|response], [while|although] [others|ministers] [urged|called for] [unity|patience|calm].",
    "[Insurers|Economists|Business groups] [said|estimated] [it was|it would be] [too early|difficult] to [put a figure on|estimate] the [cost|economic impact], [but|although] [early|initial] [estimates|assessments] [ran into|pointed to] [millions|tens of millions] of {currency}.",
    "[Church|Mosque|Community] [halls|centers] [in|around] {city} [opened their doors|stayed open late] [to|for] [people|families] [who needed|looking for] [a place to stay|food|a hot meal], [volunteers|organizers] said.",
    "{N4} said [the coming|the next few] [days|weeks] would [show|reveal|be decisive in showing] [whether|how far] [the response|the measures|officials] [had worked|went far enough|could be trusted].",
    "[An|A] [online|public] [fund|appeal] [set up|started] [by|for] [residents|local businesses|a community group] had [raised|collected] [more than |about |]{fund} {currency} by {weekday2}.",
    "The {agency} [has|had] [faced|come under] [criticism|scrutiny] [in the past|before] [over|for] [slow|patchy|confusing] [communication|responses], [and|but] [its|the] [director|chief] [said|insisted] [lessons had been learned|the agency was better prepared now].",
    "[Many|Some] [residents|shop owners|families] [in {district}|in the area] [said|told reporters] they [had not|had never] [received|seen] [any|an] [warning|official information] [before|until] [{weekday} morning|it was too late|the news broke].",
    "[By|Late on] {weekday2}, [traffic|life|business] [in|around] {city} [had|was] [largely|mostly|slowly] [returned to normal|getting back to normal], [though|but] [some|several] [roads|schools|offices] [remained|were still] [closed|shut].",
)


def _facts_quake(r, c):
    mag = r.randint(52, 78) / 10.0
    c["mag"] = "%.1f" % mag
    c["mag2"] = "%.1f" % (mag - r.randint(8, 18) / 10.0)
    c["mag3"] = "%.1f" % (r.randint(55, 80) / 10.0)
    c["dead"] = _num(r, 3, 400)
    c["injured"] = _num(r, 20, 2500)
    c["km"] = _num(r, 8, 120)
    c["depth"] = _num(r, 5, 70)
    c["secs"] = _num(r, 10, 60)
    c["homes"] = _thou(r.randint(40, 6000))
    c["displaced"] = _num(r, 2, 90)
    c["aftershocks"] = _num(r, 12, 160)
    c["outage"] = _num(r, 10, 400)
    c["past_dead"] = _thou(r.randint(50, 9000))
    c["aid"] = _num(r, 5, 300)


def _facts_storm(r, c):
    c["storm"] = r.choice(["Storm", "Cyclone", "Typhoon", "Hurricane", "Tropical Storm"]) + " " + r.choice(FIRST)
    c["wind"] = _num(r, 90, 260)
    c["rain"] = _num(r, 80, 600)
    c["dead"] = _num(r, 2, 90)
    c["outage"] = _thou(r.randint(20, 900) * 1000)
    c["evac"] = _thou(r.randint(5, 400) * 100)
    c["flights"] = _num(r, 30, 700)
    c["homes"] = _thou(r.randint(50, 9000))
    c["past_dead"] = _num(r, 5, 300)


def _facts_fire(r, c):
    a = r.choice(PLACE_A)
    c["fire"] = "the " + _named(r, a, "") + r.choice(["", " Ridge", " Canyon", " Creek", " Valley"]) + " Fire"
    c["hectares"] = _thou(r.randint(8, 900) * 100)
    c["contain"] = _num(r, 0, 65)
    c["evac"] = _thou(r.randint(2, 300) * 100)
    c["homes"] = _num(r, 12, 900)
    c["crews"] = _thou(r.randint(200, 4000))
    c["aircraft"] = _num(r, 6, 60)
    c["dead"] = _num(r, 2, 12)
    c["temp"] = _num(r, 34, 46)


def _facts_election(r, c):
    c["party1"] = "the " + r.choice(PARTY_A) + " " + r.choice(PARTY_B)
    c["party2"] = "the " + r.choice(PARTY_A) + " " + r.choice(PARTY_B)
    p1 = r.randint(380, 610) / 10.0
    c["pct1"] = "%.1f" % p1
    c["pct2"] = "%.1f" % max(10.0, 100 - p1 - r.randint(20, 250) / 10.0)
    c["turnout"] = "%.1f" % (r.randint(420, 860) / 10.0)
    c["seats"] = _num(r, 60, 210)
    c["seats_total"] = str(r.choice([150, 200, 240, 300, 350, 400]))
    c["office"] = r.choice(["president", "prime minister", "governor", "mayor"])
    c["votes"] = _thou(r.randint(40, 9000) * 1000)
    c["margin"] = _thou(r.randint(2, 900) * 100)


def _facts_earnings(r, c):
    a, b = r.choice(PLACE_A), r.choice(["ex", "ora", "iva", "on", "ant", "ium", "eva"])
    c["company"] = _named(r, a, b) + " " + r.choice(COMPANY_SUF)
    c["quarter"] = r.choice(["first", "second", "third", "fourth"])
    c["rev"] = "%d.%d" % (r.randint(1, 48), r.randint(0, 9))
    c["rev_prev"] = "%d.%d" % (r.randint(1, 48), r.randint(0, 9))
    c["eps"] = "%d.%02d" % (r.randint(0, 6), r.randint(0, 99))
    c["eps_est"] = "%d.%02d" % (r.randint(0, 6), r.randint(0, 99))
    c["chg"] = _num(r, 2, 38)
    c["shares"] = "%d.%d" % (r.randint(1, 19), r.randint(0, 9))
    c["jobs"] = _thou(r.randint(2, 80) * 50)
    c["product"] = r.choice(["chips", "trucks", "frozen meals", "wind turbines", "software subscriptions",
                             "medical devices", "steel", "phones", "fertilizer", "cloud services"])


def _facts_court(r, c):
    c["court"] = r.choice(["the {country} Supreme Court", "the {region} High Court",
                           "a federal appeals court in {city}", "the Constitutional Court",
                           "a district court in {city}"]).format(country=c["country"], region=c["region"], city=c["city"])
    c["vote"] = r.choice(["5-4", "6-3", "7-2", "4-3", "3-2", "unanimous"])
    c["law"] = r.choice(["a law restricting street protests", "a ban on short-term rentals",
                         "a new tax on imported fuel", "the government's water privatization plan",
                         "a rule requiring voter identification", "limits on campaign donations",
                         "a ban on fishing in coastal waters", "a law on data retention"])
    c["years"] = _small(r, 2, 25)
    c["fine"] = _thou(r.randint(5, 900) * 1000)
    c["days"] = _num(r, 3, 40)
    c["plaintiffs"] = _thou(r.randint(3, 400))


def _facts_sports(r, c):
    c["team1"] = _place(r) + " " + r.choice(MASCOTS)
    c["team2"] = _place(r) + " " + r.choice(MASCOTS)
    a = r.randint(1, 6)
    b = r.randint(0, a - 1)
    c["s1"], c["s2"] = str(a), str(b)
    c["minute"] = _ordinal(r.randint(51, 94))
    c["minute2"] = _ordinal(r.randint(3, 45))
    c["gap"] = _small(r, 1, 9)
    c["crowd"] = _thou(r.randint(80, 780) * 100)
    c["scorer"] = r.choice(FIRST) + " " + _sur(r)
    c["scorer2"] = r.choice(FIRST) + " " + _sur(r)
    c["stadium"] = r.choice(["{s} Arena", "{s} Park", "{s} Stadium", "the {s} Dome"]).format(s=_sur(r))
    c["comp"] = r.choice(["league", "cup", "championship", "regional cup", "premier division"])
    c["streak"] = _small(r, 3, 14)
    c["pts"] = _num(r, 18, 80)


def _facts_protest(r, c):
    c["crowd"] = _thou(r.randint(20, 900) * 100)
    c["arrests"] = _num(r, 4, 300)
    c["injured"] = _num(r, 2, 90)
    c["cause"] = r.choice(["rising fuel prices", "a proposed pension reform", "a new mining project",
                           "cuts to public transport", "the closure of a hospital", "a disputed election result",
                           "higher university fees", "plans for a new airport", "a curfew"])
    c["days"] = _small(r, 2, 20)
    c["square"] = r.choice(["Liberty Square", "the central square", "Republic Avenue", "the parliament building",
                            "Harbor Square", "the city hall", "Station Square"])


def _facts_rescue(r, c):
    c["trapped"] = _small(r, 2, 33)
    c["site"] = r.choice(["a flooded cave", "a collapsed coal mine", "a stranded ferry", "a collapsed tunnel",
                          "a mountain ravine", "an ice floe", "a gold mine shaft"])
    c["days"] = _small(r, 2, 18)
    c["depth"] = _num(r, 40, 700)
    c["rescuers"] = _num(r, 60, 1200)
    c["kid_age"] = _num(r, 9, 17)


def _facts_derail(r, c):
    c["cars"] = _small(r, 3, 24)
    c["passengers"] = _num(r, 80, 900)
    c["dead"] = _num(r, 2, 40)
    c["injured"] = _num(r, 5, 250)
    c["speed"] = _num(r, 60, 190)
    c["line"] = "the " + _place(r) + "-" + _place(r) + " line"
    c["cargo"] = r.choice(["vinyl chloride", "crude oil", "grain", "ammonia", "coal", "timber"])
    c["operator"] = r.choice(PLACE_A) + r.choice(["rail", " Rail", " Railways", " Express"])


def _facts_plant(r, c):
    a, b = r.choice(PLACE_A), r.choice(["ex", "ora", "iva", "on", "ant", "ium"])
    c["company"] = _named(r, a, b) + " " + r.choice(COMPANY_SUF)
    c["jobs"] = _thou(r.randint(12, 400) * 10)
    c["product"] = r.choice(["car parts", "paper", "glass bottles", "batteries", "textiles", "cement", "tires"])
    c["year_open"] = _num(r, 1952, 2009)
    c["chg_pct"] = _num(r, 15, 60)
    c["months"] = _small(r, 3, 18)
    c["invest"] = _num(r, 20, 900)


def _facts_outbreak(r, c):
    c["disease"] = r.choice(["cholera", "measles", "dengue fever", "a mystery respiratory illness",
                             "hepatitis A", "a norovirus strain", "meningitis", "mpox"])
    c["cases"] = _thou(r.randint(12, 9000))
    c["dead"] = _num(r, 1, 120)
    c["clinics"] = _num(r, 4, 80)
    c["doses"] = _thou(r.randint(5, 900) * 1000)
    c["weeks"] = _small(r, 2, 12)


KINDS = {}


def kind(name, section, roles, facts, **pools):
    d = {"name": name, "section": section, "roles": roles, "facts": facts}
    for k, v in pools.items():
        d[k] = C(*v)
    KINDS[name] = d


kind("earthquake", "World",
     ["a spokesperson for the {agency}", "the mayor of {city}",
      "a {age}-year-old {occupation} in {city}", "a seismologist at the {university}"],
     _facts_quake,
     headline=[
         "[Strong|Powerful|Magnitude {mag}] [earthquake|quake] [strikes|hits|shakes] {region}[, killing at least {dead}|; at least {dead} dead|]",
         "[At least |]{dead} [killed|dead] as [quake|earthquake] [rocks|jolts] {city}",
         "Rescuers [search|dig] for survivors after {country} [earthquake|quake]",
         "{mag}-magnitude quake [topples|damages] [buildings|homes] in {region}",
         "Death toll [rises|climbs] to {dead} after [earthquake|quake] in {city}"],
     lede=[
         "A [powerful|strong|shallow] [magnitude {mag} |]earthquake [struck|hit|shook] {region} [on|early on|late on] {weekday}, [killing at least {dead} people|leaving at least {dead} people dead] and [injuring|hurting] [more than |nearly |]{injured} [others|more], [officials|authorities|emergency officials] said.",
         "[At least |]{dead} people [were killed|died] and [hundreds|dozens] [more |]were [injured|hurt] when a magnitude {mag} [earthquake|quake] [rattled|struck] {city} [and surrounding towns|and nearby villages|] [on {weekday}|{weekday} morning|{weekday} night], [according to|said] the {agency}.",
         "The [ground|earth] [shook|heaved] for [nearly|about|more than] {secs} seconds [on|early] {weekday} as a magnitude {mag} earthquake [tore through|hit] {city}, [bringing down|toppling|collapsing] {homes} [homes|buildings|houses] and killing at least {dead} people."],
     detail=[
         "The [quake|earthquake|tremor] [was centered|struck|had its epicenter] about {km} [kilometers|miles] [north|south|east|west|northeast|southwest] of {city} at a depth of {depth} [kilometers|km], [the {agency} said|according to the {agency}].",
         "[Television|Local television|Broadcast] [footage|images] [showed|appeared to show] [residents|people|families] [digging|clawing|searching] through [rubble|debris|the wreckage] [with their bare hands|using shovels|as sirens wailed] [in|near] {district}.",
         "[Power|Electricity] [was cut|went out] to [about|roughly|some] {outage},000 [homes|households|customers], and [several|two|three] [roads|highways|bridges] [leading|running] [into|out of] {city} were [blocked|closed|damaged] by [landslides|fallen rocks|deep cracks].",
         "At least {aftershocks} aftershocks [followed|were recorded], the [strongest|largest] [measuring|of magnitude] {mag2}, [keeping|sending] [frightened|anxious] residents [out of their homes|in the streets|in open spaces] [overnight|through the night].",
         "{N1} said [the death toll|the number of dead|the toll] [could|was likely to|might] rise [as|because] [rescue teams|search crews] [reached|had not yet reached] [remote|isolated|mountain] villages [cut off|isolated] by [the quake|landslides].",
         "[Hospitals|Clinics] in {city} [were overwhelmed|struggled to cope|treated patients in parking lots], and the [regional|provincial] [health|hospital] [authority|department] [appealed|asked] for [blood donations|extra doctors|more supplies].",
         "[Schools|Offices|Government offices] [in|across] {region} [will remain|were ordered to remain|stayed] closed [until|through] {weekday2} [while|so] engineers [inspect|check|examine] [buildings|structures] for [damage|cracks].",
         "The {agency} [said|reported] {homes} [buildings|homes|structures] had been [destroyed|damaged|flattened] and [about|nearly|some] {displaced},000 people [had been|were] [displaced|left homeless|forced from their homes]."],
     quote=[
         "[We are|We're] [doing everything we can|working around the clock|using every resource we have] to [reach|find|get to] [people|anyone|those] [still trapped|who may still be trapped|under the rubble]",
         "[The priority|Our priority|The first priority] [now |right now |]is [saving lives|finding survivors|getting people out alive]",
         "[This is|It is] [the strongest|the worst|the most destructive] [earthquake|quake] [this region|{region}|our city] has [seen|felt] in [decades|a generation|{years_ago} years]",
         "We [need|urgently need] [tents|blankets|water], [medicine|doctors] and [heavy machinery|excavators|more rescuers]"],
     wquote=[
         "[Everything|The whole building|The house] [started shaking|began to shake|was moving] and [I|we] [ran|rushed] [outside|into the street] [with my children|in our pajamas|without shoes]",
         "[I have never felt|I've never felt|We have never felt] anything like it[. It went on and on| and I thought it would never stop|]",
         "[We lost|My family lost|We have lost] everything[. The house is gone|, our house, our shop|]"],
     background=[
         "{region} [sits|lies] [on|along|near] [a fault line|an active seismic fault|the boundary between two tectonic plates] and [is frequently hit by|regularly experiences|has a history of] [earthquakes|strong tremors].",
         "[In|Back in] {past_year}, a magnitude {mag3} [earthquake|quake] [near|in] {city2} [killed|claimed the lives of] [more than |about |]{past_dead} people.",
         "[Experts|Engineers|Critics] have [long |]warned that [many|older|most] buildings in {city} [were not built to withstand strong shaking|do not meet modern building codes|fall short of earthquake-resistant standards]."],
     next=[
         "[The government|{country}'s government|The president] [declared|announced] [a state of emergency|three days of mourning] [in|for] {region} and [promised|pledged] [aid|{aid} million {currency} in aid|support for rebuilding].",
         "[Neighboring|Several] [countries|governments] [offered|pledged] [search teams|rescue dogs|aid], and [the first|a] [team|plane] [was expected|was due] to [arrive|land] [on {weekday2}|later in the week]."])

kind("storm", "Weather",
     ["the head of the {agency}", "the governor of {region}",
      "a {age}-year-old {occupation} in {city}", "a meteorologist at the {university}"],
     _facts_storm,
     headline=[
         "{storm} [slams|batters|pounds] {region}[ with {wind} km/h winds|, {dead} dead|]",
         "[Thousands|Tens of thousands] [flee|evacuate] as {storm} [nears|approaches] {city}",
         "{storm} [leaves|knocks out] power [for|to] {outage} [homes|customers]",
         "[Flooding|Floods] [swamp|inundate] {city} after {storm} [makes landfall|hits]"],
     lede=[
         "{storm} [slammed into|made landfall near|tore across] {city} [on|late on|early] {weekday} with [winds|gusts] of up to {wind} [kilometers per hour|km/h], [flooding streets|tearing off roofs|uprooting trees] and [killing at least {dead} people|leaving at least {dead} dead], [officials|authorities] said.",
         "[More than|Nearly|About] {evac} people [were evacuated|fled their homes|moved to shelters] [along|on] the coast of {region} [as|before] {storm} [brought|dumped] [up to |more than |]{rain} [millimeters|mm] of rain [on {weekday}|over {weekday} and {weekday2}]."],
     detail=[
         "[Power|Electricity] [was knocked out|went out|was cut] to [about|more than|nearly] {outage} [homes|customers|households] [across|in] {region}, the [grid operator|utility|energy ministry] said[, and [repairs|full repairs] could take [days|a week]|].",
         "[The|{city}'s] airport [canceled|suspended|grounded] [about |more than |]{flights} flights, and [ferry|rail|bus] services [were halted|were suspended|stopped running] [until further notice|through {weekday2}].",
         "[Rivers|Several rivers|The {city} River] [burst their banks|overflowed|rose above flood levels], [submerging|swamping|cutting off] [low-lying|riverside|coastal] [neighborhoods|villages|farmland] [and stranding|and trapping|where] [residents|drivers|families] [on rooftops|in their cars|in upper floors].",
         "The {agency} [said|reported] {homes} [homes|houses|buildings] had been [damaged|destroyed|flooded], [most of them|many] in [the coastal|low-lying] [towns|areas] [south|north|east|west] of {city}.",
         "[Forecasters|Meteorologists|The weather service] [said|warned] the storm [would|was expected to] [weaken|lose strength|stall] [as it moved|while moving] [inland|north|over the mountains] but [could|would still] [bring|dump] [heavy rain|flash floods|landslides] [for days|through the weekend]."],
     quote=[
         "[Stay|Please stay|Residents must stay] [indoors|off the roads|away from the water] [until|while] the [storm passes|worst is over|warning is lifted]",
         "[The damage|What we are seeing] is [enormous|extensive|worse than we feared] [and it will take time|, and recovery will take months|]",
         "[Crews|Our teams|Utility workers] [will|are going to] [work through the night|keep working|not stop] [until|before] [power is restored|every road is cleared|everyone is safe]"],
     wquote=[
         "[The water|The flood] [came up|rose] [so fast|in minutes|faster than anyone expected] [and we|; we] [had to climb|escaped] [onto the roof|to the second floor|through a window]",
         "[The wind|The noise] was [terrifying|like a train|unbelievable][. Trees were falling everywhere|. Our windows exploded|]",
         "[We have|We've] [nothing left|lost the roof|lost our car and our crops][. We don't know where to go|]"],
     background=[
         "{storm} [is the|was the] [strongest|most powerful|deadliest] [storm|cyclone] to [hit|strike] {region} [since {past_year}|in more than {tens} years].",
         "[Scientists|Climate researchers] [say|have said] [warmer seas|rising ocean temperatures|a warming climate] [make|are making] [storms|cyclones] [wetter|stronger|more intense] and [allow them to intensify|help them strengthen] [more quickly|faster].",
         "[In|Back in] {past_year}, [a similar|a deadly] [storm|cyclone] [killed|left] [about |more than |]{past_dead} people [dead |][in|across] {region}."],
     next=[
         "[The government|Officials] [declared|said they would declare] [a state of emergency|a disaster area] in {region} [and deployed|and sent] [soldiers|troops|emergency teams] to [help clear debris|distribute food and water|help with evacuations].",
         "[Schools|Government offices] [in|across] {region} [will|would] [remain closed|stay shut] [on|until] {weekday2}, [the {agency} said|officials said]."])

kind("wildfire", "Environment",
     ["a spokesperson for the {agency}", "the fire chief in {city}",
      "a {age}-year-old {occupation} in {city}", "a fire scientist at the {university}"],
     _facts_fire,
     headline=[
         "[Wildfire|Fire|Blaze] [forces|prompts] [evacuation|evacuations] [of|in] {city}",
         "[Crews|Firefighters] [battle|fight] {fire} as [it|flames] [spread|spreads] [near|toward] {city}",
         "{fire} [burns|scorches|destroys] {homes} homes in {region}",
         "[Heat|Strong winds] [fan|drive] {fire}; {evac} [evacuated|told to leave]"],
     lede=[
         "[A fast-moving|A wind-driven|An out-of-control] wildfire [forced|prompted] the evacuation of [about |nearly |more than |]{evac} people [from|in] {city} [on|late on] {weekday} [as|while] [flames|the fire] [jumped|crossed] [a highway|a river|containment lines] [and destroyed|and burned] [at least |]{homes} [homes|houses|buildings].",
         "{fire} had [burned|scorched|blackened] [more than |about |]{hectares} hectares [of forest|of brush and forest|of land] [near|outside|north of] {city} by {weekday} and was [only |]{contain}% contained, [fire officials|the {agency}] said."],
     detail=[
         "[About|More than|Nearly] {crews} [firefighters|crews|personnel], [supported|backed] by {aircraft} [aircraft|helicopters and planes|water-dropping planes], [were|are] [battling|fighting] the [blaze|fire|flames] [on several fronts|in steep terrain|around the clock].",
         "[Temperatures|The temperature] [reached|climbed to|hit] {temp} degrees Celsius [on {weekday}|this week], and [gusts|winds] [of|up to] [60|70|80|90] [km/h|kilometers per hour] [pushed|drove|carried] [embers|sparks] [far ahead of|over|across] the [fire line|front|containment lines].",
         "[Smoke|Thick smoke|A haze of smoke] [covered|blanketed|hung over] {city}, and [health officials|the {agency}] [urged|told] [residents|people] [to stay indoors|to close their windows|to wear masks], and [schools were closed|outdoor events were canceled].",
         "[Authorities|Police|Investigators] [said|were] [investigating|trying to determine] [the cause of the fire|what started the blaze], [which|that] [began|broke out|started] [on|near] [a farm|a roadside|a campsite|power lines] [on|late on] {weekday}.",
         "[{dead} people|{dead} residents] [were|have been] [confirmed dead|killed], [and|while] [search teams|police] [were|are] [checking|searching] [burned|destroyed] [homes|properties] [for more victims|for anyone missing]."],
     quote=[
         "[This fire|The fire] is [moving|spreading] [faster than|quicker than|in ways] [we have seen|we expected|we can control] [in years|before|]",
         "[If you are told|When you are told|If we tell you] to [leave|go|evacuate], [leave immediately|do not wait|go now]",
         "[We|Crews] [made good progress|gained ground|held the line] [overnight|today], but [the wind|the weather] [could change that|is against us]"],
     wquote=[
         "[We|I] [only had|had just] [ten minutes|a few minutes|minutes] to [get out|grab what we could][. The sky was orange|. Everything else is gone|]",
         "[I watched|We watched] [our street|the hill|the house] [burn|go up in flames] [from the road|on the news|from the car]",
         "[You could|We could] [see|hear] the [flames|fire] [coming over the ridge|roaring] [and|.] [we just ran|We just drove]"],
     background=[
         "[The region|{region}] has [been hit by|endured|suffered] [a prolonged drought|months of drought|record heat] [that has|which has] left [forests|vegetation|grasslands] [tinder-dry|extremely dry|ready to burn].",
         "[Fire seasons|Wildfire seasons] in {region} have [become|grown] [longer|more severe|more destructive] [in recent years|over the past decade], [according to researchers at the {university}|scientists at the {university} say]."],
     next=[
         "[Evacuation orders|Warnings] [remained|would remain] in place [for|across] [several|a dozen|{n_weeks}] [towns|districts|communities], [officials|the {agency}] said, and [shelters|evacuation centers] [were opened|opened] in [schools|sports halls] [in|near] {city2}.",
         "[The|{country}'s] [government|interior ministry] [requested|asked for] [firefighting planes|help] from [neighboring countries|abroad], [and|while] [the army|soldiers] [was|were] [sent|deployed] to [help|assist] [with evacuations|crews on the ground]."])

kind("election", "Politics",
     ["the head of the {agency}", "a spokesperson for {party2}",
      "a {age}-year-old {occupation} who voted in {city}", "a political scientist at the {university}"],
     _facts_election,
     headline=[
         "{cand} [wins|claims victory in] {country} [presidential|general] [election|vote]",
         "{party1} [wins|takes] {seats} seats in [parliament|{country} vote]",
         "[Opposition|{party2}] [concedes|refuses to concede] after {country} [election|vote]",
         "{cand} [set to become|to be] {office} [after|as] [counting ends|results come in]"],
     lede=[
         "{cand} [won|claimed victory in|was declared the winner of] {country}'s [election|vote|runoff] [on|late on] {weekday} with {pct1}% of the vote, [according to [preliminary|official] results from the {agency}|[preliminary|official] results released by the {agency} showed].",
         "{party1} [won|secured|took] {seats} of the {seats_total} seats in [parliament|the national assembly] [in|at] [Sunday's|the weekend's|{weekday}'s] [election|vote], [putting|leaving] {cand} [on course|in position|poised] to become {office}."],
     detail=[
         "[Turnout|Voter turnout|Participation] was {turnout}%, the {agency} said, [up from|compared with|down from] [the previous election|{past_year}|four years ago].",
         "{rival}, [the candidate|who ran] for {party2}, [received|won|took] {pct2}% [of the vote|], [and|while] [smaller parties|independents] [shared|split] the rest.",
         "[Supporters|Crowds of supporters] [gathered|celebrated|danced] [outside|in front of] [the party headquarters|{party1}'s offices|{square_or_city}] [in|of] {city} [waving flags|honking car horns|setting off fireworks] [late into the night|as results came in].",
         "[Observers|International observers|Monitors] [from|sent by] [regional bodies|neighboring countries|civil society groups] said the vote [was|had been] [largely orderly|mostly peaceful|generally free] [but|, though they] [noted|reported] [long lines|scattered problems|delays] at [some|several] polling stations.",
         "{cand} [won|led] by [a margin of |]{margin} votes [out of|among] {votes} [cast|ballots counted], [making it|in] [one of the closest|the narrowest|a decisive] [races|contests|result] in [the country's history|decades|years]."],
     quote=[
         "[Tonight|Today], [the people|voters|{country}] [chose|voted for] [change|stability|a new direction][, and I will not let them down|]",
         "[I will be|I intend to be] [the {office} of all|a leader for every citizen|a {office} for everyone], [including|not only] [those who did not vote for me|my supporters]",
         "[We will|We are going to] [challenge|contest|review] [these results|the count] [in court|through every legal channel|]"],
     wquote=[
         "[I voted|We voted] for [change|jobs|lower prices][. We are tired of waiting|; that's all we want|]",
         "[I queued|I waited] for [two hours|three hours|most of the morning] [but|and] it was [worth it|important to vote|my duty]",
         "[Nothing|Not much] [will change|changes] [whoever wins|no matter who is in charge][, honestly|]"],
     background=[
         "{party1} [had been|was] in opposition [since {past_year}|for {n_weeks} years|for more than a decade], [and|after] [campaigned|ran] on [promises|a platform] to [cut living costs|fight corruption|create jobs|reform the police].",
         "[The campaign|The race] was [dominated|overshadowed|shaped] by [rising prices|unemployment|a corruption scandal|disputes over the budget] [and|as well as] [concerns about|debates over] [security|migration|energy bills]."],
     next=[
         "[Final|Official|Certified] results [are expected|will be announced|are due] [within|in] {n_weeks} weeks, and {cand} [is expected to be|would be] [sworn in|inaugurated] [in|on] {month_next}.",
         "[Coalition talks|Negotiations with smaller parties] [were expected to|will] [begin|start] [on|as early as] {weekday2}, [officials|party leaders] said."])

kind("earnings", "Business",
     ["the chief executive of {company}", "the company's chief financial officer",
      "an investor in {city}", "an analyst at {bank}"],
     _facts_earnings,
     headline=[
         "{company} [profit|earnings] [beats|tops|misses] [estimates|forecasts] [on|as] [strong|weak] {product} [demand|sales]",
         "{company} shares [jump|surge|slide|tumble] {shares}% after {quarter}-quarter [results|earnings]",
         "{company} [posts|reports] {chg}% [rise|drop] in {quarter}-quarter revenue",
         "{company} to cut {jobs} jobs as [sales|revenue] [slow|fall]"],
     lede=[
         "{company} [reported|posted|said it had] {quarter}-quarter revenue of ${rev} billion, [up|down] {chg}% from a year earlier, [as|because] [demand for its|sales of its] {product} [rose|slowed|recovered|weakened], the company said on {weekday}.",
         "Shares of {company} [rose|jumped|fell|slid] {shares}% in [early|late|after-hours] trading [on|] {weekday} after the [company|maker of {product}] [reported|posted] [earnings|a profit] of ${eps} per share [for the {quarter} quarter|in the {quarter} quarter], [above|below|compared with] analysts' [estimates|forecasts] of ${eps_est}."],
     detail=[
         "[Revenue|Sales|Net sales] [came in at|totaled|reached] ${rev} billion, [compared with|against|versus] ${rev_prev} billion [a year ago|in the same quarter last year|a year earlier].",
         "The company [said|announced] it [would|planned to] [cut|eliminate|shed] [about |some |]{jobs} jobs [as part of|under] [a cost-cutting plan|a restructuring|an efficiency program] [aimed at saving money|meant to protect margins|designed to lift profits].",
         "[The company|{company}] [raised|lowered|kept] its [full-year|annual] [outlook|forecast|guidance] [and said|, saying] [it expected|it sees] [demand|orders] [to stay strong|to weaken|to recover] [in the second half|next year|through the end of the year].",
         "[Analysts|Investors|Market watchers] had [expected|forecast|been looking for] [earnings of|a profit of] ${eps_est} [per share|a share], [according to|based on] [a poll of analysts|data compiled by {bank}|a survey]."],
     quote=[
         "[Demand|Customer demand] for our {product} [remained|stayed|was] [strong|resilient|solid] [this quarter|across all regions|despite higher costs]",
         "[We are|We're] [confident|optimistic|realistic] about [the rest of the year|our outlook|the second half][, but we are watching costs closely|]",
         "[These|The] [job cuts|changes] are [painful|difficult][ but necessary| decisions| but they will make us stronger]"],
     wquote=[
         "[The numbers|These results] were [better|worse] than [I|the market] expected[, especially on margins|, but the guidance matters more|]",
         "[I am|I'm] [holding|keeping] [my shares|the stock][ for now|; the long-term story is intact|]"],
     background=[
         "[{company}|The company], [based|headquartered] in {city}, [employs|has a workforce of] [about |more than |]{staff} people and [makes|sells|supplies] {product} [in|to] [more than {tens} countries|markets around the world].",
         "[Its shares|The stock] had [fallen|risen|gained|lost] [about |nearly |]{chg}% [this year|since January|over the past year] [before the results|ahead of the report]."],
     next=[
         "[The company|{company}] [will|is set to] [hold|host] [an investor day|its annual meeting|a call with analysts] [on|in] {month_next}, [when|at which] it [is expected to|will] [give|provide|outline] [more details|a new strategy|longer-term targets]."])

kind("court", "Courts",
     ["a lawyer for the plaintiffs", "the justice minister of {country}",
      "a {age}-year-old {occupation} who attended the hearing", "a law professor at the {university}"],
     _facts_court,
     headline=[
         "[Court|{court_cap}] [strikes down|upholds|blocks] {law}",
         "[Judges|Court] [rule|rules] {law} [unconstitutional|lawful] in {vote} [decision|vote]",
         "{defendant} [sentenced|jailed] [to|for] {years} years [in|over] [fraud|corruption|bribery] case",
         "[Top court|{court_cap}] [deals blow to|backs] government [over|on] {law}"],
     lede=[
         "{court_cap} [struck down|upheld|blocked] {law} [on|late on] {weekday}, [ruling|finding|deciding] in a {vote} [decision|vote] that [it|the measure] [violated|did not violate] [the constitution|citizens' rights|the right to a fair hearing].",
         "[A judge|{court_cap}] [on|] {weekday} [sentenced|jailed] {defendant}, [a former|the former] [{office_court}|official], to {years} years in prison [and ordered the defendant to pay|and imposed a fine of] {fine} {currency} [for|after a conviction for] [fraud|corruption|taking bribes|money laundering]."],
     detail=[
         "[The|In its] [ruling|decision], [which|that] [ran to|was] [more than |about |]{days}0 pages, [the majority|the judges|the court] [said|wrote|found] [that |]the government had [failed to justify|failed to show|not shown] [why|that] the [measure|law|restriction] was [necessary|proportionate].",
         "[The case|The lawsuit] was [brought|filed] by {plaintiffs} [residents|citizens|plaintiffs] [and|with] [civil liberties groups|a coalition of business owners|opposition lawmakers] [who|, who] [argued|said] [the|that the] [law|measure] [was|had been] [rushed through|passed without debate|discriminatory].",
         "[Prosecutors|The prosecution] had [sought|asked for|demanded] [a sentence of |]{years} years [and|, saying] [the defendant|{defendant_last}] had [abused|used] [public office|his position|her position] [to enrich|for the benefit of] [himself|herself|relatives|friends].",
         "[The trial|The hearing|Proceedings] [lasted|ran for|took] {days} [days|weeks], [and|during which] [more than |]{tens} witnesses [testified|gave evidence|appeared].",
         "[Dozens of|Several|A small group of] [supporters|protesters|relatives] [gathered|waited] [outside|in front of] the [courthouse|court building] [in|of] {city} [ahead of|before|for] the [ruling|verdict], [some|many] [holding|carrying] [signs|banners|flowers].",
         "[The judges|The majority|The court] [rejected|dismissed] [the government's|the state's|the defense's] [argument|claim] that [the|its] [case|measure] [served|protected] [public order|national security|the public interest]."],
     quote=[
         "[This|Today's] [ruling|decision] is [a victory|an important victory|a win] for [ordinary people|every citizen|the rule of law]",
         "[We|The government] [respect|will respect|disagree with] the [court's decision|ruling] [and will|but will|and we will] [study it carefully|consider an appeal|comply]",
         "[Nobody|No one] is [above the law|beyond the reach of the courts][, not even a minister|]"],
     wquote=[
         "[I came|We came] [to see|here to see] [justice done|what the judges would say][, and today we did|]",
         "[It took|It has taken] [years|too long] [to get here|for this day to come][, but it was worth it|]"],
     background=[
         "[The|That] [law|measure] was [passed|approved] [in {past_year}|{n_weeks} years ago] [despite|amid] [protests|objections|warnings] [from|by] [rights groups|the opposition|legal experts].",
         "[The|This] [case|verdict] [is|was] [one of several|among a series of] [high-profile|closely watched] [cases|trials] [involving|against] [officials|politicians] [in|from] {region} [in recent years|since {past_year}]."],
     next=[
         "[The defense|Lawyers for {defendant_last}|The government] [said|has said] [it|they] [would|will] [appeal|challenge the ruling] [within|in] the {days} days [allowed|permitted] [by law|under the rules]."])

kind("sports", "Sports",
     ["the {team1} coach", "the {team2} manager",
      "a {age}-year-old fan from {city}", "a former player turned commentator"],
     _facts_sports,
     headline=[
         "{team1} [beat|defeat|edge past] {team2} {s1}-{s2}[ to win the {comp}| in {comp} final|]",
         "{scorer} [scores twice|strikes late|stars] as {team1} [down|beat|see off] {team2}",
         "{team1} [extend|stretch] winning run to {streak} [games|matches] with {s1}-{s2} win",
         "{team2} [stunned|beaten|fall] {s2}-{s1} [at home|by {team1}|in {city}]"],
     lede=[
         "{scorer} [scored|struck|netted] in the {minute} minute [as|and] {team1} [beat|defeated|edged] {team2} {s1}-{s2} [on {weekday}|{weekday} night] [to reach the {comp} final|to go top of the {comp}|at {stadium}].",
         "{team1} [beat|defeated|overcame] {team2} {s1}-{s2} at {stadium} [on|] {weekday} [night|], [extending|stretching] their [unbeaten|winning] run to {streak} [games|matches] [in front of|before] [a crowd of |]{crowd} [fans|spectators]."],
     detail=[
         "{scorer2} [had put|put] {team1} ahead in the {minute2} minute [with|after] [a low shot|a header|a curling free kick|a penalty] [from|after] [a corner|a counterattack|a long pass], [before|and] {team2} [pushed|pressed] [for an equalizer|forward] [after the break|in the second half].",
         "{team2} [had|created] [the better chances|more of the possession|several chances] [early on|in the first half], [but|and] [their|the] [goalkeeper|striker|captain] [was|looked] [unlucky|wasteful|at fault] [when|as] [a shot|an effort] [hit the post|went wide|was saved].",
         "The [win|result|victory] [leaves|puts] {team1} on {pts} points [from {tens} games|after {tens} matches|], [ahead of|level with|behind] [their rivals|{team2}] [on goal difference|by {gap} points].",
         "[A crowd of|Some|About] {crowd} [fans|supporters|spectators] [watched|saw] the [match|game] [in|at] {stadium}, [where|and] [police|stewards] [reported|said there were] [no major incidents|a few arrests|minor scuffles]."],
     quote=[
         "[We|The boys|The players] [showed|had] [great character|real spirit|the right attitude] [today|tonight|after the break]",
         "[It was|That was] [a hard game|a tough match|not our best performance] but [we got the result|three points are three points|we kept going]",
         "[We|I] [have to|must] [look at ourselves|learn from this|do better] [before|ahead of] the next [game|match]"],
     wquote=[
         "[What a goal|What a night|Unbelievable][! I've waited|. We waited] [years|all season] for [this|a night like this]",
         "[I've been coming|I have come] here for {tens} years and [that was|this was] [one of the best games|the best game|a special night] [I've seen|ever]"],
     background=[
         "{team1} [were|had been] [bottom|near the bottom|in mid-table] of the {comp} [at|before] [the start of the season|Christmas|the winter break] [before|and then] [a run of|putting together] [good results|wins] [under|for] [their new coach|a new manager].",
         "[The two clubs|The teams|The sides] [last met|previously met|played each other] in {past_year}, [when|and] {team2} [won|beat {team1}] [{s1}-{s2}|on penalties|in extra time]."],
     next=[
         "{team1} [next play|travel to|face] {team3} [on|next] {weekday2}[, while {team2} host {team4}|]."])

kind("protest", "World",
     ["a police spokesperson in {city}", "an organizer with {movement}",
      "a {age}-year-old {occupation} who joined the march", "a sociologist at the {university}"],
     _facts_protest,
     headline=[
         "[Thousands|Tens of thousands] [march|protest|rally] in {city} [over|against] {cause}",
         "Police [fire tear gas|clash with protesters|detain {arrests}] in {city} [protest|demonstrations]",
         "{country} protests over {cause} [enter|reach] day {days}",
         "[Protesters|Demonstrators] [demand|call for] [resignations|changes] [as anger over {cause} grows|amid anger over {cause}]"],
     lede=[
         "[Tens of thousands of|Thousands of|About {crowd}] [protesters|demonstrators|people] [marched|rallied|took to the streets] [through|in] {city} [on|] {weekday} [to protest|against|in anger at] {cause}, [in one of the largest|in the biggest] [demonstrations|protests] [the country has seen in years|in {country} in a decade|in years].",
         "Police in {city} [fired tear gas|used water cannon|charged] [at|against] [protesters|demonstrators|crowds] [on|late on] {weekday} [as|after] [a march|a rally] [against|over] {cause} [turned violent|spilled into {square}|went into the night], and [at least |]{arrests} people were [arrested|detained]."],
     detail=[
         "[Protesters|Marchers|Demonstrators] [carried|waved] [banners|flags|placards] [reading|that read] \"[Enough is enough|Not in our name|Hands off our future]\" [and|as they] [chanted|sang|blew whistles] [outside|near|on their way to] {square}.",
         "[At least |]{injured} [people|police officers and protesters] were [injured|hurt|treated for injuries], [the city's|the] [health|emergency] [services|department] said, [including|among them] [several|two] [officers|journalists|people with burns].",
         "The protests [began|started|erupted] {days} [days|weeks] ago [after|when] the government [announced|approved|unveiled] [plans for|] {cause} [and|, and they] have [spread|grown|since spread] to [other cities|several towns|{city2} and other cities].",
         "[Shops|Businesses|Banks] [along the route|in the center] [were|had been] [boarded up|closed|shuttered], and [public transport|metro stations|several roads] [were|was] [closed|suspended|blocked] [for hours|through the afternoon]."],
     quote=[
         "[We|The people] [will not|won't] [stop|go home|give up] [until|unless] the government [listens|backs down|withdraws this plan]",
         "[The right to protest|Peaceful protest] [is|must be] [respected|protected][, but violence will not be tolerated|. Violence is not]",
         "[Officers|Our officers] [acted|responded] [with restraint|proportionately|professionally] [in|under] [difficult|very difficult] [circumstances|conditions]"],
     wquote=[
         "[I can't|I cannot|We can't] [afford|pay for] [food|rent|fuel] [anymore|any more][. Something has to change|]",
         "[I came|I'm here] [for my children|for my parents|because nobody listens to us]"],
     background=[
         "[The government|{country}'s government] has [said|argued|insisted] [that |]{cause} [is|was] [necessary|unavoidable|needed] [to|in order to] [balance the budget|meet its debts|modernize the economy].",
         "[Similar|Smaller|Earlier] [protests|demonstrations] [over|against] [living costs|government spending|corruption] [in|during] {past_year} [forced|led] [a minister|the prime minister|the cabinet] to [resign|step down]."],
     next=[
         "[Organizers|Union leaders|Protest groups] [called for|announced|planned] [a general strike|another march|more demonstrations] [on|for] {weekday2} [and|,] [said|vowing] [they would|to] [keep up the pressure|continue until the plan was dropped]."])

kind("rescue", "World",
     ["the head of the rescue operation", "the governor of {region}",
      "a relative of one of those trapped", "a mining engineer at the {university}"],
     _facts_rescue,
     headline=[
         "[Rescuers|Divers|Crews] [free|reach] {trapped} trapped in {site} [near {city}|]",
         "[All|{trapped}] [rescued|saved] after {days} days [trapped|stuck] in {site}",
         "[Race|Desperate race] to [reach|save] {trapped} trapped [in|at] {site} in {region}",
         "[Joy|Relief] in {city} as [rescue teams|rescuers] bring {trapped} [to safety|out alive]"],
     lede=[
         "[Rescuers|Rescue teams|Emergency crews] [pulled|brought|freed] {trapped} people [out of|from] {site} [near|outside] {city} [on|late on] {weekday} [after|following] {days} days [underground|trapped|in darkness], [officials|the authorities] said.",
         "[A team of |More than ]{rescuers} [rescuers|workers|volunteers] [worked|were working] [through the night|around the clock|for a {ordinal} day] [on|] {weekday} to [reach|free|save] {trapped} [people|workers|hikers] trapped [in|at] {site} [near|in] {city}."],
     detail=[
         "[The group|Those trapped|The survivors], [including|among them] a {kid_age}-year-old, had survived [on a small amount of food|on rainwater|in a pocket of air|on biscuits and river water] [about|some|nearly] {depth} meters [below the surface|from the entrance|underground].",
         "[Engineers|Rescue teams|Crews] [drilled|dug|cut] [a narrow shaft|a new tunnel|an escape route] [through|into] [rock|mud|debris] [to reach them|over {days} days|while pumping out water], [the operation's|the] [commander|coordinator] said.",
         "[Ambulances|Helicopters] [took|carried|flew] [the survivors|those rescued|them] to [a hospital|the regional hospital|hospitals] in {city2}, [where|and] [doctors|medical staff] said [they were|most were] [in stable condition|weak but alert|suffering from dehydration].",
         "[Families|Relatives] [who had kept vigil|who had camped out|who had waited] [near|at] the [entrance|site] [for days|since {weekday}] [cheered|wept|applauded] as [each|every] [survivor|person] [emerged|was brought out|appeared].",
         "[Pumps|Water pumps] [removed|drained] [about |more than |]{tens} [million|thousand] liters of water [before|so that] [divers|rescuers] [could|were able to] [swim|crawl|move] [through|along] the [narrow|flooded] [passages|tunnels].",
         "[Experts|Specialists|Teams] from [several|three|neighboring] [countries|regions] [joined|helped with] the [operation|effort], [bringing|which brought] [drilling equipment|cameras|oxygen tanks] [and|as well as] [experienced|specialist] [divers|engineers]."],
     quote=[
         "[This is|It was] [a miracle|an extraordinary effort|a moment we will never forget][. Everyone worked together|]",
         "[We never|Nobody ever] [gave up|lost hope|stopped believing] [that we would find them|that they were alive]",
         "[The conditions|The rock|The water] [made|kept making] [every hour|the work] [dangerous|extremely difficult|slow]"],
     wquote=[
         "[When|As soon as] [I saw|we saw] [my son|my brother|my husband] [I|we] [just cried|couldn't speak|started shaking]",
         "[We waited|We have been waiting] [here|outside] [for {days} days|every night][. We never left|]"],
     background=[
         "[Accidents|Collapses|Incidents] [at|in] [mines|caves|sites] [like this|in {region}] [are|have become] [common|frequent|less common], [and|but] [safety rules|inspections] [are|have been] [often|long] [criticized|ignored|weak]."],
     next=[
         "[Authorities|The government|Investigators] said [they would|it would] [investigate|open an inquiry into] [how|why] [the group|the workers] [became trapped|were allowed in|went missing]."])

kind("derailment", "Nation",
     ["a spokesperson for {operator}", "the transport minister of {country}",
      "a {age}-year-old passenger from {city}", "a rail safety expert at the {university}"],
     _facts_derail,
     headline=[
         "[Train|Passenger train|Freight train] [derails|jumps the tracks|crashes] [near|outside] {city}[, {dead} dead|]",
         "{cars} cars [derail|leave the tracks] [on|along] {line}",
         "[Derailment|Train crash] [kills {dead}|injures {injured}] [in|near] {city}",
         "[Investigators|Officials] [probe|examine] {operator} derailment [near|in] {city}"],
     lede=[
         "[A passenger train|A train carrying {passengers} people|An intercity train] [derailed|came off the tracks|jumped the rails] [near|outside] {city} [on|late on|early] {weekday}, [killing {dead} people|leaving {dead} people dead] and [injuring|hurting] {injured}, [officials|the authorities|{operator}] said.",
         "{cars} [cars|wagons|carriages] of a [freight|cargo] train [carrying|loaded with] {cargo} [derailed|left the tracks|overturned] [near|in] {city} [on|] {weekday}, [forcing|prompting] the evacuation of [nearby|surrounding] [homes|streets|farms]."],
     detail=[
         "[The train|It] was [traveling|running|going] at [about|around|nearly] {speed} [km/h|kilometers per hour] [when|as] it [entered|approached|reached] [a curve|a bridge|a junction] [outside|near] [the station|{city}], [investigators|officials|{operator}] said.",
         "[Service|Traffic|Trains] [on|along] {line} [was|were] [suspended|halted|stopped] [and|while] [crews|engineers] [worked|began] [to clear|clearing] [the wreckage|the line|debris] [and|,] [repair|inspect] [the track|damaged rails].",
         "[Firefighters|Hazardous materials teams] [monitored|tested|checked] [the air|the air and water|nearby streams] for {cargo} [and said|but said] [there was|they found] [no immediate danger|no sign of a leak|low levels].",
         "[Passengers|Survivors] [described|recalled] [being thrown|being tossed] [from their seats|across the carriage] [as|when] the [train|carriages] [tilted|lurched|rolled onto its side], [and|while] [some|several] [climbed out|escaped] [through|via] [broken windows|emergency exits].",
         "[Buses|Replacement buses] [were|have been] [laid on|brought in] [for|to carry] [stranded|delayed] [travelers|passengers] [between|from] {city} [and|to] {city2}, [{operator} said|the operator said|according to {operator}].",
         "[The|A] [driver|train driver], [who was|who is] [{age}|in his fifties|in her forties], [was|had been] [taken|brought] [to hospital|to a hospital in {city2}] [and|but] [had not yet been|was not yet] [questioned|interviewed] [by investigators|by police]."],
     quote=[
         "[Our thoughts are with|We are thinking of] [those injured|the passengers and their families|everyone affected] [and we are cooperating fully with investigators|]",
         "[It is too early|It's too soon] to [say|speculate|determine] [what caused the derailment|why the train came off the tracks]",
         "[We will|We'll] [find out|get to the bottom of] [exactly |]what happened [and|, and] [those responsible|anyone responsible] will be held [accountable|to account]"],
     wquote=[
         "[There was|We heard] [a loud bang|a huge noise|a jolt] and [the carriage|our car|everything] [tipped over|rolled|flew sideways]",
         "[People were|Passengers were] [screaming|climbing out of windows|helping each other out][. It was chaos|]"],
     background=[
         "[The line|{line}] [had been|was] [upgraded|renovated|inspected] [in|during] {past_year}, [but|and] [unions|passengers|local officials] had [complained|raised concerns] about [delays|maintenance|aging equipment]."],
     next=[
         "[The national|A] [transport safety board|rail accident agency] [sent|has sent] [investigators|a team] to the [site|scene] and [said|expects] [a preliminary report|its first findings] [would|could] [take|be ready in] [weeks|{n_weeks} weeks]."])

kind("plant", "Business",
     ["a spokesperson for {company}", "the mayor of {city}",
      "a {age}-year-old worker at the plant", "an economist at the {university}"],
     _facts_plant,
     headline=[
         "{company} to close {city} [plant|factory], [cutting|axing] {jobs} jobs",
         "[Shock|Anger] in {city} as {company} [shuts|announces closure of] {product} [plant|factory]",
         "{jobs} jobs [lost|at risk] as {company} [ends|halts] production in {region}"],
     lede=[
         "{company} [said|announced] [on|] {weekday} it [would|will] [close|shut] its {product} [plant|factory] in {city} [within|in] {months} months, [cutting|eliminating] [about |nearly |]{jobs} jobs [in a town|in an area] [that|which] [depends|has long depended] on [the plant|manufacturing].",
         "[About|Nearly|More than] {jobs} workers [will lose|are set to lose] their jobs [after|when] {company} [closes|shuts down] [its|the] [plant|factory] in {city}, [which|that] has [made|produced] {product} [since|for decades, since] {year_open}."],
     detail=[
         "[The company|{company}] [blamed|cited] [high energy costs|falling demand|cheaper imports] [and|as well as] [the need|a plan] to [consolidate|move] [production|manufacturing] [to|at] [larger|newer] [sites|plants] [abroad|elsewhere|in {city2}].",
         "[Unions|The union|Workers' representatives] [called the [decision|closure] [a betrayal|devastating|shameful]|described the [decision|closure] as [a betrayal|devastating|shameful]] and [said|announced] they [would|planned to] [fight|challenge|protest] [it|the closure] [in talks|with a strike|in court].",
         "[The company|{company}] said it [would|planned to] [offer|provide] [severance packages|retraining|jobs at other sites] [to|for] [affected|some] [workers|employees] [and|but] [gave no|did not give] [figures|details].",
         "[Local|Small] [suppliers|businesses|shops] [that depend on|serving] the [plant|factory] [said|warned] the [closure|shutdown] [could|would] [cost|put at risk] [hundreds of|many] [more|other] jobs [in {city}|in the region].",
         "[Production|Output] at the [plant|site] [had|has] [fallen|dropped] [by about|nearly] {chg_pct}% [over|in] the [past|last] [two|three|five] years, [according to|said] [the union|company filings|the company]."],
     quote=[
         "[This was|It was] [not an easy decision|a very difficult decision|a decision we did not take lightly]",
         "[We will|We'll] [support|help] [every|each] [employee|worker] [through this|with training and severance|in finding new work]",
         "[This plant|The factory] [is|has been] the [heart|backbone|lifeblood] of [this town|{city}|our community] [for generations|since {year_open}]"],
     wquote=[
         "[My father|My mother|My grandfather] [worked here|worked at the plant] [too|before me][. Now what|. Where do we go now|]",
         "[I have|I've] [a mortgage|two kids|{months} months left] [and no idea|and I don't know] what [comes next|to do]"],
     background=[
         "[The plant|The factory] [was|had been] [built|opened] in {year_open} [and|,] [at its peak|in its best years] [employed|had] [more than |about |]{staff} people."],
     next=[
         "[The government|{region}'s government|The mayor] [said|promised] [it|he|she] [would|will] [meet|hold talks with] [company executives|{company}] [to try to|hoping to] [save|keep] [some of the jobs|the plant open|production in {city}]."])

kind("outbreak", "Health",
     ["a spokesperson for the {agency}", "the health minister of {country}",
      "a {age}-year-old {occupation} in {city}", "an epidemiologist at the {university}"],
     _facts_outbreak,
     headline=[
         "[Outbreak|Spread] of {disease} [kills|has killed] {dead} in {region}",
         "{country} [declares|announces] {disease} [emergency|outbreak] as cases [reach|top] {cases}",
         "[Health officials|Doctors] [race|rush] to [contain|halt] {disease} [outbreak|spread] in {city}"],
     lede=[
         "[An outbreak of|A surge in] {disease} has [killed|claimed] {dead} people and [sickened|infected] [about |more than |]{cases} [others|people] in {region} [since|over the past] [early last month|{weeks} weeks], [health officials|the {agency}] said on {weekday}.",
         "[Health authorities|The {agency}] in {country} [declared|announced] [a health emergency|an outbreak] [in|across] {region} [on|] {weekday} [after|as] [cases|confirmed cases] of {disease} [rose|jumped|climbed] to {cases}."],
     detail=[
         "[Most of the cases|Many of those infected|The majority of patients] [were|are|have been] [in|among] [children|older people|residents] [in|of] [poor|crowded|rural] [neighborhoods|districts|villages] [around|near|south of] {city}[, officials said|].",
         "[The|A] [vaccination campaign|vaccine drive] [aiming|aimed|intended] to [reach|give doses to] [about |]{doses} people [began|will begin|started] [on {weekday}|this week], [with|and] {clinics} [temporary|mobile] clinics [set up|opened].",
         "[Officials|The {agency}] [blamed the [outbreak|spread] on|linked the [outbreak|spread] to] [contaminated water|poor sanitation|low vaccination rates|crowded housing] and [urged|told] [residents|people] to [boil water|wash their hands|get vaccinated].",
         "[Hospitals|Clinics] in {city} [set up|opened] [isolation wards|treatment tents|extra beds] [and|as] [doctors|nurses] [worked|were working] [double shifts|around the clock], [the {agency} said|officials said].",
         "[Schools|Markets] [in|across] [the worst-hit|affected] [districts|areas] [were|have been] [closed|shut] for [at least |]{weeks} weeks, and [public gatherings|large events] were [banned|restricted].",
         "[Testing|Laboratory tests] [confirmed|showed] [the strain|the cause] [in|from] [samples|cases] [taken|collected] [in|near] {city}, [and|while] [results|tests] [from|on] [other|further] samples [were|are] [pending|expected within days]."],
     quote=[
         "[The situation is|We are] [serious|worried|concerned] [but|and] [under control|being managed|we are acting quickly]",
         "[Vaccination|Clean water|Early treatment] is [the best|our best|the most important] [protection|defense|tool] [against|we have against] [this disease|{disease}]"],
     wquote=[
         "[My daughter|My son|My neighbor] [got sick|fell ill] [in|within] [a day|two days|hours][. We were terrified|]",
         "[The clinic|The hospital] was [full|overflowing|packed] [and|;] [we waited|we had to wait] [all day|for hours]"],
     background=[
         "[{region}|The region] [last saw|last had|has had] [a major|a large|a similar] [outbreak|epidemic] [of {disease}|] in {past_year}, [when|and] [about |]{past_dead} people [died|were killed]."],
     next=[
         "[International|Global] health [agencies|bodies|organizations] [said|have said] they [were sending|would send] [experts|medical teams|supplies] [to|into] {region} [and|to] [help|support] [local|national] [authorities|health workers]."])

KIND_NAMES = sorted(KINDS)
AGENCY = {
    "earthquake": ["{country} Seismological Institute", "National Disaster Management Agency", "{region} Civil Protection Office"],
    "storm": ["{country} Meteorological Service", "National Emergency Agency", "{region} Disaster Office"],
    "wildfire": ["{region} Fire Service", "National Forest Fire Agency", "{country} Civil Protection Agency"],
    "election": ["{country} Electoral Commission", "National Election Board", "Central Election Commission"],
    "earnings": ["Securities Commission", "{country} Stock Exchange"],
    "court": ["Ministry of Justice", "Public Prosecutor's Office"],
    "sports": ["{comp_cap} organizing committee", "National Football Federation"],
    "protest": ["Interior Ministry", "{city} Police Department"],
    "rescue": ["National Rescue Service", "{region} Emergency Office", "Mining Safety Authority"],
    "derailment": ["National Transport Safety Board", "{country} Rail Authority"],
    "plant": ["Ministry of Industry", "{region} Economic Development Agency"],
    "outbreak": ["{country} Health Ministry", "National Institute of Public Health", "{region} Health Department"],
}
BANKS = ["{s} Securities", "{s} & Partners", "{s} Capital", "{s} Brothers", "{s} Research"]
PAPERS = ["the {city} Evening News", "a local radio station", "state television", "a regional newspaper",
          "the broadcaster {s}TV"]
STREETS = ["{s} Street", "{s} Avenue", "{s} Road", "the {s} Boulevard"]
MOVEMENTS = ["the {s} Citizens' Forum", "the Workers' Front", "the {s} Network", "the Students' Union"]

PARA_PLAN = ["lede", "detail", "quote1", "detail", "wquote", "background", "detail",
             "quote2", "next", "pad", "quote4", "pad", "background", "pad"]


def make_synthetic(r, idx, target_bytes):
    """One original: dict with kind, title, paragraphs (lists of sentences),
    context for headline regeneration."""
    k = KINDS[KIND_NAMES[int(r.random() * len(KIND_NAMES))]]
    if hasattr(r, "renames"):
        r.renames = {}
    c = {}
    c["city"] = _place(r)
    c["city2"] = _place(r)
    c["country"] = _land(r)
    if r.random() < 0.6:
        a, b = r.choice(PLACE_A), r.choice(PLACE_B)
        c["region"] = _named(r, a, b) + " " + r.choice(REGION_KIND)
    else:
        c["region"] = _land(r)
    wd = r.randrange(7)
    c["weekday"] = WEEKDAYS[wd]
    c["weekday2"] = WEEKDAYS[(wd + r.randint(1, 5)) % 7]
    c["district"] = r.choice(DISTRICTS)
    c["past_year"] = str(r.randint(1960, 2021))
    c["years_ago"] = _num(r, 15, 90)
    c["past_dead"] = _thou(r.randint(20, 3000))
    c["currency"] = r.choice(CURRENCY)
    c["n_weeks"] = _small(r, 2, 8)
    c["month_next"] = r.choice(MONTHS)
    c["ordinal"] = r.choice(["second", "third", "fourth", "fifth", "sixth"])
    c["age"] = _num(r, 19, 79)
    c["occupation"] = r.choice(OCCUPATIONS)
    c["pad_num"] = _thou(r.randint(30, 90000))
    c["tens"] = str(r.randint(2, 9) * 10)
    c["city_pop"] = _thou(r.randint(8, 2000) * 1000)
    c["fund"] = _thou(r.randint(5, 900) * 1000)
    c["staff"] = _thou(r.randint(8, 900) * 100)
    s = _sur(r)
    c["bank"] = r.choice(BANKS).format(s=s)
    c["paper"] = r.choice(PAPERS).format(s=s[:3].upper(), city=c["city"])
    c["street"] = r.choice(STREETS).format(s=_sur(r))
    c["movement"] = r.choice(MOVEMENTS).format(s=c["city"])
    c["square_or_city"] = "the main square"
    k["facts"](r, c)
    c["comp_cap"] = c.get("comp", "league").capitalize()
    c["team3"] = _place(r) + " " + r.choice(MASCOTS)
    c["team4"] = _place(r) + " " + r.choice(MASCOTS)
    c["university"] = r.choice(UNIVERSITY).format(city2=c["city2"], country=c["country"])
    c["agency"] = r.choice(AGENCY[k["name"]]).format(**c)
    cand = Person(r, "")
    c["cand"] = cand.full()
    c["rival"] = Person(r, "").full()
    dfd = Person(r, "")
    c["defendant"] = dfd.full()
    c["defendant_last"] = dfd.last
    c["office_court"] = r.choice(["mayor of " + c["city"], "deputy minister", "customs chief", "regional governor"])
    if "court" in c:
        c["court_cap"] = c["court"][0].upper() + c["court"][1:]
    people = []
    for role in k["roles"]:
        p = Person(r, "")
        p.role = expand(compile_t(role), c, r.random)
        p.role = p.role[0].lower() + p.role[1:]
        people.append(p)
    rnd = r.random

    def attr(p):
        def f():
            if p.seen:
                return p.last
            p.seen = True
            return p.first + " " + p.last + ", " + p.role + ","
        return f

    def name(p):
        def f():
            if p.seen:
                return p.last
            p.seen = True
            return p.first + " " + p.last
        return f

    for i, p in enumerate(people, 1):
        c["A%d" % i] = attr(p)
        c["N%d" % i] = name(p)
        c["R%d" % i] = p.role
    # draw without replacement from each pool (refill when exhausted)
    bags = {}

    def draw(pool_name, pool, reuse=True):
        """Next template of a pool, each used once per story; when the pool
        is used up: None, or (reuse) start over."""
        b = bags.get(pool_name)
        if not b:
            if b is not None and not reuse:
                return None
            b = list(range(len(pool)))
            r.shuffle(b)
            bags[pool_name] = b
        return pool[b.pop()]

    qpools = {"quote": k["quote"] + GENERIC_Q, "wquote": k["wquote"]}

    def quote_par(who, qpool):
        ctx = c
        ctx["A"] = c["A%d" % who]
        ctx["N"] = c["N%d" % who]
        pool = qpools[qpool]
        ctx["q"] = expand(draw(qpool, pool), c, rnd)
        sents = [expand(draw("qform", QFORMS), ctx, rnd)]
        if rnd() < 0.45:
            t = draw(qpool, pool, reuse=False)
            if t is not None:
                ctx["q2"] = expand(t, c, rnd)
                sents.append(expand(draw("qform2", QFORMS2), ctx, rnd))
        return sents

    def para(kind_):
        if kind_ == "lede":
            return [expand(draw("lede", k["lede"]), c, rnd)]
        if kind_ == "quote1":
            return quote_par(1, "quote")
        if kind_ == "quote2":
            return quote_par(2, "quote")
        if kind_ == "quote4":
            return quote_par(4, "quote")
        if kind_ == "wquote":
            return quote_par(3, "wquote")
        n = 1 if rnd() < 0.45 else 2
        out = []
        for _ in range(n):
            t = None if kind_ == "pad" else draw(kind_, k[kind_], reuse=False)
            if t is None:  # kind's pool used up: generic sentences
                t = draw("pad", GENERIC_PAD)
            out.append(expand(t, c, rnd))
        return out

    npar = r.randint(6, 14)
    paras = [para(PARA_PLAN[i]) for i in range(npar)]
    size = sum(_plain_len(r, s) + 1 for p in paras for s in p)
    extra = ["detail", "pad", "background", "quote4", "pad", "detail", "quote1", "next", "wquote"]
    i = 0
    while size < 1500 or (target_bytes and size < target_bytes):
        p = para(extra[i % len(extra)])
        i += 1
        paras.append(p)
        size += sum(_plain_len(r, s) + 1 for s in p)
    title = expand(draw("headline", k["headline"]), c, rnd)
    return {"kind": k["name"], "section": k["section"], "title": title, "paras": paras,
            "city": c["city"], "country": c["country"], "ctx": c, "k": k}


# ---------------------------------------------------------------------------
# ECB+ input

_DET = [
    (re.compile(r"(\d) ([.:/]) (?=\d)"), r"\1\2"),            # 5 . 9  8 : 20  11 / 27
    (re.compile(r"(\d) , (?=\d\d\d\b)"), r"\1,"),             # 200 , 000
    (re.compile(r"\b([A-Z]) \. ([A-Z]) \."), r"\1.\2."),       # U . S .
    (re.compile(r"\b([ap]) \. m \."), r"\1.m."),
    (re.compile(r"\. \. \."), "..."),
    (re.compile(r" ([,.;:?!%])(?=\s|$)"), r"\1"),
    (re.compile(r"``\s*"), '"'), (re.compile(r"\s*''"), '"'),
    (re.compile(r"(\w) ' (s|ve|re|ll|d|m|t)\b"), r"\1'\2"),
    (re.compile(r" (n't|'s|'re|'ve|'m|'ll|'d|')(?=[\s.,;:?!\"]|$)", re.I), r"\1"),
    (re.compile(r"([(\[$]) "), r"\1"), (re.compile(r" ([)\]])"), r"\1"),
    (re.compile(r"(\w) - (?=\w)"), r"\1-"),
    (re.compile(r" -- "), " — "), (re.compile(r" [–—] "), " — "),
]
_DATELINE_RE = re.compile(r"\b(19|20)\d\d\b|\b\d{1,2} ?: ?\d\d\b")
_QUOTE_BAL = re.compile(r'"\s+([^"]*?)\s+"')


def detok(s):
    s = s.replace("“", "``").replace("”", "''").replace("‘", "'").replace("’", "'")
    for rx, rep in _DET:
        s = rx.sub(rep, s)
    # quotes: strip inner spaces of "  text  " pairs
    s = _QUOTE_BAL.sub(lambda m: '"' + m.group(1) + '"', s)
    s = re.sub(r'" ([,.])', r'"\1', s)
    return _MULTISPACE.sub(" ", s).strip()


def _is_dateish(line):
    toks = line.split()
    if len(toks) <= 12 and _DATELINE_RE.search(line) and not line.rstrip().endswith((".", "?", "!")):
        return True
    if len(toks) <= 8 and line.startswith("By "):
        return True
    return len(toks) <= 30 and _STAMP_RE.match(line) is not None and any(ch.isdigit() for ch in line)


_STAMP_RE = re.compile(r"^(Posted|Published|Updated|Last Updated|First Published|Last updated)\b", re.I)


def load_ecb(path, r):
    docs = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            d = json.loads(line)
            lines = [x.strip() for x in d["text"].split("\n") if x.strip()]
            lines = [x for x in lines if not _is_dateish(x)]
            if not lines:
                continue
            title = None
            first = lines[0]
            ft = first.split()
            if len(lines) > 2 and len(ft) <= 22 and not first.endswith((".", '"', "''", "?", "!")):
                title = detok(first)
                lines = lines[1:]
            sents = [detok(x) for x in lines]
            sents = [x for x in sents if x]
            if not sents:
                continue
            if title is None:
                title = _headline_from_sentence(sents[0], r)
            paras = []
            i = 0
            while i < len(sents):
                n = r.choice((1, 1, 2, 2, 2, 3, 3))
                paras.append(sents[i:i + n])
                i += n
            docs.append({"kind": "t%s" % d.get("topic", ""), "story": str(d["subtopic"]),
                         "section": None, "title": title, "paras": paras, "city": None,
                         "country": None, "ctx": None, "k": None, "doc_id": d.get("doc_id")})
    return docs


_WORD = re.compile(r"\w+")


def merge_ecb_dups(docs, threshold):
    """ECB+ itself holds near-identical articles (one wire story on two sites).
    Give originals of one subtopic whose word-5-gram containment
    |A&B|/min(|A|,|B|) is >= threshold the same dup label (union-find).
    Sets doc["dupi"]; returns the number of merged originals."""
    parent = list(range(len(docs)))

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for i, d in enumerate(docs):
        d["dupi"] = i
    if threshold <= 0:
        return 0
    shingles = []
    by_story = {}
    for i, d in enumerate(docs):
        w = _WORD.findall(" ".join(x for p in d["paras"] for x in p).lower())
        shingles.append({" ".join(w[j:j + 5]) for j in range(max(1, len(w) - 4))})
        by_story.setdefault(d["story"], []).append(i)
    for ids in by_story.values():
        for x in range(len(ids)):
            a = shingles[ids[x]]
            for y in range(x + 1, len(ids)):
                b = shingles[ids[y]]
                if len(a & b) >= threshold * max(1, min(len(a), len(b))):
                    ra, rb = find(ids[x]), find(ids[y])
                    if ra != rb:
                        parent[max(ra, rb)] = min(ra, rb)
    merged = 0
    for i, d in enumerate(docs):
        d["dupi"] = find(i)
        merged += d["dupi"] != i
    return merged


def _headline_from_sentence(s, r):
    w = s.split()
    n = min(len(w), r.randint(6, 11))
    w = w[:n]
    while len(w) > 3 and w[-1].lower().strip(",;:") in _FUNC:
        w.pop()
    h = " ".join(w).rstrip(",;:.-—")
    return h


_FUNC = set("a an the of to in on at for and or but with by from as that which who is was were has have said".split())

# ---------------------------------------------------------------------------
# Outlets

OUTLETS = [
    # name, slug, quotes, dash, ellipsis, nbsp, dspace, titlecase, nav, related, footer, caption credit, byline fmt, updated fmt, promo
    ("The Riverside Ledger", "ledger", "curly", " — ", "…", 0.0, 0.0, True,
     "Home | News | World | Business | Sports | Opinion | Obituaries",
     "Related Stories", ["Copyright 2024 The Riverside Ledger. All rights reserved."],
     "(Photo: {p}/The Riverside Ledger)", "By {n}, {w}", "Updated {t} {tz} {md}, {y}",
     "Sign up for the Ledger Morning Brief, delivered to your inbox every weekday."),
    ("Metro Daily Wire", "metrowire", "straight", " -- ", "...", 0.0, 0.3, False,
     "Skip to main content\nMETRO DAILY WIRE | Latest | Local | Nation | World | Money | Sports",
     "RELATED:", ["(c) 2024 Metro Daily Wire Media Inc.", "Terms of Use | Privacy Policy | Contact Us"],
     "{p} / Metro Daily Wire", "{n}\n{w}", "Published {md}, {y} at {t2}",
     None),
    ("Quillfield Gazette", "gazette", "curly", " – ", "…", 0.5, 0.0, True,
     "Quillfield Gazette\nNews  Sport  Business  Lifestyle  Puzzles  Subscribe",
     "You may also like", ["© 2024 Quillfield Gazette Ltd. Registered in {country}."],
     "Photograph: {p}", "By {n} | {w}", "Last updated: {d}/{m}/{y} {t24}",
     "Get the Gazette's daily headlines free - register now."),
    ("The Harborlight Sentinel", "sentinel", "straight", " - ", "...", 0.0, 0.0, True,
     "Home | Local | State | Nation | World | Sports | Business | Weather | Subscribe",
     "Related Stories", ["Copyright 2024 The Harborlight Sentinel. All rights reserved.",
                         "This article may not be reproduced without permission."],
     "({p}/Harborlight Sentinel)", "By {n}, {w}", None,
     None),
    ("Tamsworth Tribune", "tribune", "curly", " — ", "...", 0.0, 0.0, False,
     "TAMSWORTH TRIBUNE — Home · News · Sports · Opinion · Life · e-Edition",
     "More from the Tribune", ["Copyright © 2024 Tamsworth Tribune Publishing Co.",
                               "Have a news tip? Email newsroom@tamsworthtribune.example."],
     "{p} / Tamsworth Tribune", "By {n} {w}", "Updated {t} {md}",
     "Want more? Sign up for Tribune Alerts."),
    ("Oakhollow Observer", "observer", "straight", " -- ", "...", 0.0, 0.0, True,
     "Oakhollow Observer | News | Politics | Business | Culture | Sport",
     "Read more:", ["All content copyright 2024 Oakhollow Observer unless otherwise noted."],
     "PHOTO: {p}", "{w} | {n}", "Posted {wd}, {md}, {y} {t}",
     None),
    ("Westmere Herald", "herald", "curly", " — ", "…", 0.3, 0.0, True,
     "Westmere Herald\nHome  |  News  |  Sport  |  Business  |  Entertainment  |  Travel",
     "Related articles", ["Copyright 2024 Westmere Herald. All rights reserved. Distributed by Herald Syndicate."],
     "{p}/Westmere Herald", "{n}, {w}", "Updated {t} {md}, {y}",
     "Follow the Herald on social media for the latest updates."),
    ("Summitline News", "summitline", "straight", " - ", "...", 0.0, 0.0, False,
     "Summitline News • Top Stories • U.S. • World • Politics • Tech • Health",
     "Trending now", ["© 2024 Summitline News Network. All rights reserved.",
                      "Summitline News may earn a commission from links on this page."],
     "Credit: {p}", "By {w}", "{md}, {y} / {t2}",
     None),
    ("Coastwise Press Journal", "pressjournal", "curly", " — ", "…", 0.0, 0.0, True,
     "Press Journal | Coast | Region | Nation & World | Sports | Obits | Classifieds",
     "Related Stories", ["Copyright 2024 Coastwise Press Journal, a Pressline Media company."],
     "FILE PHOTO by {p}", "By {n}, {w}", "Updated {t} {tz}",
     "Support local journalism: subscribe to the Coastwise Press Journal."),
    ("Granitefall Examiner", "examiner", "straight", " -- ", "...", 0.0, 0.5, True,
     "GRANITEFALL EXAMINER\nNEWS | SPORTS | OPINION | BUSINESS | CLASSIFIEDS | E-EDITION",
     "SEE ALSO", ["Copyright 2024 Granitefall Examiner. All rights reserved.",
                  "Reprints: call the Examiner front desk."],
     "Examiner file photo by {p}", "By {n}\n{w}", "Published {md}, {y}",
     None),
    ("Metro Evening Star", "eveningstar", "curly", " – ", "…", 0.6, 0.0, False,
     "Evening Star — Latest | UK & World | Money | Sport | Culture | Comment",
     "More on this story", ["© Metro Evening Star 2024", "Read our community guidelines before commenting."],
     "{p} for the Evening Star", "{n}, {w}", "{t24} {d} {M} {y}",
     "The Evening Star newsletter: the day's news in five minutes."),
    ("Lakemont Daily Star", "lakemont", "straight", " - ", "...", 0.0, 0.0, True,
     "Lakemont Daily Star | Local | Crime | Schools | Sports | Business | Obituaries",
     "Related Coverage", ["Copyright 2024 Lakemont Daily Star. All Rights Reserved.",
                          "Powered by Lakemont Digital."],
     "(AP Photo/{p}, File)", "By {n} {w}", "Updated {wd}, {md}, {y} {t}",
     "Download the Lakemont Daily Star app for breaking news alerts."),
]
SECTIONS_GENERIC = ["World", "US", "Nation", "Politics", "Business", "Entertainment", "Sports",
                    "Tech", "Health", "Local"]
WIRES = {
    "AP": ("Associated Press", "(AP)"),
    "Reuters": ("Reuters", "(Reuters)"),
}
CAPTIONS = C(
    "FILE - [Residents|People|Onlookers] [gather|stand|walk] [near|outside|past] [a damaged building|the scene|city hall] in {city}, {mdate}.",
    "[A man|A woman|A police officer|A volunteer] [looks on|walks|waits] [as|while] [crews|workers|officials] [work|arrive] in {city}, {mdate}.",
    "FILE - [A view of|An aerial view of|The entrance to] [the area|the site|downtown] [in|near] {city} [on|] {mdate}.",
    "[This|An undated] [photo|image] [provided by|released by|courtesy of] [officials|the authorities|a local resident] shows [the scene|the area] [in|near] {city}.",
)


class Outlet:
    __slots__ = ("name", "slug", "quotes", "dash", "ell", "nbsp", "dspace", "titlecase", "nav",
                 "related", "footer", "credit", "byline", "updated", "promo", "trending", "idx")


def make_outlets(r):
    outs = []
    fake_country = _land(r)
    for i, t in enumerate(OUTLETS):
        o = Outlet()
        (o.name, o.slug, o.quotes, o.dash, o.ell, o.nbsp, o.dspace, o.titlecase, o.nav, o.related,
         o.footer, o.credit, o.byline, o.updated, o.promo) = t
        o.footer = [x.replace("{country}", fake_country) for x in o.footer]
        o.idx = i
        outs.append(o)
    return outs


_SMALL = set("a an and as at but by for from in nor of on or the to up via vs with".split())


def title_case(s):
    w = s.split(" ")
    for i, x in enumerate(w):
        if x and (i == 0 or x.lower() not in _SMALL) and x[0].islower():
            w[i] = x[0].upper() + x[1:]
    return " ".join(w)


# ---------------------------------------------------------------------------
# Typography

_DQ_OPEN = re.compile(r'(^|[\s(\[\u2014\u2013/-])"', re.M)
_SQ_OPEN = re.compile(r"(^|[\s(\[\u201c\u2014])'(?=\w)", re.M)
_NBSP_RE = re.compile(r"\b(Mr\.|Mrs\.|Ms\.|Dr\.|Gov\.|Sen\.|No\.|\d+) (?=\w)")
_DSPACE_RE = re.compile(r'([a-z0-9][.!?]["\u201d]?) (?=["\u201c]?[A-Z])')


def typography(s, o, r):
    quotes = o.quotes
    if r.random() < 0.1:  # CMS quirk: the other quote style
        quotes = "straight" if quotes == "curly" else "curly"
    if quotes == "curly":
        s = _DQ_OPEN.sub("\\1\u201c", s).replace('"', "\u201d")
        s = _SQ_OPEN.sub("\\1\u2018", s).replace("'", "\u2019")
    if o.dash != " — ":
        s = s.replace(" — ", o.dash)
    if o.ell != "...":
        s = s.replace("...", o.ell)
    if o.nbsp and r.random() < o.nbsp:
        s = _NBSP_RE.sub("\\1\u00a0", s)
    if o.dspace and r.random() < o.dspace:
        s = _DSPACE_RE.sub("\\1  ", s)
    return s


# ---------------------------------------------------------------------------
# Word edits, headline rewrites

SYN = {
    "said": ["added", "stated", "says"], "about": ["around", "roughly", "some"],
    "nearly": ["almost", "close to"], "more than": ["over"], "killed": ["left dead"],
    "people": ["residents", "persons"], "began": ["started"], "started": ["began"],
    "help": ["assist"], "large": ["big"], "big": ["large"], "after": ["following"],
    "near": ["close to", "outside"], "officials": ["authorities"], "authorities": ["officials"],
    "rose": ["climbed", "increased"], "fell": ["dropped", "declined"], "homes": ["houses"],
    "children": ["kids"], "told": ["informed"], "week": ["week's time"], "shows": ["indicates"],
    "showed": ["indicated"], "police": ["officers"], "hit": ["struck"], "struck": ["hit"],
    "expected": ["anticipated"], "at least": ["a minimum of"], "cut": ["reduced"],
    "quake": ["earthquake"], "earthquake": ["quake"], "wins": ["takes"], "beat": ["defeated"],
    "win": ["victory"], "plan": ["proposal"], "plant": ["factory"], "factory": ["plant"],
    "storm": ["cyclone"], "fire": ["blaze"], "blaze": ["fire"], "protesters": ["demonstrators"],
    "demonstrators": ["protesters"], "company": ["firm"], "shares": ["stock"], "jobs": ["positions"],
}
DROPPABLE = set("also very just still now nearly some local several new major severe heavy early late "
                "former largely generally only really mostly quickly".split())
INSERTS = ["also", "now", "reportedly", "still"]
INSERT_BEFORE = set("said was were had is has will would could".split())
HEAD_PREFIX = ["UPDATE 1-", "UPDATE 2-", "UPDATE 3-", "WATCH: ", "BREAKING: ", "Live updates: ",
               "{CITY}: ", "Report: ", "EXPLAINER-"]
_HEAD_SPLIT = re.compile(r"(: |; |, | - | — )")


def word_edit(sent, r, min_words=6):
    w = sent.split(" ")
    if len(w) < min_words:
        return sent
    op = r.random()
    if op < 0.5:  # substitution (single or two-word keys)
        cand = []
        for i, x in enumerate(w):
            lx = x.lower().strip(",.;:\"'")
            if lx in SYN and lx == x.strip(",.;:\"'"):
                cand.append((i, 1, lx))
            if i + 1 < len(w):
                two = lx + " " + w[i + 1].lower().strip(",.;:\"'")
                if two in SYN:
                    cand.append((i, 2, two))
        if cand:
            i, n, key = cand[int(r.random() * len(cand))]
            tail = w[i + n - 1]
            punct = tail[len(tail.rstrip(",.;:\"'")):]
            w[i:i + n] = [r.choice(SYN[key]) + punct]
            return " ".join(w)
    if op < 0.8:  # deletion of a droppable word
        cand = [i for i, x in enumerate(w) if x in DROPPABLE and i > 0]
        if cand:
            del w[cand[int(r.random() * len(cand))]]
            return " ".join(w)
    cand = [i for i, x in enumerate(w) if x in INSERT_BEFORE and i > 0]
    if cand:
        i = cand[int(r.random() * len(cand))]
        w.insert(i, r.choice(INSERTS))
        return " ".join(w)
    return sent


def rewrite_headline(orig, story, r, city):
    h = orig
    nops = 1 if r.random() < 0.6 else 2
    for _ in range(nops):
        op = r.random()
        if op < 0.3:
            h = word_edit(h, r, 3)
        elif op < 0.45:
            w = h.split(" ")
            cand = [i for i, x in enumerate(w) if x.lower() in ("a", "an", "the") or x in DROPPABLE]
            if cand and len(w) > 4:
                del w[r.choice(cand)]
                h = " ".join(w)
        elif op < 0.65:
            parts = _HEAD_SPLIT.split(h, maxsplit=1)
            if len(parts) == 3 and len(parts[0]) > 8 and len(parts[2]) > 8:
                a, sep, b = parts
                b = b[0].upper() + b[1:]
                h = b.rstrip(".") + (sep if sep != ", " else " - ") + a
        elif op < 0.82:
            p = r.choice(HEAD_PREFIX).replace("{CITY}", (city or "Report").upper() if r.random() < 0.5 else (city or "Report"))
            if not h.startswith(p):
                h = p + h
        else:
            first = story["paras"][0][0]
            h = _headline_from_sentence(first, r)
    return h.strip()


# ---------------------------------------------------------------------------
# OCR-like noise

LOOKALIKE = {"m": "rn", "l": "1", "O": "0", "o": "0", "e": "c", "c": "e", "i": "l", "I": "l",
             "S": "5", "B": "8", "h": "b", "n": "ri", "u": "v", "a": "o", "g": "q", "t": "f",
             "f": "t", "0": "O", "1": "l", "5": "S", ",": ".", ".": ",", "d": "cl", "w": "vv",
             "E": "F", "G": "C", "D": "O"}
LETTERS = "abcdefghijklmnopqrstuvwxyz"


def ocr_noise(s, p, r):
    if p <= 0 or not s:
        return s
    rnd = r.random
    lg = math.log(1.0 - p) if p < 1 else -1e9
    out = []
    last = 0
    n = len(s)
    pos = -1
    while True:
        pos += 1 + int(math.log(1.0 - rnd()) / lg)
        if pos >= n:
            break
        c = s[pos]
        if c == "\n":
            continue
        out.append(s[last:pos])
        x = rnd()
        if x < 0.4:
            if c == "r" and s[pos + 1:pos + 2] == "n":
                out.append("m")
                last = pos + 2
                pos += 1
                continue
            rep = LOOKALIKE.get(c)
            if rep is None:
                rep = LETTERS[int(rnd() * 26)] if c.isalpha() else c
            out.append(rep)
        elif x < 0.6:
            pass
        elif x < 0.75:
            out.append(c + c)
        else:
            if c != " ":
                out.append(c + " ")
        last = pos + 1
    out.append(s[last:])
    return "".join(out)


# ---------------------------------------------------------------------------
# Publishing

def _fmt_time(r):
    h = r.randint(1, 12)
    mi = r.randint(0, 59)
    ampm = r.choice(["AM", "PM"])
    return h, mi, ampm


def timestamp_line(o, date, r):
    if not o.updated:
        return None
    h, mi, ampm = _fmt_time(r)
    return o.updated.format(
        t="%d:%02d %s" % (h, mi, ampm), t2="%d:%02d %s" % (h, mi, "a.m." if ampm == "AM" else "p.m."),
        t24="%02d:%02d" % (h + (12 if ampm == "PM" and h < 12 else 0), mi),
        tz=r.choice(["EDT", "EST", "GMT", "CET"]), md="%s %d" % (MONTHS[date.month - 1], date.day),
        y=date.year, d="%02d" % date.day, m="%02d" % date.month, M=MONTHS[date.month - 1],
        wd=WEEKDAYS[date.weekday()])


def dateline(story, date, r, variant):
    wire = story["wire"]
    city = story["dl_city"]
    country = story["dl_country"]
    if wire == "AP":
        if variant < 0.6 or not country:
            return "%s (AP) — " % city.upper()
        return "%s, %s (AP) — " % (city.upper(), country)
    md = "%s %d" % (MONTHS[date.month - 1], date.day)
    if variant < 0.7 or not country:
        return "%s, %s (Reuters) - " % (city.upper(), md)
    return "%s, %s, %s (Reuters) - " % (city.upper(), country, md)


def byline(o, story, r):
    wire_name = WIRES[story["wire"]][0]
    names = story["reporters"]
    n = names[0] if len(names) == 1 or r.random() < 0.4 else names[0] + " and " + names[1]
    if r.random() < 0.1:
        return "By The Associated Press" if story["wire"] == "AP" else "Reuters Staff"
    return o.byline.format(n=n, w=wire_name)


def publish(story, o, date, r, *, copy, boiler, noise, related_pool, head=None, rb=None, rn=None):
    """Render one article; returns (title, text).  r drives the edits, rb the
    boilerplate and rn the noise, so that --noise / --no-boilerplate change
    nothing else in the corpus."""
    paras = [list(p) for p in story["paras"]]
    if copy:
        n = len(paras)
        if r.random() >= 0.35:
            keep = max(min(3, n), int(math.ceil(n * (0.6 + 0.4 * r.random()))))
            paras = paras[:keep]
        if len(paras) > 3 and r.random() < 0.3:
            i = r.randrange(len(paras) - 1)
            paras[i:i + 2] = [paras[i] + paras[i + 1]]
        if r.random() < 0.3:
            cand = [i for i, p in enumerate(paras) if len(p) >= 2]
            if cand:
                i = r.choice(cand)
                cut = r.randint(1, len(paras[i]) - 1)
                paras[i:i + 1] = [paras[i][:cut], paras[i][cut:]]
        for _ in range(r.randint(0, 3)):
            pi = r.randrange(len(paras))
            si = r.randrange(len(paras[pi]))
            paras[pi][si] = word_edit(paras[pi][si], r)
        title = head
    else:
        title = story["title"]
    # dateline
    v = r.random()
    if not copy or v < 0.9:
        dl = dateline(story, story["date"], r, r.random() if copy else 0.0)
        paras[0] = [dl + paras[0][0]] + paras[0][1:]
    body_paras = [" ".join(p) for p in paras]
    trailer = story.get("trailer")
    if trailer and (not copy or r.random() < 0.7):
        body_paras.append(trailer)
    body = "\n\n".join(body_paras)
    body = typography(body, o, r)
    title = typography(title, o, r)
    if o.titlecase:
        title = title_case(title)
    if copy and noise > 0:
        body = ocr_noise(body, noise, rn)
    parts = []
    if boiler:
        parts.append(o.nav)
    parts.append(byline(o, story, r))
    if r.random() < 0.4:
        ts = timestamp_line(o, date, r)
        if ts:
            parts.append(ts)
    if boiler and rb.random() < 0.35:
        cap = expand(CAPTIONS[int(rb.random() * len(CAPTIONS))],
                     {"city": story["dl_city"], "mdate": "%s %d, %d" % (MONTHS[date.month - 1], date.day, date.year)},
                     rb.random)
        p = rb.choice(FIRST) + " " + _sur(rb)
        parts.append(typography(cap + " " + o.credit.format(p=p), o, rb))
    parts.append(body)
    if boiler:
        if related_pool and rb.random() < 0.85:
            k = rb.randint(2, 4)
            heads = []
            for _ in range(k * 3):
                if len(heads) >= k:
                    break
                h = related_pool[int(rb.random() * len(related_pool))]
                if h[0] != story["dup"] and h[1] not in heads:
                    heads.append(h[1])
            rel = [o.related] + [typography(title_case(h) if o.titlecase else h, o, rb) for h in heads]
            parts.append("\n".join(rel))
        if rb.random() < 0.3:
            parts.append("Most Read\n" + "\n".join(o.trending))
        if o.promo and rb.random() < 0.6:
            parts.append(o.promo)
        parts.append("\n".join(o.footer))
    return title, "\n\n".join(parts)


COPY_DELAY = [0] * 45 + [1] * 30 + [2] * 12 + [3] * 8


def copy_delay(r):
    if r.random() < 0.05:
        return r.randint(4, 10)
    return COPY_DELAY[int(r.random() * len(COPY_DELAY))]


# ---------------------------------------------------------------------------
# Chunked generation (deterministic per chunk, independent of --jobs)

CHUNK = 1000
_G = {}


def _init_worker(cfg):
    _G.clear()
    _G.update(cfg)
    _G["outlets"] = make_outlets(Random("%s:outlets" % cfg["seed"]))
    for o, tr in zip(_G["outlets"], cfg["trending"]):
        o.trending = tr


def gen_chunk(ci):
    cfg = _G
    seed = cfg["seed"]
    r = Random("%s:chunk:%d" % (seed, ci))
    if cfg["mode"] == "synthetic":
        r = NameRandom("%s:chunk:%d" % (seed, ci), "%s:names:%d" % (seed, ci))
    rb = Random("%s:boiler:%d" % (seed, ci))
    rn = Random("%s:noise:%d" % (seed, ci))
    outlets = cfg["outlets"]
    start = cfg["start"]
    lo = ci * CHUNK
    if cfg["mode"] == "synthetic":
        hi = min(cfg["n"], lo + CHUNK)
        stories = []
        for i in range(lo, hi):
            s = make_synthetic(r, i, cfg["target_bytes"])
            s["story"] = "d%d" % i
            stories.append(s)
    else:
        stories = cfg["ecb"][lo:lo + CHUNK]
        stories = [dict(s) for s in stories]
    pool = []
    for j, s in enumerate(stories):
        i = lo + j
        s["dup"] = "d%d" % s.get("dupi", i)
        s["date"] = start + datetime.timedelta(days=r.randrange(30))
        s["wire"] = "AP" if r.random() < 0.6 else "Reuters"
        s["reporters"] = [r.choice(FIRST) + " " + _sur(r) for _ in range(2)]
        s["dl_city"] = s["city"] or _place(r)
        s["dl_country"] = s["country"] or (_land(r) if r.random() < 0.5 else None)
        if s["wire"] == "Reuters":
            s["trailer"] = "Reporting by %s in %s; Editing by %s" % (
                s["reporters"][0], s["dl_city"], r.choice(FIRST) + " " + _sur(r))
        s["outlet"] = outlets[int(r.random() * len(outlets))]
        s["section"] = s["section"] or r.choice(SECTIONS_GENERIC)
        pool.append((s["dup"], s["title"]))
    if cfg.get("related_global"):
        pool = cfg["related_global"]
    arts = []
    boiler_copies = cfg["boiler_copies"]
    boiler_orig = cfg["boiler_orig"]
    noise = cfg["noise"]
    maxc = cfg["max_copies"]
    pz = cfg["p_zero"]
    if cfg["fmt"] == "jsonl":  # encode here, in the worker; main only prepends the id
        enc = json.JSONEncoder(ensure_ascii=False).encode

        def pack(title, date, source, text):
            return '"title": %s, "date": "%s", "source": %s, "text": %s}' % (
                enc(title), date, enc(source), enc(text))
    else:
        def pack(title, date, source, text):
            return (title, text)
    for s in stories:
        o = s["outlet"]
        title, text = publish(s, o, s["date"], r, copy=False, boiler=boiler_orig, noise=0.0,
                              related_pool=pool, rb=rb, rn=rn)
        arts.append((pack(title, s["date"].isoformat(), o.name, text), s["date"].isoformat(), o.idx,
                     len(text), s["dup"], s["story"], s["kind"], s["section"], 1, s.get("doc_id")))
        ncopy = 0 if (maxc == 0 or r.random() < pz) else r.randint(1, maxc)
        used = {o.idx}
        for _ in range(ncopy):
            oi = int(r.random() * len(outlets))
            for _try in range(4):
                if oi not in used:
                    break
                oi = int(r.random() * len(outlets))
            if oi == o.idx:
                oi = (oi + 1 + int(r.random() * (len(outlets) - 1))) % len(outlets)
            used.add(oi)
            co = outlets[oi]
            d = s["date"] + datetime.timedelta(days=copy_delay(r))
            if s["k"] is not None and r.random() < 0.5:
                ctx = s["ctx"]
                head = expand(s["k"]["headline"][int(r.random() * len(s["k"]["headline"]))], ctx, r.random)
            else:
                head = rewrite_headline(s["title"], s, r, s["dl_city"])
            sec = s["section"] if r.random() < 0.8 else r.choice(SECTIONS_GENERIC)
            title, text = publish(s, co, d, r, copy=True, boiler=boiler_copies, noise=noise,
                                  related_pool=pool, head=head, rb=rb, rn=rn)
            arts.append((pack(title, d.isoformat(), co.name, text), d.isoformat(), oi, len(text),
                         s["dup"], s["story"], s["kind"], sec, 0, s.get("doc_id")))
    return arts


# ---------------------------------------------------------------------------

def parse_args(argv):
    ap = argparse.ArgumentParser(
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="examples:\n"
               "  gen_corpus.py --synthetic 300 --out a.jsonl --gold g.jsonl\n"
               "  gen_corpus.py --ecb ../shared/datasets/ecbplus/ecbplus_docs.jsonl --noise 0.02 "
               "--out e.jsonl --gold eg.jsonl\n"
               "  gen_corpus.py --synthetic 75000 --target-bytes 3000 --jobs 8 --out big.jsonl --gold bg.jsonl\n"
               "  gen_corpus.py --synthetic 50 --dir corpus/ --gold g.jsonl")
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--synthetic", type=int, metavar="N",
                     help="generate N original stories from built-in templates (all invented)")
    src.add_argument("--ecb", metavar="PATH",
                     help="read originals from an ECB+ style JSONL (doc_id, subtopic, text)")
    dst = ap.add_mutually_exclusive_group(required=True)
    dst.add_argument("--out", metavar="FILE",
                     help="write articles as JSONL {id,title,date,source,text} ('-' = stdout)")
    dst.add_argument("--dir", metavar="DIR",
                     help="write articles as DIR/<outlet-slug>/<id>.txt (first line 'date YYYY-MM-DD Section')")
    ap.add_argument("--gold", metavar="FILE", required=True,
                    help="write gold labels as JSONL {id,dup,story,kind,role[,doc]}")
    ap.add_argument("--seed", default="1", help="random seed (any string; default 1)")
    ap.add_argument("--ecb-merge", type=float, default=0.5, metavar="T",
                    help="with --ecb: originals of one subtopic whose word-5-gram containment is >= T "
                         "are already near-duplicates in ECB+ and get one dup label (default 0.5; 0 = off)")
    ap.add_argument("--max-copies", type=int, default=4, metavar="C",
                    help="copies per original are uniform in 1..C for originals that get any (default 4)")
    ap.add_argument("--p-zero", type=float, default=0.3, metavar="P",
                    help="probability that an original gets no copy (default 0.3)")
    ap.add_argument("--noise", type=float, default=0.0, metavar="P",
                    help="OCR-like character noise rate per body character in copies (e.g. 0.02; default 0)")
    bp = ap.add_mutually_exclusive_group()
    bp.add_argument("--boilerplate", action="store_true",
                    help="originals also get their outlet's boilerplate (header, related, footer...)")
    bp.add_argument("--no-boilerplate", action="store_true",
                    help="no outlet boilerplate on any article (bylines/datelines stay)")
    ap.add_argument("--start-date", default="2024-03-01", metavar="YYYY-MM-DD",
                    help="originals are dated in the 30 days from this date (default 2024-03-01)")
    ap.add_argument("--target-bytes", type=int, default=0, metavar="B",
                    help="pad synthetic originals with generated paragraphs to at least B bytes of body")
    ap.add_argument("--jobs", type=int, default=min(8, os.cpu_count() or 1), metavar="J",
                    help="worker processes; the output does not depend on it (default: CPUs, at most 8)")
    ap.add_argument("-q", "--quiet", action="store_true", help="no summary on stderr")
    a = ap.parse_args(argv)
    if a.synthetic is not None and a.synthetic < 0:
        ap.error("--synthetic must be >= 0")
    if a.max_copies < 0:
        ap.error("--max-copies must be >= 0")
    if not 0 <= a.noise < 1:
        ap.error("--noise must be in [0, 1)")
    if not 0 <= a.p_zero <= 1:
        ap.error("--p-zero must be in [0, 1]")
    try:
        a.start = datetime.date.fromisoformat(a.start_date)
    except ValueError:
        ap.error("--start-date must be YYYY-MM-DD")
    return a


def main(argv=None):
    a = parse_args(argv)
    t0 = time.time()
    seed = str(a.seed)
    mr = Random("%s:main" % seed)
    outlets = make_outlets(Random("%s:outlets" % seed))
    tr_r = Random("%s:trending" % seed)
    trending = []
    for o in outlets:
        trending.append([make_synthetic(tr_r, -1, 0)["title"] for _ in range(3)])
    cfg = {"seed": seed, "start": a.start, "target_bytes": a.target_bytes, "noise": a.noise,
           "max_copies": a.max_copies, "p_zero": a.p_zero,
           "boiler_copies": not a.no_boilerplate, "boiler_orig": a.boilerplate and not a.no_boilerplate,
           "trending": trending, "fmt": "jsonl" if a.out else "dir"}
    if a.synthetic is not None:
        cfg["mode"] = "synthetic"
        cfg["n"] = a.synthetic
        nchunks = (a.synthetic + CHUNK - 1) // CHUNK
    else:
        cfg["mode"] = "ecb"
        docs = load_ecb(a.ecb, Random("%s:ecb" % seed))
        cfg["ecb"] = docs
        merged = merge_ecb_dups(docs, a.ecb_merge)
        if not a.quiet:
            print("gen_corpus: %d ECB originals share a dup label with an earlier near-identical one "
                  "(--ecb-merge %.2f)" % (merged, a.ecb_merge), file=sys.stderr)
        cfg["related_global"] = [("d%d" % d["dupi"], d["title"]) for d in docs]
        nchunks = (len(docs) + CHUNK - 1) // CHUNK
    arts = []
    if a.jobs > 1 and nchunks > 1:
        import multiprocessing as mp
        with mp.get_context("fork" if hasattr(os, "fork") else "spawn").Pool(
                a.jobs, initializer=_init_worker, initargs=(cfg,)) as pool:
            for part in pool.imap(gen_chunk, range(nchunks), chunksize=1):
                arts.extend(part)
    else:
        _init_worker(cfg)
        for ci in range(nchunks):
            arts.extend(gen_chunk(ci))
    t1 = time.time()
    mr.shuffle(arts)
    # ids: about half integers, half outlet-year-counter strings
    n = len(arts)
    is_int = [mr.random() < 0.5 for _ in range(n)]
    k = sum(is_int)
    ints = iter(mr.sample(range(100000, 100000 + max(10 * k, 900000)), k))
    counters = [mr.randrange(1, 5000) for _ in outlets]
    enc = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": ")).encode
    gold_f = open(a.gold, "w", encoding="utf-8", buffering=1 << 20)
    if a.out:
        out_f = sys.stdout if a.out == "-" else open(a.out, "w", encoding="utf-8", buffering=1 << 22)
    else:
        out_f = None
        for o in outlets:
            os.makedirs(os.path.join(a.dir, o.slug), exist_ok=True)
    nbytes = 0
    gl = []
    ol = []
    for i, (payload, date, oi, tlen, dup, story, kind_, sec, orig, doc) in enumerate(arts):
        o = outlets[oi]
        if is_int[i]:
            aid = next(ints)
        else:
            counters[oi] += 1 + int(mr.random() * 3)
            aid = "%s-%s-%06d" % (o.slug, date[:4], counters[oi])
        if out_f is not None:
            ol.append('{"id": %s, %s' % (enc(aid), payload))
            gid = aid
        else:
            rel = "%s/%s.txt" % (o.slug, aid)
            with open(os.path.join(a.dir, rel), "w", encoding="utf-8") as f:
                f.write("date %s %s\n\n%s\n\n%s\n" % (date, sec, payload[0], payload[1]))
            gid = rel
        nbytes += tlen
        g = {"id": gid, "dup": dup, "story": story, "kind": kind_,
             "role": "original" if orig else "copy"}
        if doc is not None:
            g["doc"] = doc
        gl.append(enc(g))
        if len(ol) >= 4096:
            out_f.write("\n".join(ol) + "\n")
            ol.clear()
        if len(gl) >= 16384:
            gold_f.write("\n".join(gl) + "\n")
            gl.clear()
    if ol:
        out_f.write("\n".join(ol) + "\n")
    if gl:
        gold_f.write("\n".join(gl) + "\n")
    gold_f.close()
    if out_f is not None and out_f is not sys.stdout:
        out_f.close()
    if not a.quiet:
        norig = sum(1 for x in arts if x[8])
        print("gen_corpus: %d originals, %d copies, %d articles, %.1f M chars of text, %.1fs (generate %.1fs)"
              % (norig, n - norig, n, nbytes / 1e6, time.time() - t0, t1 - t0), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
