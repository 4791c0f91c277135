#!/usr/bin/env bash
# Acceptance 3: volume. gen_stream.py makes 10,000 keyed messages (about 1,500 articles with 1-5
# versions each, exact repeats, layout-only variants, late older versions spread through the
# stream, about 1% bad messages) and the exact output they must give. kcat produces them to a
# 3-partition input in one stream (keyed: the partitioner keeps each article on one partition),
# `newswire run -e` (exactly_once) processes them, and check_output.py compares what kcat reads
# back (read_committed) with the expectation:
#   - every expected (key, version, versioncreated) exactly once and nothing else, versions
#     1..n in versioncreated order per article, headers and source of every record;
#   - every dead letter with its key, error code and original bytes;
#   - the summary counters, and in = emitted + duplicate + stale + rejected;
#   - every output record validates against the project schema.
# Prints the elapsed time and throughput for information (no threshold).
#   NW_VOLUME_MESSAGES (default 10000) changes the size.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

NAME=test_pipeline_volume
PY=/usr/bin/python3
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
NEWSWIRE=${NEWSWIRE:-$NW_SOURCE_DIR/build/newswire}
N=${NW_VOLUME_MESSAGES:-10000}
[ -x "$NEWSWIRE" ] || nw_fail "newswire binary not found at '$NEWSWIRE' (set NEWSWIRE)"

pass=0 fail=0 finished=0
tmp=$(mktemp -d)
cleanup() {
  local rc=$?
  if [ "$finished" != 1 ]; then
    echo "$NAME: $pass passed, $((fail + 1)) failed (aborted; files kept in $tmp)"
  elif [ "$fail" != 0 ]; then
    echo "files kept in $tmp"
  else
    rm -rf "$tmp"
  fi
  exit "$rc"
}
trap cleanup EXIT

check() {
  local desc=$1
  shift
  if "$@"; then
    pass=$((pass + 1))
    echo "ok - $desc"
  else
    fail=$((fail + 1))
    echo "not ok - $desc" >&2
  fi
}
eq() { [ "$1" = "$2" ] || {
  printf '  expected: %s\n  got:      %s\n' "$2" "$1" >&2
  return 1
}; }
partitions() {
  kcat -L -b "$NW_BOOTSTRAP" -t "$1" -m 5 2>/dev/null | grep -Ec '^ +partition [0-9]+, leader [0-9]+,' || true
}
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }

nw_broker
echo "broker: $NW_BOOTSTRAP, newswire: $NEWSWIRE"
t_start=$SECONDS

t0=$(now)
"$PY" "$HERE/gen_stream.py" -n "$N" --seed 3 "$tmp/gen"
echo "generated $N messages ($(wc -c <"$tmp/gen/messages.kcat") bytes) in $(since "$t0")s"
counters=$("$PY" -c 'import json,sys; c=json.load(open(sys.argv[1]))["counters"]
print(" ".join(f"{k}={c[k]}" for k in ("in","emitted","duplicate","stale","rejected")))' "$tmp/gen/expected.json")
echo "expected: $counters"

in=$(nw_topic volume)
out=$in-out dlq=$in-dlq state=$in-state group=$in-group
nw_create_topic "$in" 3
t0=$(now)
kcat -P -b "$NW_BOOTSTRAP" -t "$in" -K $'\x1f' -D $'\x1e' -X enable.idempotence=true \
  <"$tmp/gen/messages.kcat" || nw_fail "kcat could not produce the stream"
echo "produced in $(since "$t0")s"
check "input holds $N messages" eq "$(nw_count "$in")" "$N"
for p in 0 1 2; do
  n=$(nw_count "$in" -p "$p")
  check "input partition $p has messages ($n)" [ "$n" -gt 0 ]
done

# metrics.listen=127.0.0.1:0: a port of its own (another newswire here may hold the default).
t0=$(now)
rc=0
timeout -k 5 240 "$NEWSWIRE" run -b "$NW_BOOTSTRAP" -X input.topics="$in" -X output.topic="$out" \
  -X dlq.topic="$dlq" -X state.topic="$state" -X group.id="$group" -X log.level=warn \
  -X metrics.listen=127.0.0.1:0 -e \
  >"$tmp/stdout" 2>"$tmp/stderr" || rc=$?
elapsed=$(since "$t0")
echo "newswire run -e: status $rc, ${elapsed}s, $(awk -v n="$N" -v s="$elapsed" 'BEGIN { printf "%.0f", n / s }') msgs/s (including startup and state restore)"
echo "summary: $(cat "$tmp/stdout")"
if [ "$rc" != 0 ] || [ -s "$tmp/stderr" ]; then
  echo "newswire stderr (last lines):" >&2
  tail -n 20 "$tmp/stderr" >&2
fi
check "newswire run -e exits 0" eq "$rc" 0
check "stdout is one summary line" eq "$(wc -l <"$tmp/stdout" | tr -d ' ')" 1
check "summary counters" eq "$(cat "$tmp/stdout")" "newswire: $counters"

nw_consume_json "$out" >"$tmp/out.jsonl"
nw_consume_json "$dlq" >"$tmp/dlq.jsonl"
check "output, dead letters (with bytes) and summary match expected.json (check_output.py)" \
  "$PY" "$HERE/check_output.py" "$tmp/gen/expected.json" "$tmp/out.jsonl" --dlq "$tmp/dlq.jsonl" \
  --raw "$tmp/gen/messages.kcat" --source-topic "$in" --summary "$(cat "$tmp/stdout")"

"$PY" -c '
import json, sys
with open(sys.argv[2], "w", encoding="utf-8") as o:
    for line in open(sys.argv[1], encoding="utf-8"):
        o.write(json.loads(line)["payload"] + "\n")' "$tmp/out.jsonl" "$tmp/records.jsonl"
check "every output record validates against the project schema" \
  "$PY" "$NW_SOURCE_DIR/tests/tools/validate.py" newswire "$tmp/records.jsonl"
for t in "$out" "$dlq" "$state"; do
  check "${t#"$in"} topic has the input's 3 partitions" eq "$(partitions "$t")" 3
done

finished=1
echo "$NAME: $pass passed, $fail failed ($((SECONDS - t_start))s)"
[ "$fail" = 0 ]
