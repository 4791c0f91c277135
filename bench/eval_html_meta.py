#!/usr/bin/env python3
"""Measures newswire's HTML metadata (published day, headline) on page collections.

The pages are not in this repository: put them under a data directory (default
/work/data/html) as <set>/cases.json lists of
  {"file": "<set>/pages/x.html", "url": "https://..." | null,
   "date": "YYYY-MM-DD" | null, "title": "..." (optional), "split": "dev" | "heldout",
   "instant": ["YYYY-MM-DDTHH:MM:SSZ", "...Z"] (optional: the answer as a UTC range),
   "answer": "versioncreated" (optional: the answer is the page's last-modified time,
   else its published time, as metascraper's date; judged on the record's versioncreated)}
(bench/build_html_sets.py writes them from the mirrors of htmldate's,
readability's, fundus's, newspaper4k's, goose3's, postlight's and metascraper's repositories). Each page
is wrapped in a JSON envelope with its URL and run through `newswire parse`, two processes at a time.

Printed per split: published-day accuracy on pages with a known date (the day
must match the expected local day under some real UTC offset, -12:00..+14:00,
since the record carries UTC; a set that gives a UTC instant instead is judged
by the local day of both under one offset; strict UTC day in brackets), precision (right
dates among dates given: a wrong date is worse than a rejection), rejections,
and the rate at which the headline equals the expected title (or, without one,
the page's own og:title or <h1>), then the rate at which it equals the page's
own og:title or <h1> whatever the set expects (issue 12's measure: "the page's
own title (og:title or h1, site name removed)"). When htmldate is importable (a throwaway
venv, --htmldate-python), its published-day accuracy on the same pages is
printed as a yardstick.
"""
import argparse
import concurrent.futures
import datetime
import html as htmllib
import json
import os
import re
import subprocess
import sys
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))


def decode(raw):
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def norm(s):
    s = unicodedata.normalize("NFKC", htmllib.unescape(s or ""))
    # Invisible characters (zero-width space, soft hyphen, BOM) are not part of the title.
    s = re.sub("[\u200b\u200c\u200d\u00ad\ufeff]", "", s)
    s = s.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    return re.sub(r"\s+", " ", s).strip().casefold()


def page_titles(text):
    """The page's own title candidates: og:title and the first <h1>, site name removed."""
    out = []
    site = None
    # A value runs to its own closing quote: "Police cars 'pelted with bricks'" is one title;
    # it stays inside its tag (a content= before the property= is another tag's value).
    val = r'(?:"([^"]*)"|\'([^\']*)\')'
    m = re.search(r'<meta[^>]+property=["\']og:site_name["\'][^>]*content=' + val, text, re.I)
    if m:
        site = norm(m.group(1) if m.group(1) is not None else m.group(2))
    m = re.search(r'<meta[^>]+property=["\']og:title["\'][^>]*content=' + val, text, re.I) or \
        re.search(r'<meta[^>]+content=' + val + r'[^>]*property=["\']og:title', text, re.I)
    if m:
        t = norm(m.group(1) if m.group(1) is not None else m.group(2))
        if site:
            # NFKC made the fullwidth bar and colon of CJK titles "|" and ":".
            for sep in (" | ", " - ", " \u2014 ", " \u2013 ", "|", ":"):
                if t.endswith(sep + site):
                    t = t[: -len(sep + site)]
        out.append(t)
    m = re.search(r"<h1[^>]*>(.*?)</h1>", text, re.I | re.S)
    if m:
        out.append(norm(re.sub(r"<[^>]+>", " ", m.group(1))))
    return [t for t in out if t]


