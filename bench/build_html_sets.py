#!/usr/bin/env python3
"""Builds the page collections that bench/eval_html_meta.py reads.

The pages belong to their publishers and are not kept in this repository;
this script rebuilds them from local git mirrors of the public repositories
that collected them (bare mirrors without a work tree are fine: files are read
with `git show HEAD:path`). It writes, under DATA (default /work/data/html),
<set>/cases.json and <set>/pages/*.html for each set whose mirror is given:

  htmldate     github:adbar/htmldate, tests/eval_default.json and
               tests/eval_mediacloud_2020.json with the pages they name
               (tests/test_set, tests/cache, tests/eval); Apache-2.0 code.
  readability  github:mozilla/readability, test/test-pages/*/source.html with
               expected-metadata.json (publishedTime, title); Apache-2.0 code.
  fundus       github:flairNLP/fundus, tests/resources/parser/test_data/<cc>/
               <Publisher>_<y>_<m>_<d>.html.gz with meta.info (url) and
               <Publisher>.json (publishing_date, title per parser version);
               MIT code. Each publisher's versions are matched to its pages
               by the title, which must occur in the page.
  newspaper4k  github:AndyTheFactory/newspaper4k, tests/data/html/<name>.html
               with tests/data/metadata/<name>.json (url, title, publish_date);
               MIT code.
  goose3       github:goose3/goose3, tests/data/{content,title}/test_*.html
               of real sites (a json "url" off example.com and a page of at
               least 5 kB); goose3's expected title is its own guess, so the
               headline is checked against og:title / <h1>; no dates.
               Apache-2.0 code.
  postlight    github:postlight/parser (Mercury), fixtures/*.html with the
               per-site tests src/extractors/custom/<domain>/index.test.js
               that load them (url, title, date_published); MIT code
               (LICENSE-MIT; LICENSE-APACHE as well). Mercury's date is a UTC
               instant (or its UTC day), not the page's local day, so a case
               carries "instant": [from, to] (UTC, to exclusive) and the day
               is judged against the local days of that range. Most fixtures
               were saved after Mercury's clean-up (no scripts, so no JSON-LD;
               <meta value=>): the meta content is put back.
  metascraper  github:microlinkhq/metascraper, packages/metascraper/test/
               integration/<site>/ (index.js: the url and the page each test
               reads; snapshots/index.js.md: the reviewed output, date, title,
               url, lang); MIT code (LICENSE.md). Its date is an ISO instant
               (UTC), judged as postlight's ("instant"), and it is the page's
               last-modified time when the page gives one (JSON-LD
               dateModified, modified_time, itemprop dateModified), else its
               published time: newswire's versioncreated, so a case carries
               "answer": "versioncreated".

A case's split is fixed by its URL (or, without one, its page name):
zlib.crc32 % 100 < 30 is held out, the rest is dev.

  python3 bench/build_html_sets.py --htmldate /work/.mirror/adbar+htmldate/repo \\
      --readability /work/.mirror/mozilla+readability/repo \\
      --fundus /work/.mirror/flairNLP+fundus/repo \\
      --newspaper4k /work/.mirror/AndyTheFactory+newspaper4k/repo \\
      --goose3 /work/.mirror/goose3+goose3/repo \\
      --postlight /work/.mirror/postlight+parser/repo \\
      --metascraper /work/.mirror/microlinkhq+metascraper/repo
"""
import argparse
import datetime
import gzip
import html as htmllib
import json
import os
import re
import subprocess
import sys
import zlib


def git(repo, *args):
    return subprocess.run(["git", "--git-dir", repo] + list(args), check=True, capture_output=True).stdout


def show(repo, path):
    return git(repo, "show", "HEAD:" + path)


def ls(repo, path):
    """Paths under path at HEAD (recursively)."""
    out = git(repo, "ls-tree", "-r", "--name-only", "-z", "HEAD", "--", path)
    return [p.decode() for p in out.split(b"\0") if p]


def split_of(key):
    return "heldout" if zlib.crc32(key.encode("utf-8")) % 100 < 30 else "dev"


