#!/usr/bin/env python3
"""Generates a synthetic corpus of raw news messages for benchmarks and tests.

    gen_corpus.py [-n N] [--seed S] [--jsonl] [--kcat] [--force] OUTDIR

Writes, deterministically for a given seed and N:

  OUTDIR/msg/NNNNNN.EXT   one raw message per file, in stream (offset) order;
                          EXT is txt, json, html or bin (a hint only: the
                          parser detects the format itself)
  OUTDIR/manifest.json    every message's key, article, kind and expected
                          outcome (emitted, duplicate, stale or rejected with
                          its reject code), plus the totals
  OUTDIR/messages.jsonl   with --jsonl: one {"key", "value"} object per line
                          ("value_b64" instead of "value" for non-UTF-8 bytes)
  OUTDIR/messages.kcat    with --kcat: the stream for
                              kcat -P -b BROKER -t news.raw -K '\\x1f' -D '\\x1e' < OUTDIR/messages.kcat
                          (on stdin: kcat sends a FILE argument as one message);
                          each message is KEY 0x1f VALUE 0x1e; an unkeyed one is
                          VALUE 0x1e (no key delimiter, so kcat sends a null key).
                          Neither byte occurs in any key or value.

The files are the simplest input for bench_parse and `newswire parse`; the
kcat stream produces the same messages, with their keys, to a topic in one
command (a single file per message cannot carry a different key each).

What varies, so the parser meets what real feeds deliver:
  - format: plain text laid out like the seed article (~60%), a JSON envelope
    carrying text or html (~25%), an HTML page (~15%);
  - size: from about 300 bytes to about 20 KB (log-uniform in three bands);
  - timestamps: every family newswire reads (see TS_FAMILIES), 12- and
    24-hour clocks, zone abbreviations and numeric offsets, ISO 8601 with an
    offset or Z, Updated and/or Published lines;
  - boilerplate: Advertisement lines, IMAGE: credits, (Image: X), bylines;
  - layout: LF or CRLF, trailing blanks, hard-wrapped paragraphs, a missing
    final newline, a byte-order mark;
  - identity: keyed messages, unkeyed envelopes (id from the url, with
    tracking parameters that must not matter), unkeyed text (id from the
    hash of source, headline and firstcreated);
  - history: later versions of an article (newer Updated time), exact
    repeats, layout-only variants of a version (duplicates too), re-sent
    older versions (stale);
  - about 2% bad messages: no timestamp, impossible timestamps, binary,
    empty or blank, truncated or incomplete JSON, boilerplate only.

The expected outcomes replay newswire's dedupe rule in stream
order: per article id, a newer versioncreated is emitted, an equal one is a
duplicate, an older one is stale. They assume the default zone table
(IST = +05:30, BST = +01:00, ET/CT/PT following US daylight saving).

The prose is generated from a small vocabulary in the seed article's style;
it is plausible-looking but invented, and reuses no real article's text.
Standard library only.
"""
import argparse
import base64
import datetime as dt
import json
import os
import random
import shutil
import sys

# ---------------------------------------------------------------------------
# Vocabulary

