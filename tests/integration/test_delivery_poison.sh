#!/usr/bin/env bash
# Poison pills: messages whose record or dead letter does not fit what the
# producer accepts (message.max.bytes, 1,000,000 bytes by default) still end
# as a dead letter, in both guarantees, and nothing after them is lost or
# stuck. A 1,040,000-byte article without a timestamp is dead-lettered as
# no-timestamp with its bytes cut to fit (headers newswire-original-size and
# newswire-original-sha256 tell the original); a 700 KB article full of '"'
# and '\' makes a 1.4 MB record and is dead-lettered as record-too-large.
# commit.interval.ms=1 commits after every batch: a failure ignored would
# show as a committed offset without its record or dead letter.
set -euo pipefail
NAME=test_delivery_poison
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$HERE/lib.sh"
nw_newswire
PY=/usr/bin/python3
nw_tmpdir
tmp=$NW_TMP
nw_broker
S=$NW_SOURCE_DIR/config/samples

"$PY" - "$tmp" <<'PYEOF'
import sys
d = sys.argv[1]
words = b"The council met on Tuesday to discuss the harbour budget again. "
# No Published or Updated line: rejected as no-timestamp, 1,040,000 bytes.
big = b"Harbour budget debate runs long\n\n" + words * 20000
open(f"{d}/notime.txt", "wb").write(big[:1040000])
# Each '"' and '\' doubles when the record escapes it in JSON.
body = b'"\\' * 40 + b" said the clerk.\n"
q = b"Updated December 30th, 2021 at 15:02 IST\n\nQuotes everywhere in the minutes\n\n"
q += b"The minutes quote everyone. " + body * ((700000 - len(q)) // len(body))
open(f"{d}/quotes.txt", "wb").write(q)
PYEOF

in=$(nw_topic poison)
nw_create_topic "$in" 1
nw_produce "$in" k-first "$S/01-ukraine-v1.txt"
kcat -P -b "$NW_BOOTSTRAP" -t "$in" -k k-notime -X message.max.bytes=2000000 "$tmp/notime.txt"
kcat -P -b "$NW_BOOTSTRAP" -t "$in" -k k-quotes -X message.max.bytes=2000000 "$tmp/quotes.txt"
nw_produce "$in" k-last "$S/05-storm-envelope.json"
nw_check "input holds 4 messages" nw_eq "$(nw_count "$in")" 4
sha=$(sha256sum "$tmp/notime.txt" | cut -d' ' -f1)

for mode in exactly_once at_least_once; do
  nw_flags "$in" "$in-$mode" "$in-$mode"
  nw_run_e "$tmp/$mode" 120 "${NW_FLAGS[@]}" -X processing.guarantee=$mode \
    -X commit.interval.ms=1 -X log.level=warn
  nw_check "$mode: run -e exits 0" nw_eq "$NW_RC" 0
  nw_check "$mode: the summary counts two records and two dead letters" \
    nw_eq "$(cat "$tmp/$mode.stdout")" "newswire: in=4 emitted=2 duplicate=0 stale=0 rejected=2"
  nw_check "$mode: both good articles are records" nw_eq "$(nw_count "$in-$mode-out")" 2
  nw_consume_json "$in-$mode-dlq" >"$tmp/$mode-dlq.jsonl"
  nw_check "$mode: both poison pills are dead letters, cut to fit" "$PY" - "$tmp/$mode-dlq.jsonl" \
    "$tmp/notime.txt" "$sha" "$tmp/quotes.txt" <<'PYEOF'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8", errors="replace")]
by_key = {r["key"]: r for r in rows}
assert sorted(by_key) == ["k-notime", "k-quotes"], sorted(by_key)
def headers(r):
    h = r.get("headers") or []
    return dict(zip(h[0::2], h[1::2]))
n = headers(by_key["k-notime"])
assert n["newswire-error"] == "no-timestamp", n
assert n["newswire-original-size"] == "1040000", n
assert n["newswire-original-sha256"] == sys.argv[3], n
original = open(sys.argv[2], "rb").read()
cut = by_key["k-notime"]["payload"].encode()
assert 900000 < len(cut) < 1000000 and original.startswith(cut), len(cut)
q = headers(by_key["k-quotes"])
assert q["newswire-error"] == "record-too-large", q
assert "newswire-original-size" not in q, q
assert by_key["k-quotes"]["payload"].encode() == open(sys.argv[4], "rb").read()
PYEOF
  nw_check "$mode: a second run finds nothing left (every offset committed)" \
    nw_eq "$(nw_run_e "$tmp/$mode-again" 60 "${NW_FLAGS[@]}" -X processing.guarantee=$mode \
      -X log.level=warn && cat "$tmp/$mode-again.stdout")" \
    "newswire: in=0 emitted=0 duplicate=0 stale=0 rejected=0"
done
nw_summary "$NAME"
