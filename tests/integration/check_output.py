#!/usr/bin/python3
"""Checks what newswire wrote to Kafka against what it must have written.

    check_output.py EXPECTED.json OUTPUT.jsonl [--dlq DLQ.jsonl] [--source-topic T]
                    [--summary LINE] [--counters in=N,emitted=N,...]
                    [--extra-rejected KEY=CODE]... [--raw MESSAGES.kcat]

EXPECTED.json is gen_stream.py's format: "versions" [[key, version,
versioncreated], ...], "rejected" [[key, code], ...] and "counters". OUTPUT.jsonl
and DLQ.jsonl are dumps of the output and dead-letter topics made with
`kcat -C -J` (read_committed), one message per line.

Output records:
  - the (key, version, versioncreated) of every record, counted with
    multiplicity, equal the expected ones exactly: each expected version once,
    nothing missing, nothing else;
  - per key, the versions are "1".."n" and versioncreated rises strictly with
    the version number;
  - the value is JSON whose "version" and "versioncreated" are those of the
    record, newswire.article_id is the record key, newswire.source names the
    input (topic, partition, offset, key, format) and content_hash is set;
  - headers: content-type application/json, newswire-version the version,
    newswire-source topic/partition/offset of newswire.source;
  - every version of one article came from one input partition.
Dead letters (--dlq): the (key, newswire-error) pairs equal the expected
rejections with multiplicity, and each carries a message and its source topic,
partition and offset (distinct per dead letter); with --raw (the KEY 0x1f VALUE
0x1e stream that was produced) each dead letter's value is, byte for byte, the
value of an input message with the same key.
Summary (--summary): the line `newswire: in=N emitted=N duplicate=N stale=N
rejected=N` has the expected counters (or those given with --counters), and
in = emitted + duplicate + stale + rejected.

Prints one line per failed check (at most 30 of each kind) and exits 1, or prints
a one-line summary of what was verified and exits 0. Standard library only.
"""
import argparse
import collections
import json
import re
import sys

ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
SUMMARY = re.compile(r"^newswire: in=(\d+) emitted=(\d+) duplicate=(\d+) stale=(\d+) "
                     r"rejected=(\d+)$")
COUNTERS = ("in", "emitted", "duplicate", "stale", "rejected")


class Problems:
    def __init__(self):
        self.items = collections.defaultdict(list)

    def add(self, kind, text):
        self.items[kind].append(text)

    def report(self):
        n = 0
        for kind, texts in self.items.items():
            for t in texts[:30]:
                print(f"check_output: {kind}: {t}", file=sys.stderr)
            if len(texts) > 30:
                print(f"check_output: {kind}: ... and {len(texts) - 30} more", file=sys.stderr)
            n += len(texts)
        return n


def load_dump(path):
    """kcat -J lines; values that are not UTF-8 survive as surrogate escapes."""
    msgs = []
    with open(path, "rb") as fp:
        for lineno, raw in enumerate(fp, 1):
            if not raw.strip():
                continue
            line = raw.decode("utf-8", "surrogateescape")
            try:
                msgs.append(json.loads(line))
            except ValueError as e:
                raise SystemExit(f"check_output: {path}:{lineno}: not a kcat -J line: {e}")
    return msgs


def headers(msg):
    h = msg.get("headers") or []
    out = collections.defaultdict(list)
    for i in range(0, len(h) - 1, 2):
        out[h[i]].append(h[i + 1])
    return out


def one_header(p, where, h, name):
    vals = h.get(name, [])
    if len(vals) != 1:
        p.add("header", f"{where}: header {name} appears {len(vals)} times, expected once")
        return None
    return vals[0]


def check_output(p, exp, msgs, source_topic):
    got = collections.Counter()
    per_key = collections.defaultdict(list)
    parts = collections.defaultdict(set)
    for m in msgs:
        where = f"output {m.get('partition')}/{m.get('offset')} key={m.get('key')!r}"
        key = m.get("key")
        try:
            v = json.loads(m["payload"])
        except (TypeError, ValueError) as e:
            p.add("value", f"{where}: value is not JSON: {e}")
            continue
        ver, vc = v.get("version"), v.get("versioncreated")
        got[(key, ver, vc)] += 1
        per_key[key].append((ver, vc))
        if not isinstance(vc, str) or not ISO.match(vc):
            p.add("value", f"{where}: versioncreated {vc!r} is not YYYY-MM-DDTHH:MM:SSZ")
        nw = v.get("newswire") or {}
        if nw.get("article_id") != key:
            p.add("value", f"{where}: newswire.article_id {nw.get('article_id')!r} is not the key")
        if not nw.get("content_hash"):
            p.add("value", f"{where}: newswire.content_hash missing")
        src = nw.get("source") or {}
        for f in ("topic", "partition", "offset", "key", "format"):
            if f not in src:
                p.add("value", f"{where}: newswire.source.{f} missing")
        if src.get("key") != key:
            p.add("value", f"{where}: newswire.source.key {src.get('key')!r} is not the key")
        if source_topic and src.get("topic") != source_topic:
            p.add("value", f"{where}: newswire.source.topic {src.get('topic')!r}, "
                           f"expected {source_topic!r}")
        parts[key].add(src.get("partition"))
        h = headers(m)
        if one_header(p, where, h, "content-type") not in (None, "application/json"):
            p.add("header", f"{where}: content-type {h['content-type']}")
        hv = one_header(p, where, h, "newswire-version")
        if hv is not None and hv != ver:
            p.add("header", f"{where}: newswire-version {hv!r} but the value says {ver!r}")
        hs = one_header(p, where, h, "newswire-source")
        want = f"{src.get('topic')}/{src.get('partition')}/{src.get('offset')}"
        if hs is not None and hs != want:
            p.add("header", f"{where}: newswire-source {hs!r}, expected {want!r}")

    want = collections.Counter(tuple(x) for x in exp["versions"])
    for k, n in sorted((want - got).items()):
        p.add("missing", f"{k} expected {want[k]}x, got {got[k]}x")
    for k, n in sorted((got - want).items(), key=str):
        p.add("unexpected", f"{k} got {got[k]}x, expected {want[k]}x")

    for key, vs in per_key.items():
        nums = []
        for ver, vc in vs:
            try:
                nums.append((int(ver), vc))
            except (TypeError, ValueError):
                p.add("order", f"key {key!r}: version {ver!r} is not a number")
        nums.sort()
        if [n for n, _ in nums] != list(range(1, len(nums) + 1)):
            p.add("order", f"key {key!r}: versions {[n for n, _ in nums]} are not 1..{len(nums)}")
        times = [vc for _, vc in nums]
        if any(a >= b for a, b in zip(times, times[1:])):
            p.add("order", f"key {key!r}: versioncreated does not rise with the version: {nums}")
    for key, ps in parts.items():
        if len(ps) != 1:
            p.add("partition", f"key {key!r}: versions came from input partitions {sorted(ps)}")
    return len(msgs), len(per_key)


