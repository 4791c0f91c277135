#!/usr/bin/env bash
# `newswire parse` end to end: the seed's fields, schema validity of every
# record (extension schema and, with output.format=ninjs, IPTC's plain 2.2),
# determinism, rejected inputs with their codes and exit status 65.
set -euo pipefail
: "${NEWSWIRE:?path to the newswire binary}"
SRC=${NW_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
DATA=$SRC/tests/data
PY=/usr/bin/python3
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fails=0
pass=0
check() { # check NAME CMD...
  local name=$1; shift
  if "$@"; then pass=$((pass + 1)); else echo "FAIL: $name" >&2; fails=$((fails + 1)); fi
}

# 1. The seed article's fields.
"$NEWSWIRE" parse "$DATA/seed.txt" > "$TMP/seed.jsonl"
check "seed fields" $PY - "$TMP/seed.jsonl" <<'PYEOF'
import json, sys
r = json.loads(open(sys.argv[1], encoding="utf-8").read())
assert r["headlines"] == [{"role": "main", "value": "US, France, Germany and UK reaffirm support for Ukraine amid tensions with Russia"}], r["headlines"]
assert r["by"] == "Bhavya Sukheja", r.get("by")
assert r["firstcreated"] == "2021-12-30T09:32:00Z", r["firstcreated"]
assert r["versioncreated"] == "2021-12-30T09:32:00Z", r["versioncreated"]
assert r["version"] == "1"
assert r["newswire"]["image_credits"] == ["AP"]
src = r["newswire"]["source"]
assert src["file"].endswith("seed.txt") and src["format"] == "text", src
body = r["bodies"][0]["value"]
for banned in ("Advertisement", "IMAGE:", "(Image:", "Reported by:", "Updated December", "Published December"):
    assert banned not in body, banned
for kept in ("\u201cmassive consequences and severe costs\u201d", "'No substitute for direct-leader dialogues' when it comes to Russia",
             "\u201cAnd we will proceed on the principle of noting about them without them,\u201d the senior official added.",
             "Kyiv will not use force to try to retake territory lost in 2014 to Russia-backed separatists."):
    assert kept in body, kept
assert r["bodies"][0]["wordcount"] == len(body.split()), r["bodies"][0]["wordcount"]
assert r["bodies"][0]["charcount"] == len(body)
assert r["descriptions"][0]["value"].startswith("Reaffirming support for Ukraine")
PYEOF

# 2. Variants give the same article fields; records are deterministic.
for f in seed.json seed.html seed-crlf.txt; do
  "$NEWSWIRE" parse --key seed "$DATA/$f" > "$TMP/$f.jsonl"
done
"$NEWSWIRE" parse --key seed "$DATA/seed.txt" > "$TMP/seed-keyed.jsonl"
check "variants agree" $PY - "$TMP/seed-keyed.jsonl" "$TMP/seed.json.jsonl" "$TMP/seed.html.jsonl" "$TMP/seed-crlf.txt.jsonl" <<'PYEOF'
import json, sys
recs = [json.loads(open(p, encoding="utf-8").read()) for p in sys.argv[1:]]
fields = ("uri", "headlines", "descriptions", "bodies", "by", "firstcreated", "versioncreated")
for r in recs[1:]:
    for f in fields:
        assert r[f] == recs[0][f], (f, r[f], recs[0][f])
    assert r["newswire"]["content_hash"] == recs[0]["newswire"]["content_hash"]
    assert r["newswire"]["image_credits"] == ["AP"]
assert recs[1]["newswire"]["source"]["format"] == "json"
assert recs[2]["newswire"]["source"]["format"] == "html"
PYEOF
"$NEWSWIRE" parse "$DATA/seed.txt" "$DATA/seed.json" "$DATA/seed.html" > "$TMP/a.jsonl"
"$NEWSWIRE" parse "$DATA/seed.txt" "$DATA/seed.json" "$DATA/seed.html" > "$TMP/b.jsonl"
check "deterministic" cmp -s "$TMP/a.jsonl" "$TMP/b.jsonl"
check "one record per input" test "$(wc -l < "$TMP/a.jsonl")" -eq 3

# The shipped IPTC schema is IPTC's own, unchanged (when the reference copy
# beside the project is there to compare with).
for shared in "$SRC/../shared/ninjs" "$SRC/../../shared/ninjs"; do
  if [ -f "$shared/ninjs-schema_2.2.json" ]; then
    check "config/ninjs is IPTC's ninjs 2.2 schema, unchanged" \
      cmp -s "$shared/ninjs-schema_2.2.json" "$SRC/config/ninjs/ninjs-schema_2.2.json"
    break
  fi
done

# 3. Every record validates: extension schema, and plain ninjs without it.
# Good inputs: the top of tests/data and the labelled article set.
mapfile -t good < <(find "$DATA" "$DATA/articles" -maxdepth 1 -type f \( -name '*.txt' -o -name '*.json' -o -name '*.html' \) \
  -not -name '*.expected.json' 2>/dev/null | sort -u)
"$NEWSWIRE" parse "${good[@]}" > "$TMP/all.jsonl"
check "all good inputs parsed" test "$(wc -l < "$TMP/all.jsonl")" -eq "${#good[@]}"
check "extension schema" $PY "$SRC/tests/tools/validate.py" newswire "$TMP/all.jsonl" "$TMP/seed.jsonl"
"$NEWSWIRE" parse -X output.format=ninjs "${good[@]}" > "$TMP/plain.jsonl"
check "plain ninjs has no extension" bash -c "! grep -q '\"newswire\"' '$TMP/plain.jsonl'"
check "plain ninjs schema" $PY "$SRC/tests/tools/validate.py" ninjs "$TMP/plain.jsonl"
check "extension record fails plain schema" bash -c "! $PY '$SRC/tests/tools/validate.py' ninjs '$TMP/seed.jsonl' 2>/dev/null"

# 4. Rejections: stable code in the message, exit status 65, nothing on stdout.
reject() { # reject FILE CODE
  local out err status=0
  out=$("$NEWSWIRE" parse "$1" 2> "$TMP/err") || status=$?
  err=$(cat "$TMP/err")
  [ "$status" -eq 65 ] || { echo "  $1: status $status" >&2; return 1; }
  [ -z "$out" ] || { echo "  $1: printed a record" >&2; return 1; }
  [[ "$err" == "newswire: $1: $2: "* ]] || { echo "  $1: stderr '$err'" >&2; return 1; }
}
check "empty" reject "$DATA/bad/empty.txt" empty
check "whitespace" reject "$DATA/bad/whitespace.txt" empty
check "binary" reject "$DATA/bad/binary.bin" binary
check "boilerplate only" reject "$DATA/bad/boilerplate-only.txt" not-an-article
check "no timestamp" reject "$DATA/bad/no-timestamp.txt" no-timestamp
check "bad timestamp" reject "$DATA/bad/bad-timestamp.txt" bad-timestamp
check "truncated envelope" reject "$DATA/bad/truncated.json" bad-envelope
check "envelope without text" reject "$DATA/bad/no-text.json" bad-envelope
{ cat "$DATA/seed.txt"; head -c 1100000 /dev/zero | tr '\0' 'a'; } > "$TMP/oversized.txt"
check "oversized" reject "$TMP/oversized.txt" too-large
check "max size is configurable" bash -c "'$NEWSWIRE' parse -X parse.max.message.bytes=2048 '$DATA/seed.txt' 2>&1 >/dev/null | grep -q too-large"
# A page of 1.5 MB that is mostly inline script is measured without it; a rejection names real sizes.
{ printf '<script>'; head -c 1500000 /dev/zero | tr '\0' 'x'; printf '</script>'; cat "$DATA/seed.html"; } > "$TMP/scripted.html"
check "script-heavy page within the limit" bash -c "'$NEWSWIRE' parse '$TMP/scripted.html' | grep -q 'Bhavya Sukheja'"
check "too-large names the page's size" bash -c "'$NEWSWIRE' parse -X parse.max.message.bytes=2048 '$TMP/scripted.html' 2>&1 >/dev/null | grep -q 'HTML page of $(wc -c < "$TMP/scripted.html") bytes has [0-9]* bytes without'"
check "raw limit" bash -c "'$NEWSWIRE' parse -X parse.max.raw.bytes=1048576 '$TMP/scripted.html' 2>&1 >/dev/null | grep -q 'too-large: more than 1048576 bytes'"
status=0; "$NEWSWIRE" parse "$DATA/seed.txt" "$DATA/bad/empty.txt" > "$TMP/mixed.jsonl" 2>/dev/null || status=$?
check "mixed input: 65 and the good record" test "$status" -eq 65 -a "$(wc -l < "$TMP/mixed.jsonl")" -eq 1
check "stdin" bash -c "'$NEWSWIRE' parse < '$DATA/seed.txt' | grep -q '\"file\":\"-\"'"

# 5. Command line.
check "--help" bash -c "'$NEWSWIRE' parse --help | grep -q 'Usage: newswire parse'"
check "--version" bash -c "'$NEWSWIRE' --version | grep -q 'librdkafka'"
status=0; "$NEWSWIRE" parse --format nonsense "$DATA/seed.txt" >/dev/null 2>&1 || status=$?
check "bad format is a usage error" test "$status" -eq 64
status=0; "$NEWSWIRE" parse -X output.topik=x "$DATA/seed.txt" >/dev/null 2>&1 || status=$?
check "unknown key is a config error" test "$status" -eq 78
status=0; "$NEWSWIRE" parse "$TMP/does-not-exist" >/dev/null 2>&1 || status=$?
check "missing file" test "$status" -eq 66
check "zone override" bash -c "'$NEWSWIRE' parse -X timestamp.zone.IST=+01:00 '$DATA/seed.txt' | grep -q '\"versioncreated\":\"2021-12-30T14:02:00Z\"'"
check "per-source zone override" bash -c "'$NEWSWIRE' parse --source irish -X source.irish.timestamp.zone.IST=+01:00 '$DATA/seed.txt' | grep -q '\"versioncreated\":\"2021-12-30T14:02:00Z\"'"
check "other source keeps default" bash -c "'$NEWSWIRE' parse --source other -X source.irish.timestamp.zone.IST=+01:00 '$DATA/seed.txt' | grep -q '\"versioncreated\":\"2021-12-30T09:32:00Z\"'"

echo "test_parse: $pass passed, $fails failed"
[ "$fails" -eq 0 ]
