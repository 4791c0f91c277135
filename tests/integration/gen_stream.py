#!/usr/bin/python3
"""Generates a keyed stream of raw articles for newswire's integration tests,
with the exact output newswire must produce from it.

    gen_stream.py [-n N] [--articles A] [--bad-rate R] [--seed S] [--chunks K] OUTDIR

Writes, deterministically for the same arguments:

  OUTDIR/messages.kcat      every message, in stream order, for
                                kcat -P -b BROKER -t TOPIC -K $'\\x1f' -D $'\\x1e' FILE
                            each message is KEY 0x1f VALUE 0x1e. Neither byte
                            occurs in any key or value; an empty value is sent
                            as a zero-length value (not NULL).
  OUTDIR/expected.json      what must come out of the whole stream:
                              "counters": in, emitted, duplicate, stale, rejected
                              "versions": [[key, version, versioncreated], ...]
                              "rejected": [[key, error code], ...]
                              "stream": [[key, versioncreated or null, outcome], ...]
                                        one per message, in stream order
  OUTDIR/messages-I.kcat    with --chunks K (K > 1), the stream cut into K
  OUTDIR/expected-I.json    consecutive slices (I = 1..K); expected-I.json is
                            what must have come out once slices 1..I are in.

Every message is keyed (the article id is the key, so one article always lands
on one partition with a key-hashing partitioner and its messages keep their
order). The stream mixes, for about A articles with 1 to 5 versions each (each
version a later Updated time and a longer body):

  - first sends of every version, sometimes out of order, so an older version
    arrives after a newer one (stale);
  - exact repeats and layout-only variants (CRLF, trailing blanks, extra blank
    lines, extra `Advertisement` lines, no final newline) of versions already
    sent: duplicates when the version is the newest emitted, stale otherwise;
  - about R (default 1%) bad messages, keyed bad-NNNNN: binary, empty,
    boilerplate only, no timestamp, an impossible date.

The expected output replays newswire's dedupe rule in stream
order: per article id a newer versioncreated is emitted as the next version,
an equal one is a duplicate, an older one is stale. Timestamps use IST
(+05:30), GMT and ISO 8601 forms. Standard library only.
"""
import argparse
import datetime as dt
import json
import os
import random
import sys

KEY_DELIM = b"\x1f"
MSG_DELIM = b"\x1e"

MONTHS = ["January", "February", "March", "April", "May", "June", "July",
          "August", "September", "October", "November", "December"]

WORDS = ("government officials said the new plan would support local schools hospitals "
         "and transport networks across the region while critics warned that costs could "
         "rise further next year as the council reviews its budget and ministers meet "
         "union leaders to discuss pay talks energy prices flood defences and rail services "
         "in northern towns where residents have asked for faster repairs after the storm").split()
PEOPLE = ["Asha Menon", "Tom Whitfield", "Maria Alvarez", "Kenji Sato", "Lena Fischer",
          "Omar Haddad", "Priya Nair", "Sean O'Brien", "Ana Costa", "Jonas Berg"]
TOPICS = ["council budget", "rail strike", "flood defences", "energy prices", "school funding",
          "hospital waiting lists", "port expansion", "wind farm", "water supply", "bus routes"]
PLACES = ["Leeds", "Mumbai", "Lisbon", "Osaka", "Hamburg", "Dublin", "Chennai", "Bergen",
          "Porto", "Glasgow"]

IST = dt.timedelta(hours=5, minutes=30)


def ordinal(d):
    if 10 <= d % 100 <= 20:
        return f"{d}th"
    return f"{d}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(d % 10, 'th') }"


