#!/usr/bin/env python3
"""Scores newswire's HTML body extraction against hand-made article bodies.

The pages and their answers are public collections kept outside the
repository (for example scrapinghub/article-extraction-benchmark: html/*.html
and ground-truth.json, whose entries carry "articleBody"). Each page is given
to `newswire parse --format html`; the record's bodies[0].value is compared
with the answer by word-4-gram F1, the measure that benchmark uses (per-page
precision and recall, averaged over pages, F1 of the two averages).

Pages are split by a hash of their name: about 30% are held out and scored
only with --held-out, so rules are tuned on one part and checked on the other.

Publication dates are another part of the parser: so that a page without a
date the parser can read still shows its body, a known publication time is
put in front of each page (--no-date-hint turns this off). trafilatura and
readability-lxml are scored as well when --venv points to a Python that has
them.

Mozilla readability's test pages (test/test-pages/NAME/source.html with the
expected article in expected.html) are brought to the same layout with
--import-readability SRC DEST: expected.html reduced to its text, one line
per block.

Usage: bench/eval_html_body.py --data /work/data/body/aeb [--held-out] [--venv /work/venv-body]
       bench/eval_html_body.py --import-readability .../test/test-pages /work/data/body/readability
"""
import argparse
import collections
import hashlib
import html.parser
import json
import os
import re
import subprocess
import sys
import time

TOKEN = re.compile(r"\w+", re.UNICODE)
DATE_HINT = b'<meta property="article:published_time" content="2020-01-01T00:00:00Z">\n'


def shingles(text, n=4):
    toks = TOKEN.findall(text or "")
    return collections.Counter(tuple(toks[i:i + n]) for i in range(max(1, len(toks) - n + 1))
                               if toks[i:i + n])


def tp_fp_fn(true, pred):
    t, p = shingles(true), shingles(pred)
    tp = sum(min(t[k], p[k]) for k in t.keys() & p.keys())
    fp = sum(p.values()) - tp
    fn = sum(t.values()) - tp
    s = tp + fp + fn
    return (tp / s, fp / s, fn / s) if s else (0.0, 0.0, 0.0)


def score(results):
    def prec(tp, fp, fn):
        return 1.0 if fp == fn == 0 else (0.0 if tp == fp == 0 else tp / (tp + fp))

    def rec(tp, fp, fn):
        return 1.0 if fp == fn == 0 else (0.0 if tp == fn == 0 else tp / (tp + fn))

    ps = [prec(*r) for r in results if r[0] + r[1] > 0]
    rs = [rec(*r) for r in results if r[0] + r[2] > 0]
    p = sum(ps) / len(ps) if ps else 0.0
    r = sum(rs) / len(rs) if rs else 0.0
    return (2 * p * r / (p + r) if p + r else 0.0), p, r


def held_out(name):
    return int(hashlib.sha256(name.encode()).hexdigest()[:2], 16) < 77  # 77/256 ~ 30%


def newswire_body(binary, html, date_hint):
    data = (DATE_HINT + html) if date_hint else html
    proc = subprocess.run([binary, "parse", "--format", "html"], input=data,
                          capture_output=True)
    if proc.returncode != 0 or not proc.stdout.strip():
        return "", proc.stderr.decode("utf-8", "replace").strip()
    rec = json.loads(proc.stdout.splitlines()[0])
    bodies = rec.get("bodies") or [{}]
    return bodies[0].get("value", ""), ""


OTHERS = r"""
import json, sys
import trafilatura
from readability import Document
import lxml.html
out = {}
for path in sys.argv[1:]:
    html = open(path, 'rb').read().decode('utf-8', 'replace')
    t = trafilatura.extract(html) or ''
    try:
        summ = Document(html).summary(html_partial=True)
        r = lxml.html.fromstring(summ).text_content() if summ.strip() else ''
    except Exception:
        r = ''
    out[path] = {'trafilatura': t, 'readability-lxml': r}
print(json.dumps(out))
"""


