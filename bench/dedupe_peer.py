#!/usr/bin/env python3
"""The dedupe an afternoon's script would do, for bench/bench_e2e.sh to time next to newswire.

    dedupe_peer.py BOOTSTRAP INPUT_TOPIC OUTPUT_TOPIC GROUP

Reads every partition of INPUT_TOPIC to its end, takes versioncreated from the
Updated line of the text (the forms tests/integration/gen_stream.py writes),
keeps the last emitted versioncreated per key and produces each newer version
unchanged to OUTPUT_TOPIC with its key; equal is a duplicate, older is stale,
no parsable Updated line is rejected. No enrichment, no exactly-once. Prints
the counts. Needs confluent-kafka (pip install confluent-kafka).
"""
import calendar
import re
import sys

from confluent_kafka import Consumer, KafkaError, Producer

MONTHS = {m: i for i, m in enumerate(
    "jan feb mar apr may jun jul aug sep oct nov dec".split(), 1)}
ISO = re.compile(rb"(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:([+-])(\d\d):(\d\d)|Z)")
TEXT = re.compile(rb"Updated:?\s+(?:on\s+)?([A-Za-z]{3})[a-z]*\s+(\d{1,2})(?:st|nd|rd|th)?,"
                  rb"\s+(\d{4}),?\s+(?:at\s+)?(\d\d):(\d\d)(?:\s+([AP]M))?\s+(IST|GMT)")


def versioncreated(value):
    head = value[:300]
    m = ISO.search(head)
    if m:
        y, mo, d, h, mi, s = (int(x) for x in m.groups()[:6])
        off = 0 if m.group(7) is None else (int(m.group(8)) * 60 + int(m.group(9))) * 60
        return calendar.timegm((y, mo, d, h, mi, s)) - (off if m.group(7) == b"+" else -off)
    m = TEXT.search(head)
    if not m or m.group(1).lower().decode() not in MONTHS:
        return None
    y, mo, d = int(m.group(3)), MONTHS[m.group(1).lower().decode()], int(m.group(2))
    if not 1 <= d <= calendar.monthrange(y, mo)[1]:
        return None  # February 30th: timegm would quietly make it March 2nd
    h = int(m.group(4)) % 12 + (12 if m.group(6) == b"PM" else 0) if m.group(6) else int(m.group(4))
    t = calendar.timegm((y, mo, d, h, int(m.group(5)), 0))
    return t - (19800 if m.group(7) == b"IST" else 0)


def main(bootstrap, src, dst, group):
    c = Consumer({"bootstrap.servers": bootstrap, "group.id": group, "enable.auto.commit": False,
                  "auto.offset.reset": "earliest", "enable.partition.eof": True})
    p = Producer({"bootstrap.servers": bootstrap, "linger.ms": 5, "enable.idempotence": True})
    nparts = len(c.list_topics(src, timeout=10).topics[src].partitions)
    c.subscribe([src])
    last, counts, eof = {}, dict.fromkeys(("emitted", "duplicate", "stale", "rejected"), 0), set()
    while len(eof) < nparts:
        for m in c.consume(1000, 1.0):
            if m.error():
                if m.error().code() == KafkaError._PARTITION_EOF:
                    eof.add(m.partition())
                    continue
                raise SystemExit(f"dedupe_peer: {m.error()}")
            vc = versioncreated(m.value() or b"")
            seen = last.get(m.key())
            if vc is None:
                counts["rejected"] += 1
            elif seen is None or vc > seen:
                last[m.key()] = vc
                counts["emitted"] += 1
                while True:
                    try:
                        p.produce(dst, m.value(), m.key())
                        break
                    except BufferError:
                        p.poll(0.1)
                p.poll(0)
            else:
                counts["duplicate" if vc == seen else "stale"] += 1
    c.close()
    if p.flush(60):
        sys.exit(f"dedupe_peer: {len(p)} records undelivered after 60 s")
    print(" ".join(f"{k} {v}" for k, v in counts.items()))


if __name__ == "__main__":
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    main(*sys.argv[1:])