def iso_utc(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def stamp(label, t_utc, style):
    """An Updated/Published line for UTC time t_utc in one of the site styles."""
    if style == 0:  # Updated December 30th, 2021 at 15:02 IST
        loc = t_utc + IST
        return f"{label} {MONTHS[loc.month - 1]} {ordinal(loc.day)}, {loc.year} at {loc:%H:%M} IST"
    if style == 1:  # Updated on Jun 15, 2024 05:55 PM IST
        loc = t_utc + IST
        h12 = loc.hour % 12 or 12
        ampm = "AM" if loc.hour < 12 else "PM"
        return f"{label} on {loc:%b} {loc.day:02d}, {loc.year} {h12:02d}:{loc.minute:02d} {ampm} IST"
    if style == 2:  # Updated on Jan 03, 2022 07:40 AM GMT
        h12 = t_utc.hour % 12 or 12
        ampm = "AM" if t_utc.hour < 12 else "PM"
        return (f"{label} on {t_utc:%b} {t_utc.day:02d}, {t_utc.year} "
                f"{h12:02d}:{t_utc.minute:02d} {ampm} GMT")
    if style == 3:  # Last Updated: Dec 30, 2021, 15:02 IST
        loc = t_utc + IST
        lab = "Last Updated:" if label == "Updated" else "Published:"
        return f"{lab} {loc:%b} {loc.day}, {loc.year}, {loc:%H:%M} IST"
    # Updated 2023-03-04T10:36:00+05:30
    loc = t_utc + IST
    return f"{label} {loc:%Y-%m-%dT%H:%M:%S}+05:30"


class Article:
    def __init__(self, key, rng, nversions):
        self.key = key
        self.rng = rng
        topic = rng.choice(TOPICS)
        place = rng.choice(PLACES)
        self.headline = f"{place} {topic}: {self.sentence(6, 10).rstrip('.')}"
        self.standfirst = self.sentence(14, 24)
        self.byline = rng.choice(PEOPLE)
        self.paragraphs = [self.sentence(30, 70) + " " + self.sentence(20, 50)
                           for _ in range(rng.randint(3, 8))]
        self.style = rng.randrange(5)
        base = dt.datetime(2021, 1, 1) + dt.timedelta(minutes=rng.randrange(4 * 365 * 24 * 60))
        self.published = base
        times = []
        t = base
        for i in range(nversions):
            # Distinct minutes; the first version may be the publication itself.
            t = t + dt.timedelta(minutes=rng.randint(0 if i == 0 else 7, 600))
            times.append(t)
        self.times = times
        self.updates = [self.sentence(15, 40) for _ in range(nversions)]

    def sentence(self, lo, hi):
        n = self.rng.randint(lo, hi)
        s = " ".join(self.rng.choice(WORDS) for _ in range(n))
        return s[0].upper() + s[1:] + "."

    def render(self, v):
        """Canonical text of version v (0-based): LF line ends, final newline."""
        lines = [stamp("Updated", self.times[v], self.style), "", self.headline, "",
                 self.standfirst, "", f"Reported by: {self.byline}", "IMAGE: AP | Image:self",
                 "Advertisement", ""]
        body = list(self.paragraphs)
        for i in range(v + 1):
            body.insert(min(1 + i, len(body)), f"Update {i + 1}: {self.updates[i]}")
        for i, p in enumerate(body):
            lines += [p, ""]
            if i == 2:
                lines += ["Advertisement", ""]
        lines += ["(Image: AP)", "", stamp("Published", self.published, self.style)]
        return "\n".join(lines) + "\n"


def layout_variant(text, rng):
    """The same article with only layout and boilerplate changed."""
    lines = text.split("\n")
    kinds = rng.sample(["crlf", "trailing", "blank", "advert", "nofinal"], rng.randint(1, 3))
    if "trailing" in kinds:
        lines = [ln + " " * rng.randint(1, 3) if ln and rng.random() < 0.5 else ln for ln in lines]
    if "blank" in kinds:
        out = []
        for ln in lines:
            out.append(ln)
            if ln == "" and rng.random() < 0.4:
                out.append("")
        lines = out
    if "advert" in kinds:
        # After the byline block, between paragraphs (never before the headline).
        i = next(i for i, ln in enumerate(lines) if ln.startswith("Advertisement"))
        lines[i + 1:i + 1] = ["", "Advertisement", ""]
    s = "\n".join(lines)
    if "nofinal" in kinds:
        s = s.rstrip("\n")
    if "crlf" in kinds:
        s = s.replace("\n", "\r\n")
    return s


def bad_message(kind, rng, art):
    if kind == "binary":
        b = bytearray(rng.randrange(256) for _ in range(rng.randint(64, 600)))
        for i in range(0, len(b), 17):
            b[i] = 0
        return bytes(x if x not in (0x1e, 0x1f) else 0x20 for x in b), "binary"
    if kind == "empty":
        return b"", "empty"
    if kind == "boilerplate":
        return b"Advertisement\n\nIMAGE: AP | Image:self\n\nAdvertisement\n\n(Image: AP)\n", \
            "not-an-article"
    if kind == "no-timestamp":
        text = art.render(0).split("\n")
        text = [ln for ln in text if not (ln.startswith("Updated") or ln.startswith("Published")
                                          or ln.startswith("Last Updated")
                                          or ln.startswith("Published:"))]
        return "\n".join(text).encode(), "no-timestamp"
    # An impossible date: the 30th of February.
    text = art.render(0).split("\n")
    text[0] = f"Updated February 30th, {art.times[0].year} at 11:15 IST"
    return "\n".join(text).encode(), "bad-timestamp"


def generate(n, narticles, bad_rate, seed):
    rng = random.Random(seed)
    nbad = round(n * bad_rate)
    ngood = n - nbad
    narticles = min(narticles, ngood)
    counts = [rng.choice([1, 1, 2, 2, 3, 3, 4, 5]) for _ in range(narticles)]
    while sum(counts) > ngood:
        i = rng.randrange(narticles)
        if counts[i] > 1:
            counts[i] -= 1
    arts = [Article(f"art-{i:05d}", random.Random(rng.random()), counts[i])
            for i in range(narticles)]

    # Per article: the send order of its versions (some out of order) ...
    plans = []
    for a in arts:
        order = list(range(len(a.times)))
        if len(order) > 1 and rng.random() < 0.3:
            i = rng.randrange(len(order) - 1)
            j = rng.randrange(i + 1, len(order))
            order.insert(j, order.pop(i))  # version i now arrives after a newer one
        plans.append([("first", v) for v in order])
    # ... then repeats and layout variants of versions already sent, spread over the articles.
    for _ in range(ngood - sum(counts)):
        p = plans[rng.randrange(narticles)]
        pos = rng.randint(1, len(p))
        sent = sorted({v for _, v in p[:pos]})
        p.insert(pos, (rng.choice(["repeat", "variant"]), rng.choice(sent)))

    # A uniformly random interleaving that keeps each article's own order.
    tokens = [i for i, p in enumerate(plans) for _ in p]
    rng.shuffle(tokens)
    nxt = [0] * narticles
    stream = []
    for i in tokens:
        kind, v = plans[i][nxt[i]]
        nxt[i] += 1
        a = arts[i]
        text = a.render(v)
        if kind == "variant":
            text = layout_variant(text, rng)
        stream.append({"key": a.key, "value": text.encode(), "time": iso_utc(a.times[v])})
    bad_kinds = ["binary", "empty", "boilerplate", "no-timestamp", "bad-timestamp"]
    for b in range(nbad):
        value, code = bad_message(bad_kinds[b % len(bad_kinds)], rng, rng.choice(arts))
        stream.insert(rng.randint(0, len(stream)), {"key": f"bad-{b:05d}", "value": value,
                                                    "code": code})
    return stream


def expected(stream):
    last = {}  # key -> (versioncreated of the last emitted version, its number)
    c = {"in": 0, "emitted": 0, "duplicate": 0, "stale": 0, "rejected": 0}
    versions, rejected, outcomes = [], [], []
    for m in stream:
        c["in"] += 1
        if "code" in m:
            outcome = "rejected"
            rejected.append([m["key"], m["code"]])
        else:
            t = m["time"]  # ISO UTC strings of one width compare as times
            prev = last.get(m["key"])
            if prev is None or t > prev[0]:
                n = 1 if prev is None else prev[1] + 1
                last[m["key"]] = (t, n)
                versions.append([m["key"], str(n), t])
                outcome = "emitted"
            else:
                outcome = "duplicate" if t == prev[0] else "stale"
        c[outcome] += 1
        outcomes.append([m["key"], m.get("time"), outcome])
    return {"messages": len(stream), "counters": c, "versions": versions, "rejected": rejected,
            "stream": outcomes}


def write_kcat(path, msgs):
    with open(path, "wb") as fp:
        for m in msgs:
            k, v = m["key"].encode(), m["value"]
            assert KEY_DELIM not in k + v and MSG_DELIM not in k + v, m["key"]
            fp.write(k + KEY_DELIM + v + MSG_DELIM)


def write_json(path, obj):
    with open(path, "w", encoding="utf-8") as fp:
        json.dump(obj, fp, indent=1)
        fp.write("\n")


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("outdir")
    ap.add_argument("-n", "--count", type=int, default=10000, help="messages (default 10000)")
    ap.add_argument("--articles", type=int, help="articles (default count * 0.15)")
    ap.add_argument("--bad-rate", type=float, default=0.01, help="share of bad messages")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--chunks", type=int, default=1, help="also write K consecutive slices")
    args = ap.parse_args(argv)
    if args.count < 1 or args.chunks < 1 or args.chunks > args.count:
        ap.error("need count >= chunks >= 1")
    narticles = args.articles or max(1, round(args.count * 0.15))
    stream = generate(args.count, narticles, args.bad_rate, args.seed)
    os.makedirs(args.outdir, exist_ok=True)
    write_kcat(os.path.join(args.outdir, "messages.kcat"), stream)
    exp = expected(stream)
    write_json(os.path.join(args.outdir, "expected.json"), exp)
    if args.chunks > 1:
        for i in range(args.chunks):
            end = len(stream) * (i + 1) // args.chunks
            start = len(stream) * i // args.chunks
            write_kcat(os.path.join(args.outdir, f"messages-{i + 1}.kcat"), stream[start:end])
            write_json(os.path.join(args.outdir, f"expected-{i + 1}.json"), expected(stream[:end]))
    c = exp["counters"]
    print(f"gen_stream: {c['in']} messages, {len({k for k, _, _ in exp['versions']})} articles "
          f"emitted, expected emitted={c['emitted']} duplicate={c['duplicate']} "
          f"stale={c['stale']} rejected={c['rejected']}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