def run_one(newswire, case, root, extra):
    raw = open(os.path.join(root, case["file"]), "rb").read()
    env = {"html": decode(raw)}
    if case.get("url"):
        env["url"] = case["url"]
    cmd = [newswire, "parse", "--format", "json"] + sum((["-X", x] for x in extra), [])
    p = subprocess.run(cmd, input=json.dumps(env).encode(), capture_output=True, timeout=60)
    rec = None
    if p.returncode == 0 and p.stdout.strip():
        rec = json.loads(p.stdout)
    return case, rec, p.stderr.decode(errors="replace").strip()[:200], env["html"]


def day_ok(firstcreated, expected, strict):
    t = datetime.datetime.strptime(firstcreated, "%Y-%m-%dT%H:%M:%SZ")
    e = datetime.datetime.strptime(expected, "%Y-%m-%d")
    if strict:
        return t.date() == e.date()
    return e - datetime.timedelta(hours=14) <= t < e + datetime.timedelta(hours=36)


OFFSETS = [datetime.timedelta(minutes=15 * q) for q in range(-48, 57)]  # -12:00..+14:00


def instant_ok(firstcreated, instant, strict):
    """For a set whose answer is a UTC instant or range [from, to] (to exclusive when
    it differs): the record's time and the answer fall on the same local day under
    one real offset. A record at 00:00:00Z may be a day written alone (kept at day
    precision): then that day needs to be the answer's local day under some offset."""
    p = lambda x: datetime.datetime.strptime(x, "%Y-%m-%dT%H:%M:%SZ")
    t, lo, hi = p(firstcreated), p(instant[0]), p(instant[1])
    if hi > lo:
        hi -= datetime.timedelta(seconds=1)
    if strict:
        return lo.date() <= t.date() <= hi.date()
    if t.time() == datetime.time(0) and (lo + OFFSETS[0]).date() <= t.date() <= (hi + OFFSETS[-1]).date():
        return True
    return any((lo + o).date() <= (t + o).date() <= (hi + o).date() for o in OFFSETS)


def date_ok(firstcreated, case, strict):
    if case.get("instant"):
        return instant_ok(firstcreated, case["instant"], strict)
    return day_ok(firstcreated, case["date"], strict)