def write_set(data, name, cases, pages):
    """pages: {file name: bytes}; cases carry "file" as that name."""
    d = os.path.join(data, name, "pages")
    os.makedirs(d, exist_ok=True)
    for fname, raw in pages.items():
        with open(os.path.join(d, fname), "wb") as f:
            f.write(raw)
    for c in cases:
        c["file"] = name + "/pages/" + c["file"]
    with open(os.path.join(data, name, "cases.json"), "w") as f:
        json.dump(cases, f, indent=1, ensure_ascii=False)
    dev = sum(1 for c in cases if c["split"] == "dev")
    dated = sum(1 for c in cases if c.get("date"))
    print("%s: %d pages (%d dev, %d held out), %d with a date" % (name, len(cases), dev, len(cases) - dev, dated))


def build_htmldate(repo, data):
    where = {}
    for d in ("tests/test_set", "tests/cache", "tests/eval"):
        for p in ls(repo, d):
            where.setdefault(os.path.basename(p), p)
    cases, pages, missing = [], {}, 0
    for ev in ("tests/eval_mediacloud_2020.json", "tests/eval_default.json"):
        for url, v in json.loads(show(repo, ev)).items():
            path = where.get(v["file"])
            if path is None:
                missing += 1
                continue
            pages[v["file"]] = show(repo, path)
            date = v.get("date") if isinstance(v.get("date"), str) else None
            cases.append({"file": v["file"], "url": url, "date": date, "split": split_of(url)})
    if missing:
        print("htmldate: %d pages named but absent" % missing, file=sys.stderr)
    write_set(data, "htmldate", cases, pages)


def build_readability(repo, data):
    base = "test/test-pages/"
    names = sorted({p[len(base):].split("/")[0] for p in ls(repo, base)})
    cases, pages = [], {}
    for n in names:
        try:
            raw = show(repo, base + n + "/source.html")
            meta = json.loads(show(repo, base + n + "/expected-metadata.json"))
        except subprocess.CalledProcessError:
            continue
        pages[n + ".html"] = raw
        pt = meta.get("publishedTime")
        date = pt[:10] if isinstance(pt, str) and re.match(r"\d{4}-\d\d-\d\d", pt) else None
        # readability's title is its own guess (often with the site name), not the
        # page's headline: the evaluation falls back to og:title / <h1>.
        cases.append({"file": n + ".html", "url": None, "date": date, "split": split_of(n)})
    write_set(data, "readability", cases, pages)


def fundus_title_in(title, text):
    t = re.sub(r"\s+", " ", title).strip()
    page = re.sub(r"\s+", " ", htmllib.unescape(text))
    return t and t in page


def build_fundus(repo, data):
    base = "tests/resources/parser/test_data/"
    paths = ls(repo, base)
    groups = sorted({p[len(base):].split("/")[0] for p in paths if p.count("/") > len(base.split("/")) - 1})
    cases, pages, unmatched = [], {}, 0
    for g in groups:
        gp = [p for p in paths if p.startswith(base + g + "/")]
        if base + g + "/meta.info" not in gp:
            continue
        info = json.loads(show(repo, base + g + "/meta.info"))
        by_pub = {}
        for p in gp:
            m = re.match(r".*/([^/_]+)_\d{4}_\d\d_\d\d\.html\.gz$", p)
            if m:
                by_pub.setdefault(m.group(1), []).append(p)
        for pub, files in sorted(by_pub.items()):
            try:
                expected = json.loads(show(repo, base + g + "/" + pub + ".json"))
            except subprocess.CalledProcessError:
                continue
            texts = {}
            for p in files:
                raw = gzip.decompress(show(repo, p))
                texts[p] = (raw, raw.decode("utf-8", errors="replace"))
            for ver, attrs in sorted(expected.items()):
                title = attrs.get("title")
                hits = [p for p in files if isinstance(title, str) and fundus_title_in(title, texts[p][1])]
                if len(hits) != 1:
                    unmatched += 1
                    continue
                p = hits[0]
                fname = os.path.basename(p)[: -len(".gz")]
                url = info.get(os.path.basename(p), {}).get("url")
                pd = attrs.get("publishing_date")
                date = pd[:10] if isinstance(pd, str) and re.match(r"\d{4}-\d\d-\d\d", pd) else None
                pages[fname] = texts[p][0]
                cases.append({"file": fname, "url": url, "date": date, "title": title,
                              "publisher": g + "/" + pub, "split": split_of(url or fname)})
    if unmatched:
        print("fundus: %d parser versions not matched to exactly one page" % unmatched, file=sys.stderr)
    write_set(data, "fundus", cases, pages)


