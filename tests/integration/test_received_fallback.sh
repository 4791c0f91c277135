#!/usr/bin/env bash
# timestamp.fallback=received dates a page that states no date anywhere by
# the Kafka timestamp of the message that brought it, and says so in
# newswire.field_sources. The default (none) dead-letters it, and an
# envelope that has only fetched_at, as no-timestamp;
# an envelope's fetched_at comes before the Kafka timestamp; and a message
# that is re-keyed through the repartition topic keeps its own timestamp,
# not the time of the forward (the test waits until the clock is two seconds
# past the input's timestamp before newswire starts, so the two differ).
set -euo pipefail
NAME=test_received_fallback
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$HERE/lib.sh"
nw_newswire
PY=/usr/bin/python3
nw_tmpdir
tmp=$NW_TMP
nw_broker

# A page with a headline and a body but no date in its markup, text or URL.
cat >"$tmp/page.html" <<'HTML'
<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Harbour bridge reopens after repairs | Coast Post</title></head>
<body><nav><a href="/">Home</a></nav><article><h1>Harbour bridge reopens after repairs</h1>
<p>The harbour bridge reopened to traffic in the morning after six weeks of repairs to its deck
and railings, the city council said.</p>
<p>Engineers replaced worn expansion joints and resurfaced both lanes, and the footpath on the
seaward side was widened to let cyclists pass walkers safely.</p>
</article></body></html>
HTML
"$PY" - "$tmp/page.html" >"$tmp/envelope.json" <<'PYEOF'
import json, sys
print(json.dumps({"url": "https://coast.example.org/harbour-bridge", "source": "coast",
                  "fetched_at": "2026-11-30T08:15:00Z", "html": open(sys.argv[1]).read()}))
PYEOF

keyed=$(nw_topic recvkeyed)
unkeyed=$(nw_topic recvunkeyed)
nw_create_topic "$keyed" 1
nw_create_topic "$unkeyed" 2
nw_produce "$keyed" page-1 "$tmp/page.html"
nw_produce "$keyed" page-2 "$tmp/envelope.json"
kcat -P -b "$NW_BOOTSTRAP" -t "$unkeyed" -p 1 "$tmp/page.html" || nw_fail "kcat could not produce"

# Each input message's Kafka timestamp (ms), as the broker stores it.
ts_of() { kcat -C -b "$NW_BOOTSTRAP" -t "$1" -e -q -f '%T\n' | sed -n "${2}p"; }
ts_page=$(ts_of "$keyed" 1)
ts_unkeyed=$(ts_of "$unkeyed" 1)
utc_of() { date -u -d "@$(($1 / 1000))" +%Y-%m-%dT%H:%M:%SZ; }
clock_past() { [ "$(date +%s%3N)" -ge $(($1 + 2000)) ]; }
nw_wait_until 10 clock_past "$ts_unkeyed"

# The record (or dead letter) fields the checks compare, one line per message.
fields() {
  nw_consume_json "$1" | "$PY" -c '
import json, sys
for line in sys.stdin:
    m = json.loads(line)
    r = json.loads(m["payload"])
    src = r["newswire"].get("field_sources", {})
    print(r["versioncreated"], r["firstcreated"], src.get("versioncreated"), src.get("firstcreated"))'
}

nw_flags "$keyed" "$keyed-none"
nw_run_e "$tmp/none" 120 "${NW_FLAGS[@]}" -X log.level=warn
nw_check "default: run -e exits 0" nw_eq "$NW_RC" 0
nw_check "default: both are rejected (fetched_at is a fallback too)" \
  nw_eq "$(cat "$tmp/none.stdout")" "newswire: in=2 emitted=0 duplicate=0 stale=0 rejected=2"
nw_check "default: the dead letters say no-timestamp" nw_eq \
  "$(nw_consume_json "$keyed-none-dlq" | grep -c '"newswire-error","no-timestamp"')" 2

nw_flags "$keyed" "$keyed-recv"
nw_run_e "$tmp/recv" 120 "${NW_FLAGS[@]}" -X timestamp.fallback=received -X log.level=warn
nw_check "received: run -e exits 0" nw_eq "$NW_RC" 0
nw_check "received: both emitted" \
  nw_eq "$(cat "$tmp/recv.stdout")" "newswire: in=2 emitted=2 duplicate=0 stale=0 rejected=0"
want="$(utc_of "$ts_page") $(utc_of "$ts_page") received received
2026-11-30T08:15:00Z 2026-11-30T08:15:00Z fetched_at fetched_at"
nw_check "received: the page is dated by its Kafka timestamp, the envelope by fetched_at" \
  nw_eq "$(fields "$keyed-recv-out")" "$want"

nw_flags "$unkeyed" "$unkeyed-recv"
nw_run_e "$tmp/unkeyed" 120 "${NW_FLAGS[@]}" -X timestamp.fallback=received -X log.level=warn
nw_check "unkeyed: run -e exits 0" nw_eq "$NW_RC" 0
nw_check "unkeyed: emitted through the repartition topic" \
  nw_eq "$(cat "$tmp/unkeyed.stdout")" "newswire: in=1 emitted=1 duplicate=0 stale=0 rejected=0"
nw_check "unkeyed: dated by the input message's timestamp, not the forward's" \
  nw_eq "$(fields "$unkeyed-recv-out")" "$(utc_of "$ts_unkeyed") $(utc_of "$ts_unkeyed") received received"
nw_summary "$NAME"