FIRST_NAMES = [
    "Asha", "Ravi", "Meera", "Tomasz", "Ingrid", "Kwame", "Lucia", "Haruto", "Amara", "Oskar",
    "Priya", "Daniel", "Fatima", "Mateo", "Elena", "Jonas", "Aiko", "Samuel", "Nadia", "Liam",
    "Chiara", "Arjun", "Sofia", "Yusuf", "Grace", "Henrik", "Leila", "Marco", "Zanele", "Ethan",
]
LAST_NAMES = [
    "Menon", "Kowalski", "Lindqvist", "Mensah", "Ferreira", "Tanaka", "Okafor", "Brandt", "Iyer",
    "Castillo", "Novak", "Haddad", "Moreau", "Sato", "Dlamini", "Whitfield", "Rossi", "Kapoor",
    "Jensen", "Alvarez", "Nakamura", "Osei", "Petrov", "Larsen", "Bianchi", "Qureshi", "Hughes",
]
TITLES = ["Finance Minister", "Foreign Minister", "Health Secretary", "Mayor", "Commissioner"]
ROLES = [
    "the finance minister", "the foreign minister", "the city's mayor",
    "the central bank governor", "a senior government official", "the opposition leader",
    "the chief executive", "a union spokesperson", "the head of the port authority",
    "the club's manager", "the lead researcher", "a police spokesperson", "the transport commissioner",
]
PLACES = [
    "Mumbai", "Lisbon", "Nairobi", "Osaka", "Rotterdam", "Santiago", "Hanoi", "Krakow", "Accra",
    "Vancouver", "Marseille", "Chennai", "Adelaide", "Tbilisi", "Montevideo", "Gdansk", "Lagos",
    "Valencia", "Kyoto", "Bergen", "Dhaka", "Porto", "Cebu", "Leeds", "Tampere", "Durban",
]
COUNTRIES = [
    "India", "Portugal", "Kenya", "Japan", "the Netherlands", "Chile", "Vietnam", "Poland",
    "Ghana", "Canada", "France", "Australia", "Georgia", "Uruguay", "Nigeria", "Spain", "Norway",
]
INSTITUTIONS = [
    "the finance ministry", "the central bank", "the regional government", "the port authority",
    "the electoral commission", "the national weather service", "the health department",
    "the transport authority", "the state university", "the competition regulator",
    "the city council", "the football federation", "the energy agency", "the supreme court",
]
TOPICS = [
    "the fuel subsidy", "the new rail link", "water rationing", "the wage agreement",
    "the housing plan", "interest rates", "the coastal flood defences", "the election timetable",
    "the fishing quota", "the stadium project", "hospital waiting lists", "the tariff dispute",
    "the power grid upgrade", "school funding", "the ceasefire talks", "the drought response",
]
HEADLINE_VERBS = [
    "approves", "delays", "unveils", "rejects", "backs", "suspends", "expands", "revises",
    "defends", "scraps", "pauses", "fast-tracks",
]
HEADLINE_OBJECTS = [
    "budget for new metro line", "plan to cap rents", "deal with dock workers",
    "flood barrier contract", "rules on short-term lets", "subsidy for solar panels",
    "curbs on diesel trucks", "bid to host regional games", "reform of pension system",
    "talks with neighbouring states", "emergency water measures", "tender for wind farm",
]
HEADLINE_TAILS = [
    "amid protests", "after overnight talks", "as costs rise", "despite court challenge",
    "ahead of key vote", "after storm damage", "amid supply concerns", "as talks resume",
    "after record demand", "amid budget pressure",
]
SAY_VERBS = [
    "said on {day} that", "told reporters that", "confirmed that", "warned that",
    "announced that", "acknowledged that", "insisted that", "argued that", "noted that",
]
CLAUSES = [
    "{topic} would be reviewed before the end of {period}",
    "talks on {topic} would resume {when}",
    "about {num} households had been affected in {place}",
    "the cost of {topic} was higher than first estimated",
    "officials from {country} were expected to join the discussions {when}",
    "{inst} had not yet received a formal proposal",
    "the measures would be phased in over {months} months",
    "funding for {topic} had been secured for {period}",
    "the decision followed weeks of negotiations with {inst}",
    "the figures published by {inst} showed a rise of {pct} per cent",
    "the first phase would cost an estimated {num} million",
    "residents of {place} would be consulted before work began",
    "the timetable for {topic} remained unchanged",
    "there was broad support for {topic} among partners in {country}",
]
QUOTES = [
    "We have a settlement we can take to our members",
    "This is not the end of the process but it is an important step",
    "Nobody should be in any doubt about our commitment to {place}",
    "We will continue to work closely with our partners on every aspect of this",
    "The numbers speak for themselves and we intend to act on them",
    "There is no substitute for sitting down and talking",
    "People in {place} deserve clarity, and that is what we are offering",
    "We expect the first results before the end of {period}",
]
CONNECTIVES = [
    "Additionally,", "Meanwhile,", "Notably,", "However,", "In a statement,", "Separately,",
    "According to {inst},", "Earlier this week,", "On the other hand,", "Since {year},",
]
FRAMES = [
    "It comes as %s.", "Critics said %s.", "The move means %s.", "Analysts expect that %s.",
    "Reports in {country} suggested that %s.", "Under the proposal, %s.",
    "Local media reported that %s.", "A draft seen by reporters indicated that %s.",
]
SUBHEADINGS = [
    "What happens next", "Costs and funding", "Reaction in {place}", "A long dispute",
    "'No quick fix' for {topic}", "The view from {country}", "Timeline of the talks",
    "Questions over {topic}", "Why it matters", "Local concerns",
]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
PERIODS = ["the year", "the month", "the quarter", "the summer", "the financial year"]
WHEN = ["next week", "on Thursday", "early next month", "after the holidays", "within days"]
AGENCIES = ["AP", "AFP", "Reuters", "PTI", "ANI", "EPA", "Getty", "Bloomberg", "Xinhua"]