def build_newspaper4k(repo, data):
    cases, pages = [], {}
    for p in ls(repo, "tests/data/metadata/"):
        n = os.path.basename(p)[: -len(".json")]
        try:
            raw = show(repo, "tests/data/html/" + n + ".html")
        except subprocess.CalledProcessError:
            continue
        meta = json.loads(show(repo, p))
        pd = meta.get("publish_date")
        date = pd[:10] if isinstance(pd, str) and re.match(r"\d{4}-\d\d-\d\d", pd) else None
        pages[n + ".html"] = raw
        cases.append({"file": n + ".html", "url": meta.get("url"), "date": date,
                      "title": meta.get("title"), "split": split_of(meta.get("url") or n)})
    write_set(data, "newspaper4k", cases, pages)


def build_goose3(repo, data):
    cases, pages = [], {}
    for p in ls(repo, "tests/data/content/") + ls(repo, "tests/data/title/"):
        if not p.endswith(".json"):
            continue
        try:
            raw = show(repo, p[: -len(".json")] + ".html")
        except subprocess.CalledProcessError:
            continue
        url = json.loads(show(repo, p)).get("url") or ""
        # The others are made-up snippets for goose3's own unit tests.
        if not url or re.search(r"//(www\.)?ex[ae]mple\.com|//go\.com", url) or len(raw) < 5000:
            continue
        n = os.path.basename(p)[: -len(".json")]
        pages[n + ".html"] = raw
        cases.append({"file": n + ".html", "url": url, "date": None, "split": split_of(url)})
    write_set(data, "goose3", cases, pages)


JS_STR = r"""'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|`(?:[^`\\$]|\\.)*`"""


def js_string(lit):
    """The value of one JavaScript string literal (no template substitutions)."""
    body = lit[1:-1]
    return re.sub(r"\\(u\{?[0-9a-fA-F]{4,5}\}?|.)", lambda m: js_escape(m.group(1)), body, flags=re.S)


def js_escape(e):
    if e[0] == "u":
        return chr(int(e[1:].strip("{}"), 16))
    return {"n": "\n", "t": "\t", "\n": ""}.get(e, e)


def js_uncomment(src):
    """Drops block comments and whole-line // comments (a // inside a URL stays)."""
    src = re.sub(r"/\*.*?\*/", "", src, flags=re.S)
    return "\n".join(l for l in src.split("\n") if not l.lstrip().startswith("//"))


def postlight_it(block, name):
    """The body of it('returns the <name>', ...) in one test block, or None."""
    m = re.search(r"\bit\(\s*'returns the " + name + r"'", block)
    if not m:
        return None
    nxt = re.search(r"\bit\(", block[m.end():])
    return block[m.end(): m.end() + nxt.start() if nxt else len(block)]