def htmldate_days(py, cases, root):
    """Runs htmldate in the given interpreter; {file: "YYYY-MM-DD" | None}."""
    code = r"""
import json, sys
from htmldate import find_date
out = {}
for c in json.load(sys.stdin):
    raw = open(c["path"], "rb").read()
    try:
        out[c["file"]] = find_date(raw, url=c.get("url"), original_date=True)
    except Exception:
        out[c["file"]] = None
print(json.dumps(out))
"""
    payload = [{"path": os.path.join(root, c["file"]), "file": c["file"], "url": c.get("url")} for c in cases]
    p = subprocess.run([py, "-c", code], input=json.dumps(payload).encode(), capture_output=True)
    if p.returncode != 0:
        return None
    return json.loads(p.stdout)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default="/work/data/html")
    ap.add_argument("--split", default="dev", choices=["dev", "heldout", "all"])
    ap.add_argument("--newswire", default=os.path.join(HERE, "..", "build", "newswire"))
    ap.add_argument("-X", action="append", default=[], help="configuration key=value for newswire")
    ap.add_argument("--htmldate-python", default="/work/venv-meta/bin/python")
    ap.add_argument("--show-misses", type=int, default=0)
    ap.add_argument("--max-bytes", default="",
                    help="parse.max.message.bytes for newswire (the raw page size limit)")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--sets", default="",
                    help="comma-separated set names under DATA (default: every set)")
    a = ap.parse_args()

    cases = []
    wanted = set(a.sets.split(",")) if a.sets else None
    for s in sorted(os.listdir(a.data)):
        if wanted is not None and s not in wanted:
            continue
        f = os.path.join(a.data, s, "cases.json")
        if os.path.exists(f):
            for c in json.load(open(f)):
                if not isinstance(c.get("date"), str):  # NaN: the set has no answer
                    c["date"] = None
                if a.split == "all" or c["split"] == a.split:
                    cases.append(c)
    if not cases:
        sys.exit("no cases under " + a.data)

    if a.max_bytes:
        a.X.append("parse.max.message.bytes=" + a.max_bytes)
    with concurrent.futures.ThreadPoolExecutor(a.jobs) as ex:
        results = list(ex.map(lambda c: run_one(a.newswire, c, a.data, a.X), cases))

    dated = right = strict_right = wrong = rejected = upd_day = 0
    by_src = {}  # firstcreated's field source -> [right, wrong]
    heads = head_ok = 0
    own_heads = own_ok = 0  # against the page's own og:title / <h1>, as issue 12 states it
    misses = []
    for case, rec, why, text in results:
        if case.get("date"):
            dated += 1
            if rec is None:
                rejected += 1
                misses.append((case, "rejected: " + why))
            else:
                # The record's time the set's answer is: firstcreated, or for a set
                # whose answer is the last-modified time (metascraper's date),
                # versioncreated; "other" is the other one.
                field = case.get("answer", "firstcreated")
                other = "firstcreated" if field == "versioncreated" else "versioncreated"
                src = rec.get("newswire", {}).get("field_sources", {}).get(field)
                if date_ok(rec[field], case, False):
                    right += 1
                    by_src.setdefault(src or "text", [0, 0])[0] += 1
                    strict_right += date_ok(rec[field], case, True)
                else:
                    wrong += 1
                    # The set's answer is sometimes the page's other time (update day).
                    upd_day += date_ok(rec[other], case, False)
                    by_src.setdefault(src or "text", [0, 0])[1] += 1
                    misses.append((case, "wrong: %s %s from %s" % (field, rec[field], src)))
        own = page_titles(text)
        if own and rec is not None:
            own_heads += 1
            own_ok += norm(rec["headlines"][0]["value"]) in own
        want = [norm(case["title"])] if case.get("title") else own
        if want and rec is not None:
            heads += 1
            got = norm(rec["headlines"][0]["value"])
            if got in want:
                head_ok += 1
            else:
                misses.append((case, "headline %r, want %r" % (got[:80], want[0][:80])))

    pct = lambda x, n: "%.1f%%" % (100.0 * x / n) if n else "n/a"
    print("sets=%s split=%s pages=%d with-date=%d" % (a.sets or "all", a.split, len(cases), dated))
    print("published day right: %s (%d/%d) [strict UTC day %s]" % (pct(right, dated), right, dated, pct(strict_right, dated)))
    print("precision (right/(right+wrong)): %s  wrong=%d (of which the update day: %d) rejected=%d" %
          (pct(right, right + wrong), wrong, upd_day, rejected))
    print("published date by source (right/wrong): " +
          ", ".join("%s %d/%d" % (k, v[0], v[1]) for k, v in sorted(by_src.items(), key=lambda x: -sum(x[1]))))
    print("headline equals title: %s (%d/%d parsed pages with a title)" % (pct(head_ok, heads), head_ok, heads))
    print("headline equals the page's own og:title or <h1>: %s (%d/%d parsed pages with either)" %
          (pct(own_ok, own_heads), own_ok, own_heads))
    if a.htmldate_python and os.path.exists(a.htmldate_python):
        dcases = [c for c in cases if c.get("date")]
        got = htmldate_days(a.htmldate_python, dcases, a.data)
        if got is not None:
            hr = sum(1 for c in dcases if got.get(c["file"]) == c["date"])
            hw = sum(1 for c in dcases if got.get(c["file"]) and got[c["file"]] != c["date"])
            print("htmldate (yardstick): day right %s, precision %s, none %d" %
                  (pct(hr, len(dcases)), pct(hr, hr + hw), len(dcases) - hr - hw))
    for case, why in misses[: a.show_misses]:
        print("  %s %s %s: %s" % (case["file"], case.get("url") or "", case.get("date"), why))


if __name__ == "__main__":
    main()