class _Text(html.parser.HTMLParser):
    BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "pre", "blockquote", "br",
              "tr", "section", "article", "figcaption", "dd", "dt", "ul", "ol", "table"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []

    def handle_starttag(self, tag, attrs):
        if tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        self.parts.append(data)

    def text(self):
        lines = (" ".join(l.split()) for l in "".join(self.parts).split("\n"))
        return "\n".join(l for l in lines if l)


def import_readability(src, dest):
    os.makedirs(os.path.join(dest, "html"), exist_ok=True)
    truth = {}
    for name in sorted(os.listdir(src)):
        page, expected = (os.path.join(src, name, f) for f in ("source.html", "expected.html"))
        if not (os.path.exists(page) and os.path.exists(expected)):
            continue
        t = _Text()
        t.feed(open(expected, encoding="utf-8", errors="replace").read())
        truth[name] = {"articleBody": t.text()}
        with open(page, "rb") as f, open(os.path.join(dest, "html", name + ".html"), "wb") as o:
            o.write(f.read())
    json.dump(truth, open(os.path.join(dest, "ground-truth.json"), "w"), ensure_ascii=False)
    print(f"{len(truth)} pages into {dest}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default="/work/data/body/aeb")
    ap.add_argument("--newswire", default=os.path.join(os.path.dirname(__file__), "..", "build",
                                                       "newswire"))
    ap.add_argument("--held-out", action="store_true", help="score the held-out part only")
    ap.add_argument("--all", action="store_true", help="score every page")
    ap.add_argument("--venv", default="/work/venv-body", help="Python env with the others")
    ap.add_argument("--no-date-hint", action="store_true")
    ap.add_argument("--worst", type=int, default=0, help="list the N worst pages")
    ap.add_argument("--import-readability", nargs=2, metavar=("SRC", "DEST"))
    args = ap.parse_args()
    if args.import_readability:
        import_readability(*args.import_readability)
        return

    truth = json.load(open(os.path.join(args.data, "ground-truth.json")))
    names = sorted(k for k in truth if args.all or held_out(k) == args.held_out)
    paths = {k: os.path.join(args.data, "html", k + ".html") for k in names}
    names = [k for k in names if os.path.exists(paths[k])]

    mine, per_page, rejected, elapsed = [], [], 0, 0.0
    for k in names:
        html = open(paths[k], "rb").read()
        t0 = time.perf_counter()
        body, why = newswire_body(args.newswire, html, not args.no_date_hint)
        elapsed += time.perf_counter() - t0
        rejected += bool(why)
        r = tp_fp_fn(truth[k].get("articleBody", ""), body)
        mine.append(r)
        per_page.append((score([r])[0], k, why))

    part = "all" if args.all else ("held-out" if args.held_out else "development")
    f1, p, r = score(mine)
    print(f"pages: {len(names)} ({part}), newswire rejected {rejected}")
    print(f"newswire          F1 {f1:.3f}  P {p:.3f}  R {r:.3f}")
    acc = [m for m, (_, _, why) in zip(mine, per_page) if not why]
    f1, p, r = score(acc)
    print(f"  accepted pages   F1 {f1:.3f}  P {p:.3f}  R {r:.3f}  ({len(acc)} pages)")

    py = os.path.join(args.venv, "bin", "python")
    if os.path.exists(py):
        proc = subprocess.run([py, "-c", OTHERS] + [paths[k] for k in names],
                              capture_output=True, text=True)
        if proc.returncode == 0:
            others = json.loads(proc.stdout)
            for tool in ("trafilatura", "readability-lxml"):
                res = [tp_fp_fn(truth[k].get("articleBody", ""), others[paths[k]][tool])
                       for k in names]
                f1, p, r = score(res)
                print(f"{tool:<17} F1 {f1:.3f}  P {p:.3f}  R {r:.3f}")
        else:
            print("others: " + proc.stderr.strip().splitlines()[-1], file=sys.stderr)
    for f, k, why in sorted(per_page)[:args.worst]:
        print(f"  {f:.3f} {k[:16]} {why[:100]}")


if __name__ == "__main__":
    main()