# Sources: name, zone style, site prefix for keys and urls.
SOURCES = [
    ("delhi-daily", "ist", "ddn"),
    ("bombay-bulletin", "ist", "bbn"),
    ("london-ledger", "uk", "llg"),
    ("berlin-courier", "eu", "bcr"),
    ("athens-observer", "eet", "aob"),
    ("hudson-herald", "us-e", "hhd"),
    ("lakeside-tribune", "us-c", "ltr"),
    ("pacific-post", "us-p", "ppo"),
    ("tokyo-times-wire", "jst", "ttw"),
    ("harbour-city-news", "aest", "hcn"),
    ("global-wire", "utc", "gwr"),
    ("himalaya-herald", "npt", "hhr"),
]

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]

# ---------------------------------------------------------------------------
# Time zones, as the default zone table reads them


def nth_sunday(year, month, n):
    d = dt.date(year, month, 1)
    d += dt.timedelta(days=(6 - d.weekday()) % 7)
    return d + dt.timedelta(weeks=n - 1)


def last_sunday(year, month):
    d = dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)
    return d - dt.timedelta(days=(d.weekday() + 1) % 7)


def us_dst(local):
    """US daylight saving (since 2007), judged on the local wall time; the
    generator never writes the ambiguous or missing hours (see pick_time)."""
    start = dt.datetime.combine(nth_sunday(local.year, 3, 2), dt.time(2))
    end = dt.datetime.combine(nth_sunday(local.year, 11, 1), dt.time(2))
    return start <= local < end


def eu_dst(local):
    start = dt.datetime.combine(last_sunday(local.year, 3), dt.time(1))
    end = dt.datetime.combine(last_sunday(local.year, 10), dt.time(1))
    return start <= local < end


FIXED = {
    "IST": 330, "GMT": 0, "UTC": 0, "BST": 60, "CET": 60, "CEST": 120, "EET": 120, "EEST": 180,
    "EST": -300, "EDT": -240, "CST": -360, "CDT": -300, "PST": -480, "PDT": -420, "JST": 540,
    "AEST": 600,
}
US_STD = {"ET": -300, "CT": -360, "PT": -480}


def zone_for(style, local, rng):
    """Returns (label as printed, offset in minutes) for a source's style."""
    if style == "ist":
        return "IST", 330
    if style == "uk":
        return ("BST", 60) if eu_dst(local) else rng.choice([("GMT", 0), ("UTC", 0)])
    if style == "eu":
        return ("CEST", 120) if eu_dst(local) else ("CET", 60)
    if style == "eet":
        return ("EEST", 180) if eu_dst(local) else ("EET", 120)
    if style in ("us-e", "us-c", "us-p"):
        generic = {"us-e": "ET", "us-c": "CT", "us-p": "PT"}[style]
        std = US_STD[generic]
        off = std + 60 if us_dst(local) else std
        if rng.random() < 0.35:  # the DST-dependent generic abbreviation
            return generic, off
        names = {"us-e": ("EST", "EDT"), "us-c": ("CST", "CDT"), "us-p": ("PST", "PDT")}[style]
        return names[1 if us_dst(local) else 0], off
    if style == "jst":
        return "JST", 540
    if style == "aest":
        return "AEST", 600
    if style == "npt":
        return rng.choice(["+05:45", "+0545"]), 345
    return rng.choice([("UTC", 0), ("GMT", 0)])