def postlight_case(block):
    """(fixture, url, title, date, instant) of one test block; a part that cannot be read
    is None ("skip" for the date when it is asserted in a form not understood)."""
    fx = re.search(r"readFileSync\(\s*(" + JS_STR + r")\s*\)", block)
    url = re.search(r"\burl\s*=\s*(" + JS_STR + r")\s*;", block)
    if not fx or not url:
        return None
    fixture = js_string(fx.group(1))
    if not fixture.startswith("./fixtures/"):
        return None
    title = None
    body = postlight_it(block, "title")
    m = body and re.search(r"assert\.equal\(\s*title\s*,\s*(" + JS_STR + r")\s*\)", body)
    if m:
        title = js_string(m.group(1))
    date, instant = None, None
    body = postlight_it(block, "date_published")
    if body is not None:
        lits = [js_string(x) for x in re.findall(r"assert\.equal\([^;]*?,\s*(" + JS_STR + r")\s*\)", body)]
        full = [x for x in lits if re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z", x)]
        day = [x for x in lits if re.fullmatch(r"\d{4}-\d\d-\d\d", x)]
        relative = re.search(r"\.(subtract|add)\(|startsWith", body)
        if len(full) == 1 and len(lits) == 1:
            t = full[0][:19] + "Z"
            date, instant = t[:10], [t, t]
        elif len(day) == 1 and len(lits) == 1 and not relative:
            # moment(...).format() on the test machine: taken as the UTC day.
            date = day[0]
            d = datetime.date.fromisoformat(date)
            instant = [date + "T00:00:00Z", (d + datetime.timedelta(days=1)).isoformat() + "T00:00:00Z"]
        elif re.search(r"assert\.equal\(\s*date_published\s*,\s*null\s*\)", body):
            pass
        else:
            date = "skip"
    return fixture[len("./fixtures/"):], js_string(url.group(1)), title, date, instant


def mercury_unnormalize(raw):
    """Mercury saved most fixtures after its own clean-up: scripts (JSON-LD too) are
    gone and every <meta>'s content= became value= (property= became name=, which
    newswire reads as well). The value= is turned back into content=; the scripts
    cannot be brought back."""
    def one(m):
        tag = m.group(0)
        if re.search(rb"\scontent\s*=", tag, re.I):
            return tag
        return re.sub(rb"(\s)value(\s*=)", rb"\1content\2", tag, count=1, flags=re.I)
    return re.sub(rb"<meta\b[^>]*>", one, raw, flags=re.I)


def build_postlight(repo, data):
    tests = [p for p in ls(repo, "src/extractors/custom/") if p.endswith("/index.test.js")]
    fixtures = set(ls(repo, "fixtures/"))
    cases, pages, seen = [], {}, set()
    skipped = {"block": 0, "date": 0, "title": 0, "fixture": 0, "repeat": 0}
    for t in sorted(tests):
        src = js_uncomment(show(repo, t).decode("utf-8"))
        # One block per beforeAll (a file may test several fixtures).
        starts = [m.start() for m in re.finditer(r"\bbeforeAll\(", src)]
        for i, s in enumerate(starts):
            got = postlight_case(src[s: starts[i + 1] if i + 1 < len(starts) else len(src)])
            if got is None:
                skipped["block"] += 1
                continue
            fixture, url, title, date, instant = got
            if "fixtures/" + fixture not in fixtures:
                skipped["fixture"] += 1
                continue
            if fixture in seen:
                skipped["repeat"] += 1
                continue
            if date == "skip":
                skipped["date"] += 1
                date, instant = None, None
            if title is None:
                skipped["title"] += 1
            seen.add(fixture)
            pages[fixture] = mercury_unnormalize(show(repo, "fixtures/" + fixture))
            c = {"file": fixture, "url": url, "date": date, "split": split_of(url)}
            if instant:
                c["instant"] = instant
            if title:
                c["title"] = title
            cases.append(c)
    print("postlight: skipped %s" % ", ".join("%d %s" % (v, k) for k, v in skipped.items()), file=sys.stderr)
    write_set(data, "postlight", cases, pages)


MS_DIR = "packages/metascraper/test/integration/"
MS_TEST = r"(?:\btest(?:\.\w+)?|\(process\.env\.CI \? test\.skip : test\))\(\s*(" + JS_STR + r")"


def ms_snapshots(md):
    """{test name: {field: value}} from an AVA snapshot report: the first snapshot of
    each test, its top-level single-line string or null members."""
    out, name, obj = {}, None, None
    for line in md.split("\n"):
        if line.startswith("## "):
            name, obj = line[3:].strip(), None
        elif name is not None and name not in out and line.strip() == "{":
            obj = out[name] = {}
        elif obj is not None and line.strip() == "}":
            obj = None
        elif obj is not None:
            m = re.fullmatch(r" {6}(\w+): (null|" + JS_STR + r"),", line)
            if m:
                obj[m.group(1)] = None if m.group(2) == "null" else js_string(m.group(2))
    return out


def build_metascraper(repo, data):
    paths = set(ls(repo, MS_DIR))
    cases, pages = [], {}
    skipped = {"test": 0, "page": 0, "snapshot": 0, "date": 0, "title": 0}
    sites = sorted({p[len(MS_DIR):].split("/")[0] for p in paths})
    for site in sites:
        base = MS_DIR + site + "/"
        if base + "index.js" not in paths or base + "snapshots/index.js.md" not in paths:
            skipped["test"] += 1
            continue
        src = js_uncomment(show(repo, base + "index.js").decode("utf-8"))
        snaps = ms_snapshots(show(repo, base + "snapshots/index.js.md").decode("utf-8"))
        top = re.search(r"\burl\s*=\s*(" + JS_STR + r")", src)
        tests = list(re.finditer(MS_TEST, src))
        if not tests:
            skipped["test"] += 1
        for i, m in enumerate(tests):
            block = src[m.end(): tests[i + 1].start() if i + 1 < len(tests) else len(src)]
            name = js_string(m.group(1))
            fx = re.search(r"readFile\(\s*resolve\(\s*__dirname\s*,\s*(" + JS_STR + r")\s*\)", block)
            url = re.search(r"\burl\s*=\s*(" + JS_STR + r")", block) or top
            page = fx and base + js_string(fx.group(1))
            if not page or page not in paths or not url:
                skipped["page"] += 1
                continue
            snap = snaps.get(name)
            if snap is None:
                skipped["snapshot"] += 1
                continue
            url = js_string(url.group(1))
            fname = site + ("" if len(tests) == 1 else "-" + re.sub(r"\W+", "-", name).strip("-")) + ".html"
            c = {"file": fname, "url": url, "date": None, "split": split_of(url), "answer": "versioncreated"}
            d = snap.get("date")
            if d and re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z", d):
                t = d[:19] + "Z"
                c["date"], c["instant"] = t[:10], [t, t]
            elif d:
                skipped["date"] += 1
            if snap.get("title"):
                c["title"] = snap["title"]
            else:
                skipped["title"] += 1
            if snap.get("lang"):
                c["lang"] = snap["lang"]
            pages[fname] = show(repo, page)
            cases.append(c)
    print("metascraper: skipped %s" % ", ".join("%d %s" % (v, k) for k, v in skipped.items()), file=sys.stderr)
    write_set(data, "metascraper", cases, pages)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default="/work/data/html")
    ap.add_argument("--htmldate", help="git directory of a mirror of adbar/htmldate")
    ap.add_argument("--readability", help="git directory of a mirror of mozilla/readability")
    ap.add_argument("--fundus", help="git directory of a mirror of flairNLP/fundus")
    ap.add_argument("--newspaper4k", help="git directory of a mirror of AndyTheFactory/newspaper4k")
    ap.add_argument("--goose3", help="git directory of a mirror of goose3/goose3")
    ap.add_argument("--postlight", help="git directory of a mirror of postlight/parser")
    ap.add_argument("--metascraper", help="git directory of a mirror of microlinkhq/metascraper")
    a = ap.parse_args()
    if not (a.htmldate or a.readability or a.fundus or a.newspaper4k or a.goose3 or a.postlight
            or a.metascraper):
        sys.exit("give at least one mirror")
    if a.htmldate:
        build_htmldate(a.htmldate, a.data)
    if a.readability:
        build_readability(a.readability, a.data)
    if a.fundus:
        build_fundus(a.fundus, a.data)
    if a.newspaper4k:
        build_newspaper4k(a.newspaper4k, a.data)
    if a.goose3:
        build_goose3(a.goose3, a.data)
    if a.postlight:
        build_postlight(a.postlight, a.data)
    if a.metascraper:
        build_metascraper(a.metascraper, a.data)


if __name__ == "__main__":
    main()
