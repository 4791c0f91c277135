#!/usr/bin/env bash
# Misspelt or mistyped enricher settings are configuration errors (exit 78)
# before anything is consumed (issue 11 point 10, issue 14 point 3): from
# --check-config, and from run against a broker that is not there (port 1),
# which must exit at once rather than wait for it.
set -euo pipefail
: "${NEWSWIRE:?path to the newswire binary}"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fails=0
pass=0
expect() { # expect NAME STATUS NEEDLE CMD...
  local name=$1 want=$2 needle=$3 rc=0; shift 3
  timeout 20 "$@" > "$TMP/out" 2> "$TMP/err" || rc=$?
  if [ "$rc" -eq "$want" ] && { [ -z "$needle" ] || grep -qF -- "$needle" "$TMP/err"; }; then
    pass=$((pass + 1))
  else
    echo "FAIL: $name (exit $rc, want $want)" >&2; cat "$TMP/err" >&2; fails=$((fails + 1))
  fi
}
expect "misspelt built-in setting, --check-config" 78 \
  'did you mean enrichers.neardup.threshold?' \
  "$NEWSWIRE" run --check-config -b 127.0.0.1:1 -X enrichers.neardup.treshold=3
expect "misspelt built-in setting, run exits before connecting" 78 \
  'enrichers.neardup.treshold: built-in enricher neardup has no setting' \
  "$NEWSWIRE" run -X kafka.bootstrap.servers=127.0.0.1:1 -X metrics.listen= \
  -X enrichers.neardup.treshold=3
expect "mistyped value" 78 'enrichers.stats.wpm: "fast" is not an integer' \
  "$NEWSWIRE" run --check-config -b 127.0.0.1:1 -X enrichers.stats.wpm=fast
expect "an enricher that is not loaded" 78 'did you mean enrichers.subjects.max?' \
  "$NEWSWIRE" run --check-config -b 127.0.0.1:1 -X enrichers.subject.max=3
expect "an HTTP instance's setting" 78 'did you mean http.geo.timeout.ms?' \
  "$NEWSWIRE" run --check-config -b 127.0.0.1:1 -X http.geo.url=http://127.0.0.1:9/ -X http.geo.timeout.sm=5
expect "declared settings pass" 0 '' \
  "$NEWSWIRE" run --check-config -b 127.0.0.1:1 -X enrichers.neardup.threshold=2 -X enrichers.neardup.scan=50
echo "test_enricher_settings: $pass passed, $fails failed"
[ "$fails" -eq 0 ]