def fmt_offset(minutes, colon=True):
    sign = "+" if minutes >= 0 else "-"
    m = abs(minutes)
    return "%s%02d%s%02d" % (sign, m // 60, ":" if colon else "", m % 60)


def iso_utc(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def ordinal(d):
    if 11 <= d % 100 <= 13:
        return "%dth" % d
    return "%d%s" % (d, {1: "st", 2: "nd", 3: "rd"}.get(d % 10, "th"))


def clock12(t):
    h = t.hour % 12 or 12
    return "%02d:%02d %s" % (h, t.minute, "AM" if t.hour < 12 else "PM")


# The timestamp families newswire reads. Each takes the label word, the
# local time and the zone text and returns the whole line.
def ts_long_at(label, t, z):  # Updated December 30th, 2021 at 15:02 IST
    return "%s %s %s, %d at %02d:%02d %s" % (label, MONTHS[t.month - 1], ordinal(t.day), t.year,
                                            t.hour, t.minute, z)


def ts_on_12h(label, t, z):  # Updated on Jun 15, 2024 05:55 PM IST
    return "%s on %s %02d, %d %s %s" % (label, MONTHS[t.month - 1][:3], t.day, t.year, clock12(t), z)


def ts_time_first(label, t, z):  # Published 06:46 IST, September 25th 2024
    return "%s %02d:%02d %s, %s %s %d" % (label, t.hour, t.minute, z, MONTHS[t.month - 1],
                                         ordinal(t.day), t.year)


def ts_colon(label, t, z):  # Last Updated: Dec 30, 2021, 15:02 IST
    word = "Last Updated" if label == "Updated" else "Published"
    return "%s: %s %d, %d, %02d:%02d %s" % (word, MONTHS[t.month - 1][:3], t.day, t.year, t.hour,
                                           t.minute, z)


TS_FAMILIES = [ts_long_at, ts_on_12h, ts_time_first, ts_colon]


def ts_iso(label, t, off, zulu):  # Published 2024-06-15T17:55:00+05:30 / ...Z
    if zulu:
        u = t - dt.timedelta(minutes=off)
        return "%s %sZ" % (label, u.strftime("%Y-%m-%dT%H:%M:%S"))
    return "%s %s%s" % (label, t.strftime("%Y-%m-%dT%H:%M:%S"), fmt_offset(off))


class Stamp:
    """One instant as a site prints it: local time, zone, the UTC it means."""

    def __init__(self, local, zone, offset):
        self.local, self.zone, self.offset = local, zone, offset
        self.utc = local - dt.timedelta(minutes=offset)


def make_stamp(style, utc_hint, rng):
    """A local time near utc_hint in the source's zone, away from DST changes."""
    # First guess the offset from the hint, then settle it on the local time.
    local = utc_hint + dt.timedelta(minutes=330 if style == "ist" else 0)
    for _ in range(2):
        zone, off = zone_for(style, local, random.Random(rng.random()))
        local = utc_hint + dt.timedelta(minutes=off)
    if style in ("uk", "eu", "eet", "us-e", "us-c", "us-p") and local.hour < 4:
        local = local.replace(hour=local.hour + 4)  # never an ambiguous or missing hour
    zone, off = zone_for(style, local, rng)
    return Stamp(local.replace(second=0, microsecond=0), zone, off)


def stamp_line(label, st, family, rng):
    if family == "iso":
        return ts_iso(label, st.local, st.offset, zulu=st.offset == 0 or rng.random() < 0.3)
    return family(label, st.local, st.zone)


# ---------------------------------------------------------------------------
# Prose


class Prose:
    def __init__(self, rng):
        self.rng = rng

    def fill(self, s):
        r = self.rng
        return s.format(
            day=r.choice(DAYS), period=r.choice(PERIODS), when=r.choice(WHEN),
            topic=r.choice(TOPICS), place=r.choice(PLACES), country=r.choice(COUNTRIES),
            inst=r.choice(INSTITUTIONS), num=r.randint(2, 900), pct=r.randint(2, 40),
            year=r.randint(1998, 2020), months=r.randint(3, 36))

    def person(self):
        return "%s %s" % (self.rng.choice(FIRST_NAMES), self.rng.choice(LAST_NAMES))

    def speaker(self):
        r = self.rng
        if r.random() < 0.5:
            return "%s %s" % (r.choice(TITLES), self.person())
        return "%s, %s," % (self.person(), r.choice(ROLES))

    def sentence(self):
        r = self.rng
        k = r.random()
        if k < 0.45:
            subj = r.choice(INSTITUTIONS + ROLES[2:])
            s = "%s %s %s." % (subj[0].upper() + subj[1:], self.fill(r.choice(SAY_VERBS)),
                               self.fill(r.choice(CLAUSES)))
        elif k < 0.65:
            s = "%s %s." % (self.fill(r.choice(CONNECTIVES)), self.fill(r.choice(CLAUSES)))
        elif k < 0.8:
            s = "\u201c%s,\u201d %s said." % (self.fill(r.choice(QUOTES)), self.speaker())
        else:
            s = self.fill(r.choice(FRAMES)) % self.fill(r.choice(CLAUSES))
        return s[0].upper() + s[1:]

    def paragraph(self):
        return " ".join(self.sentence() for _ in range(self.rng.randint(2, 5)))

    def headline(self):
        r = self.rng
        h = "%s %s %s" % (r.choice(PLACES), r.choice(HEADLINE_VERBS), r.choice(HEADLINE_OBJECTS))
        if r.random() < 0.7:
            h += " " + r.choice(HEADLINE_TAILS)
        return h

    def subheading(self):
        return self.fill(self.rng.choice(SUBHEADINGS))


def wrap(text, width):
    out, line = [], ""
    for w in text.split(" "):
        if line and len(line) + 1 + len(w) > width:
            out.append(line)
            line = w
        else:
            line = "%s %s" % (line, w) if line else w
    if line:
        out.append(line)
    return out


# ---------------------------------------------------------------------------
# Articles and their versions


class Article:
    def __init__(self, uid, rng, prose, fmt):
        self.uid = uid
        self.rng = rng
        self.source, self.style, self.prefix = rng.choice(SOURCES)
        self.fmt = fmt  # text, json-text, json-html, html
        r = rng
        # Identity: keyed, unkeyed envelope (url) or unkeyed text (hash).
        self.keyed = r.random() < (0.5 if fmt.startswith("json") else 0.6)
        self.key = "%s-%d-%06d" % (self.prefix, 2020 + uid % 6, uid) if self.keyed else None
        slug = "-".join(prose.headline().lower().split()[:6])
        self.url = "https://www.%s.example/%s/%s-%d" % (self.source, r.choice(
            ["world", "business", "india", "sport", "science", "city"]), slug, uid)
        self.headline = prose.headline()
        self.standfirst = prose.sentence() if r.random() < 0.85 else None
        self.byline = prose.person() if r.random() < 0.8 else None
        self.agency = r.choice(AGENCIES)
        self.family = r.choice(TS_FAMILIES + ["iso"])
        self.target = pick_size(r)
        self.paras = []
        self.grow(prose)
        self.wrap_width = r.choice([72, 76, 80]) if r.random() < 0.2 else 0
        self.layout = pick_layout(r)
        # Times: a published instant between 2021 and 2025.
        base = dt.datetime(2021, 1, 1) + dt.timedelta(minutes=r.randrange(0, 5 * 365 * 24 * 60))
        self.published = make_stamp(self.style, base, r)
        self.versions = []  # Stamp of each version's Updated line (None: no Updated line)

    def grow(self, prose):
        r = self.rng
        size = 0
        while size < self.target or not self.paras:
            if self.paras and r.random() < 0.12:
                p = ("sub", prose.subheading())
            else:
                p = ("p", prose.paragraph())
            self.paras.append(p)
            size += len(p[1]) + 2

    def new_version(self, prose):
        """Adds a version with a later Updated time and an edited text."""
        r = self.rng
        last = self.versions[-1] if self.versions else None
        after = (last or self.published).utc + dt.timedelta(minutes=r.randint(10, 720))
        self.versions.append(make_stamp(self.style, after, r))
        if r.random() < 0.6:  # an added paragraph, the usual update
            self.paras.insert(r.randint(1, len(self.paras)), ("p", prose.paragraph()))
        if self.keyed and r.random() < 0.2:
            self.headline = self.headline + " " + r.choice(["- live", "- update", "- latest"])

    def version_time(self, k):
        """versioncreated of version k (None: no Updated line, so Published)."""
        return (self.versions[k] if k is not None else self.published).utc


def pick_size(r):
    band = r.random()
    lo, hi = (300, 1200) if band < 0.2 else (1500, 6000) if band < 0.8 else (6000, 20000)
    return int(lo * (hi / lo) ** r.random())


def pick_layout(r):
    return {
        "crlf": r.random() < 0.25,
        "trailing": r.random() < 0.3,
        "final_nl": r.random() < 0.6,
        "bom": r.random() < 0.03,
        "ascii_json": r.random() < 0.5,
    }


def render_text(a, upd, rng, with_published=True, published_first=False):
    """The plain-text layout of the seed article, as lines."""
    r = rng
    L = []
    pub_line = stamp_line("Published", a.published, a.family, r) if with_published else None
    if upd is not None:
        L += [stamp_line("Updated", upd, a.family, r), ""]
    if published_first and pub_line:
        L += [pub_line, ""]
        pub_line = None
    L += [a.headline, ""]
    if a.standfirst:
        L += [a.standfirst, ""]
    if a.byline:
        L.append("Reported by: %s" % a.byline)
    L.append("IMAGE: %s | Image:self" % a.agency if r.random() < 0.7 else "Photo: %s" % a.agency)
    L += ["Advertisement", ""]
    for i, (kind, text) in enumerate(a.paras):
        if a.wrap_width and kind == "p":
            L += wrap(text, a.wrap_width)
        else:
            L.append(text)
        L.append("")
        if i % 3 == 2 and r.random() < 0.5:
            L += ["Advertisement", ""]
    L += ["(Image: %s)" % a.agency, "", "Advertisement", ""]
    if pub_line:
        L.append(pub_line)
    return L


def join_lines(L, layout):
    if layout["trailing"]:
        L = [l + " " * (1 + (len(l) % 3)) if l else l for l in L]
    nl = "\r\n" if layout["crlf"] else "\n"
    s = nl.join(L)
    if layout["final_nl"]:
        s += nl
    return s


def html_escape(s):
    return (s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace("\u2019", "&rsquo;").replace("\u201c", "&ldquo;").replace("\u201d", "&rdquo;"))


def render_html(a, upd, rng):
    r = rng
    meta = r.random() < 0.5  # times in <meta> tags, else as visible lines
    H = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
         "<title>%s | %s</title>" % (html_escape(a.headline), a.source)]
    if meta:
        H.append('<meta property="article:published_time" content="%s">'
                 % ts_iso("", a.published.local, a.published.offset, False).strip())
        if upd is not None:
            H.append('<meta property="article:modified_time" content="%s">'
                     % ts_iso("", upd.local, upd.offset, False).strip())
    if a.byline and r.random() < 0.5:
        H.append('<meta name="author" content="%s">' % a.byline)
    H += ["<script>window.dataLayer = window.dataLayer || []; if (a < b) { track('%d'); }</script>" % a.uid,
          "<style>.ad{min-height:250px} p > a {color:#036}</style>", "</head><body>",
          '<nav class="site-nav"><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li>'
          '<li><a href="/business">Business</a></li></ul></nav>',
          '<main><article class="story">']
    if not meta and upd is not None:
        H.append('<p class="dateline">%s</p>' % stamp_line("Updated", upd, a.family, r))
    H.append("<h1>%s</h1>" % html_escape(a.headline))
    if a.standfirst:
        H.append('<p class="standfirst">%s</p>' % html_escape(a.standfirst))
    if a.byline:
        H.append('<p class="byline">Reported by: %s</p>' % a.byline)
    H.append('<figure><img src="/img/%d.jpg" alt=""><figcaption>IMAGE: %s | Image:self</figcaption>'
             "</figure>" % (a.uid, a.agency))
    H.append('<div class="ad-slot">Advertisement</div>')
    for i, (kind, text) in enumerate(a.paras):
        if kind == "sub":
            H.append("<h2>%s</h2>" % html_escape(text))
        else:
            H.append("<p>%s</p>" % html_escape(text))
        if i % 4 == 3:
            H.append('<div class="ad-slot">Advertisement</div>')
    H.append("<p>(Image: %s)</p>" % a.agency)
    H.append('<aside class="related"><h3>Related</h3><ul><li><a href="/x">More from %s</a></li>'
             "</ul></aside>" % r.choice(PLACES))
    if not meta:
        H.append('<p class="dateline">%s</p>' % stamp_line("Published", a.published, a.family, r))
    H += ["</article></main>", "<footer><p>&copy; %s</p></footer>" % a.source, "</body></html>"]
    return "\n".join(H) + "\n"


def render(a, k, rng, url_variant=0, allow_no_published=False):
    """Version k of article a as raw message bytes: k indexes a.versions, or
    is None for a version without an Updated line. Returns the bytes and
    whether they carry a Published time."""
    upd = a.versions[k] if k is not None else None
    fmt = a.fmt
    with_pub = True
    if fmt in ("text", "json-text"):
        # Only a single-version article may go without a Published line, so
        # an unkeyed id (a hash over firstcreated) holds across versions.
        with_pub = upd is None or not allow_no_published or rng.random() < 0.7
        body = join_lines(render_text(a, upd, rng, with_pub, published_first=rng.random() < 0.1),
                          a.layout)
    else:
        body = render_html(a, upd, rng)
    if fmt.startswith("json"):
        env = {"url": a.url + ("?utm_source=feed&utm_medium=rss" if url_variant == 1 else
                               "#comments" if url_variant == 2 else ""),
               "source": a.source,
               "fetched_at": iso_utc(a.version_time(k) + dt.timedelta(minutes=7))}
        env["text" if fmt == "json-text" else "html"] = body
        if rng.random() < 0.5:
            env["lang"] = "en"
        if rng.random() < 0.3:
            env["section"] = rng.choice(["world", "business", "sport"])
        return json.dumps(env, ensure_ascii=a.layout["ascii_json"]).encode("utf-8"), with_pub
    data = body.encode("utf-8")
    if fmt == "text" and a.layout["bom"]:
        data = b"\xef\xbb\xbf" + data
    return data, with_pub


# ---------------------------------------------------------------------------
# Bad messages


def bad_message(rng, prose):
    """Returns (bytes, expected reject code, ext, key or None)."""
    r = rng
    kind = r.random()
    a = Article(0, r, prose, "text")
    a.paras = a.paras[:2]
    upd = None
    if kind < 0.30:  # a well-formed article without any timestamp
        L = [x for x in render_text(a, upd, r, with_published=False)]
        return join_lines(L, a.layout).encode(), "no-timestamp", "txt", None
    if kind < 0.55:  # impossible dates and times are errors, never normalised
        bad = r.choice([
            "Updated February 30th, 2024 at 10:00 IST",
            "Updated February 29th, 2023 at 10:00 IST",
            "Updated on Apr 31, 2024 05:55 PM IST",
            "Updated December 30th, 2021 at 25:02 IST",
            "Published 06:61 IST, September 25th 2024",
            "Last Updated: Dec 32, 2021, 15:02 IST",
            "Updated on Jun 15, 2024 13:55 PM IST",
            "Published 2024-13-01T10:00:00Z",
            "Updated Decmber 30th, 2021 at 15:02 IST",
        ])
        L = [bad, ""] + render_text(a, None, r, with_published=False)
        return join_lines(L, a.layout).encode(), "bad-timestamp", "txt", None
    if kind < 0.70:  # binary: an image header, NUL bytes, invalid UTF-8
        n = r.randint(200, 3000)
        blob = bytes(b for b in (r.randrange(256) for _ in range(n)) if b not in (0x1E, 0x1F))
        return b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + blob, "binary", "bin", None
    if kind < 0.80:  # empty, or blanks only
        return r.choice([b"", b" ", b"\r\n", b" \n\t\n  "]), "empty", "txt", None
    if kind < 0.95:  # a truncated envelope, or one without text or html
        env = json.dumps({"url": a.url, "source": a.source,
                          "text": join_lines(render_text(a, a.published, r), a.layout)})
        if r.random() < 0.7:
            cut = r.randint(10, max(11, len(env) - 2))
            data = env[:cut]
        else:
            data = json.dumps({"url": a.url, "source": a.source, "fetched_at": "2024-01-01T00:00:00Z"})
        return data.encode(), "bad-envelope", "json", None
    # boilerplate and a timestamp, but no article
    L = [stamp_line("Updated", a.published, a.family, r), "", "Advertisement", "",
         "IMAGE: %s | Image:self" % a.agency, "", "Reported by: %s" % prose.person(), "",
         "Advertisement"]
    return join_lines(L, a.layout).encode(), "not-an-article", "txt", None


# ---------------------------------------------------------------------------
# The stream


def pick_format(r):
    x = r.random()
    if x < 0.60:
        return "text"
    if x < 0.85:
        return "json-text" if r.random() < 0.7 else "json-html"
    return "html"


EXT = {"text": "txt", "json-text": "json", "json-html": "json", "html": "html"}


def generate(n, seed):
    rng = random.Random(seed)
    prose = Prose(rng)
    n_bad = round(n * 0.02)
    n_good = n - n_bad

    # Events are (position, tiebreak, payload); sorting them gives the
    # stream. An article starts at its index; its later versions, repeats
    # and re-sends land some hundreds of positions further on.
    events = []
    uid = 0
    while len(events) < n_good * 1.05 + 10:
        uid += 1
        a = Article(uid, rng, prose, pick_format(rng))
        pos = float(uid)
        x = rng.random()
        n_versions = 1 if x < 0.86 else 2 if x < 0.95 else rng.randint(3, 4)
        # Most sites print an Updated line on every version; some only from
        # the first update on.
        if rng.random() < 0.6:
            a.new_version(prose)
        # Render each version as it is made: later versions edit the article.
        # msgs holds (kind, index into a.versions or None for no Updated
        # line, (bytes, has a Published time)).
        first = len(a.versions) - 1 if a.versions else None
        msgs = [("new", first, render(a, first, rng, allow_no_published=n_versions == 1))]
        for _ in range(n_versions - 1):
            a.new_version(prose)
            vi = len(a.versions) - 1
            msgs.append(("version", vi, render(a, vi, rng, url_variant=rng.choice([0, 0, 1, 2]))))
        t = pos
        for kind, vi, out in msgs:
            events.append((t, len(events), a, kind, vi, out))
            t += rng.uniform(3, 400)
        # Exact repeats and layout-only variants: duplicates of a version.
        y = rng.random()
        if y < 0.035:
            kind, vi, out = rng.choice(msgs)
            events.append((pos + rng.uniform(1, 300), len(events), a, "repeat", vi, out))
        elif y < 0.05 and a.fmt == "text":
            kind, vi, (data, has_pub) = msgs[-1]
            var = data.replace(b"\r\n", b"\n") if b"\r\n" in data else data.replace(b"\n", b"\r\n")
            events.append((t + rng.uniform(1, 50), len(events), a, "variant", vi, (var, has_pub)))
        # Stale: an older version re-sent after the newest one.
        if len(msgs) > 1 and rng.random() < 0.5:
            kind, vi, out = msgs[0]
            events.append((t + rng.uniform(1, 200), len(events), a, "resend", vi, out))
    events.sort(key=lambda e: (e[0], e[1]))
    events = events[:n_good]

    stream = []
    for _, _, a, kind, vi, (data, has_pub) in events:
        stream.append({"article": a, "kind": kind, "vi": vi, "data": data, "has_pub": has_pub})
    for _ in range(n_bad):
        data, code, ext, key = bad_message(rng, prose)
        stream.insert(rng.randrange(len(stream) + 1),
                      {"article": None, "kind": "bad", "data": data, "reject": code, "ext": ext,
                       "key": key})
    return stream


def expected(stream):
    """Replays the dedupe rule; returns the manifest entries and the totals."""
    last = {}
    emitted_versions = {}
    entries = []
    counts = {"messages": len(stream), "emitted": 0, "duplicate": 0, "stale": 0, "rejected": 0,
              "rejects": {}, "formats": {}, "kinds": {}, "articles": 0, "keyed": 0, "bytes": 0}
    for i, m in enumerate(stream):
        a = m["article"]
        e = {"offset": i}
        counts["kinds"][m["kind"]] = counts["kinds"].get(m["kind"], 0) + 1
        counts["bytes"] += len(m["data"])
        if a is None:
            e.update(file="%06d.%s" % (i, m["ext"]), key=m["key"], kind="bad", expect="rejected",
                     reject=m["reject"])
            counts["rejected"] += 1
            counts["rejects"][m["reject"]] = counts["rejects"].get(m["reject"], 0) + 1
            entries.append(e)
            continue
        vt = a.version_time(m["vi"])
        aid = "a%06d" % a.uid
        prev = last.get(aid)
        if prev is None or vt > prev:
            outcome = "emitted"
            last[aid] = vt
            emitted_versions[aid] = emitted_versions.get(aid, 0) + 1
        elif vt == prev:
            outcome = "duplicate"
        else:
            outcome = "stale"
        counts[outcome] += 1
        counts["formats"][a.fmt] = counts["formats"].get(a.fmt, 0) + 1
        counts["keyed"] += a.key is not None
        e.update(file="%06d.%s" % (i, EXT[a.fmt]), key=a.key, article=aid, kind=m["kind"],
                 format=a.fmt, source=a.source, expect=outcome,
                 versioncreated=iso_utc(vt),
                 # ninjs firstcreated: the Published time, else the version time
                 firstcreated=iso_utc(a.published.utc if m["has_pub"] else vt),
                 identity="key" if a.key else "url" if a.fmt.startswith("json") else "hash")
        if outcome == "emitted":
            e["version"] = emitted_versions[aid]
        entries.append(e)
    counts["articles"] = len(last)
    return entries, counts


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("outdir")
    ap.add_argument("-n", "--count", type=int, default=10000, help="messages (default 10000)")
    ap.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    ap.add_argument("--jsonl", action="store_true", help="also write messages.jsonl")
    ap.add_argument("--kcat", action="store_true", help="also write messages.kcat")
    ap.add_argument("--force", action="store_true", help="replace an existing OUTDIR/msg")
    args = ap.parse_args(argv)
    if args.count < 1:
        ap.error("--count must be at least 1")

    msgdir = os.path.join(args.outdir, "msg")
    if os.path.exists(msgdir):
        if not args.force:
            ap.error("%s exists (use --force to replace it)" % msgdir)
        shutil.rmtree(msgdir)
    os.makedirs(msgdir)

    stream = generate(args.count, args.seed)
    entries, counts = expected(stream)
    for m, e in zip(stream, entries):
        with open(os.path.join(msgdir, e["file"]), "wb") as f:
            f.write(m["data"])

    for name in ("messages.jsonl", "messages.kcat"):
        path = os.path.join(args.outdir, name)
        if os.path.exists(path):
            os.remove(path)
    if args.jsonl:
        with open(os.path.join(args.outdir, "messages.jsonl"), "w", encoding="utf-8") as f:
            for m, e in zip(stream, entries):
                rec = {"key": e["key"]}
                try:
                    rec["value"] = m["data"].decode("utf-8")
                except UnicodeDecodeError:
                    rec["value_b64"] = base64.b64encode(m["data"]).decode("ascii")
                f.write(json.dumps(rec, ensure_ascii=False) + "\n")
    if args.kcat:
        with open(os.path.join(args.outdir, "messages.kcat"), "wb") as f:
            for m, e in zip(stream, entries):
                assert b"\x1e" not in m["data"] and b"\x1f" not in m["data"]
                if e["key"] is not None:
                    f.write(e["key"].encode() + b"\x1f")
                f.write(m["data"] + b"\x1e")

    manifest = {
        "generator": "bench/gen_corpus.py",
        "seed": args.seed,
        "count": args.count,
        "kcat": "kcat -P -K '\\x1f' -D '\\x1e' < messages.kcat",
        "totals": counts,
        "messages": entries,
    }
    with open(os.path.join(args.outdir, "manifest.json"), "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=1, ensure_ascii=False)
        f.write("\n")
    t = counts
    print("%s: %d messages, %.1f MB: %d emitted (%d articles), %d duplicate, %d stale, %d rejected"
          % (args.outdir, t["messages"], t["bytes"] / 1e6, t["emitted"], t["articles"],
             t["duplicate"], t["stale"], t["rejected"]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
