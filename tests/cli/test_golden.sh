#!/usr/bin/env bash
# Golden records: `newswire parse` over config/samples/ and tests/data/articles/
# gives, byte for byte, the committed files in tests/data/golden/ (records,
# rejection messages and exit statuses). It proves that a refactor changes no
# byte of output. A change meant to alter records regenerates them with
# scripts/update-golden and commits the reviewed diff with it.
set -euo pipefail
: "${NEWSWIRE:?path to the newswire binary}"
SRC=${NW_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
GOLDEN=$SRC/tests/data/golden
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

want=$(find "$GOLDEN" -name '*.golden' | wc -l)
# 11 samples + the whole set in one run + 36 articles; fewer means files went
# missing from the committed set, and the comparison below would shrink too.
[ "$want" -ge 48 ] || { echo "FAIL: only $want golden files in $GOLDEN" >&2; exit 1; }

NEWSWIRE=$NEWSWIRE "$SRC/scripts/update-golden" --out "$TMP/now" 2> "$TMP/log" \
  || { cat "$TMP/log" >&2; exit 1; }
got=$(find "$TMP/now" -name '*.golden' | wc -l)
if ! diff -r --exclude=README.md "$GOLDEN" "$TMP/now" > "$TMP/diff"; then
  echo "FAIL: newswire parse output differs from tests/data/golden:" >&2
  head -c 4000 "$TMP/diff" >&2
  echo >&2
  echo "If the change is intended: scripts/update-golden, review git diff, commit." >&2
  exit 1
fi
echo "test_golden: $got of $want golden files identical"
