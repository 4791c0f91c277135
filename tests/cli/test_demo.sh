#!/usr/bin/env bash
# `newswire demo` on the embedded mock cluster: exits 0, prints the records of
# the bundled sample set and counters that add up.
set -euo pipefail
: "${NEWSWIRE:?path to the newswire binary}"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
status=0
timeout 120 "$NEWSWIRE" demo --compact > "$TMP/out" 2> "$TMP/err" || status=$?
fails=0
check() { if "$@"; then :; else echo "FAIL: $*" >&2; fails=$((fails + 1)); fi; }
check test "$status" -eq 0
check grep -q 'embedded Kafka cluster at 127.0.0.1:[0-9]' "$TMP/err"
summary=$(grep '^newswire: in=' "$TMP/out" || true)
check test "$summary" = "newswire: in=11 emitted=4 duplicate=2 stale=2 rejected=3"
check test "$(grep -c '^{"uri"' "$TMP/out")" -eq 4
# The records: versions 1, 2, 3 of one article and version 1 of the other.
got=$(grep '^{"uri"' "$TMP/out" | /usr/bin/python3 -c '
import json, sys
for line in sys.stdin:
    r = json.loads(line)
    print(r["newswire"]["article_id"], r["version"], r["versioncreated"])')
want="ukraine-talks 1 2021-12-30T09:32:00Z
ukraine-talks 2 2021-12-30T15:15:00Z
storm-north 1 2022-01-03T07:40:00Z
ukraine-talks 3 2021-12-31T03:45:00Z"
check test "$got" = "$want"
if [ "$fails" -ne 0 ]; then
  echo "--- stdout"; cat "$TMP/out"; echo "--- stderr"; cat "$TMP/err"
fi
echo "test_demo: $((6 - fails)) passed, $fails failed"
[ "$fails" -eq 0 ]