def load_raw(path):
    """KEY 0x1f VALUE 0x1e stream -> {key: set of values (bytes)}."""
    values = collections.defaultdict(set)
    with open(path, "rb") as fp:
        for msg in fp.read().split(b"\x1e"):
            if msg:
                k, v = msg.split(b"\x1f", 1)
                values[k.decode("utf-8", "surrogateescape")].add(v)
    return values


def check_dlq(p, exp, msgs, source_topic, raw):
    got = collections.Counter()
    seen = set()
    for m in msgs:
        where = f"dlq {m.get('partition')}/{m.get('offset')} key={m.get('key')!r}"
        if raw is not None:
            if m.get("payload") is None:
                p.add("dlq-bytes", f"{where}: NULL value")
            elif m["payload"].encode("utf-8", "surrogateescape") not in raw.get(m.get("key"), ()):
                p.add("dlq-bytes", f"{where}: value is not the input's bytes")
        h = headers(m)
        code = one_header(p, where, h, "newswire-error")
        got[(m.get("key"), code)] += 1
        if not one_header(p, where, h, "newswire-error-message"):
            p.add("dlq", f"{where}: empty newswire-error-message")
        t = one_header(p, where, h, "newswire-source-topic")
        part = one_header(p, where, h, "newswire-source-partition")
        off = one_header(p, where, h, "newswire-source-offset")
        if source_topic and t != source_topic:
            p.add("dlq", f"{where}: newswire-source-topic {t!r}, expected {source_topic!r}")
        if not (part or "").isdigit() or not (off or "").isdigit():
            p.add("dlq", f"{where}: source partition/offset {part!r}/{off!r} are not numbers")
        if (t, part, off) in seen:
            p.add("dlq", f"{where}: source {t}/{part}/{off} dead-lettered twice")
        seen.add((t, part, off))
    want = collections.Counter(tuple(x) for x in exp["rejected"])
    for k in sorted(want - got):
        p.add("dlq-missing", f"{k} expected {want[k]}x, got {got[k]}x")
    for k in sorted(got - want, key=str):
        p.add("dlq-unexpected", f"{k} got {got[k]}x, expected {want[k]}x")
    return len(msgs)


def check_summary(p, line, want):
    m = SUMMARY.match(line.strip())
    if not m:
        p.add("summary", f"not a summary line: {line!r}")
        return
    got = dict(zip(COUNTERS, map(int, m.groups())))
    if got["in"] != got["emitted"] + got["duplicate"] + got["stale"] + got["rejected"]:
        p.add("summary", f"in != emitted + duplicate + stale + rejected in {line.strip()!r}")
    for c in COUNTERS:
        if c in want and got[c] != want[c]:
            p.add("summary", f"{c}={got[c]}, expected {want[c]} ({line.strip()!r})")


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("expected")
    ap.add_argument("output")
    ap.add_argument("--dlq")
    ap.add_argument("--source-topic")
    ap.add_argument("--summary")
    ap.add_argument("--counters", help="in=N,emitted=N,...: override the expected counters")
    ap.add_argument("--raw", help="the kcat stream produced: dead letters must match its bytes")
    ap.add_argument("--extra-rejected", action="append", default=[], metavar="KEY=CODE",
                    help="one more expected dead letter (and in, rejected counted); repeatable")
    a = ap.parse_args(argv)
    with open(a.expected, encoding="utf-8") as fp:
        exp = json.load(fp)
    for kc in a.extra_rejected:
        key, code = kc.split("=", 1)
        exp["rejected"].append([key, code])
        for c in ("in", "rejected"):
            exp["counters"][c] += 1
    p = Problems()
    nrec, nkeys = check_output(p, exp, load_dump(a.output), a.source_topic)
    done = [f"{nrec} records of {nkeys} articles"]
    if a.dlq:
        raw = load_raw(a.raw) if a.raw else None
        ndlq = check_dlq(p, exp, load_dump(a.dlq), a.source_topic, raw)
        done.append(f"{ndlq} dead letters" + (" (bytes checked)" if raw is not None else ""))
    if a.summary is not None:
        want = dict(exp.get("counters", {}))
        if a.counters:
            want = {k: int(v) for k, v in (kv.split("=", 1) for kv in a.counters.split(","))}
        check_summary(p, a.summary, want)
        done.append("summary " + " ".join(f"{k}={want[k]}" for k in COUNTERS if k in want))
    n = p.report()
    if n:
        print(f"check_output: {n} problems", file=sys.stderr)
        return 1
    print("check_output: OK: " + ", ".join(done))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
