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
N=${NW_VOLUME_MESSAGES:-10000}
nw_newswire
nw_tmpdir
tmp=$NW_TMP

nw_broker
echo "broker: $NW_BOOTSTRAP, newswire: $NEWSWIRE"

t0=$(nw_now)
"$PY" "$HERE/gen_stream.py" -n "$N" --seed 3 "$tmp/gen"
echo "generated $N messages ($(wc -c <"$tmp/gen/messages.kcat") bytes) in $(nw_since "$t0")s"
counters=$("$PY" -c 'import json,sys; c=json.load(open(sys.argv[1]))["counters"]
print(" ".join(f"{k}={c[k]}" for k in ("in","emitted","duplicate","stale","rejected")))' "$tmp/gen/expected.json")
echo "expected: $counters"

in=$(nw_topic volume)
out=$in-out dlq=$in-dlq state=$in-state
nw_create_topic "$in" 3
t0=$(nw_now)
nw_produce_stream "$in" <"$tmp/gen/messages.kcat"
echo "produced in $(nw_since "$t0")s"
nw_check "input holds $N messages" nw_eq "$(nw_count "$in")" "$N"
for p in 0 1 2; do
  n=$(nw_count "$in" -p "$p")
  nw_check "input partition $p has messages ($n)" [ "$n" -gt 0 ]
done

# metrics.listen=127.0.0.1:0: a port of its own (another newswire here may hold the default).
t0=$(nw_now)
nw_flags "$in"
nw_run_e "$tmp/run" 240 "${NW_FLAGS[@]}" -X log.level=warn -X metrics.listen=127.0.0.1:0
elapsed=$(nw_since "$t0")
echo "newswire run -e: status $NW_RC, ${elapsed}s, $(awk -v n="$N" -v s="$elapsed" 'BEGIN { printf "%.0f", n / s }') msgs/s (including startup and state restore)"
echo "summary: $(cat "$tmp/run.stdout")"
if [ "$NW_RC" = 0 ] && [ -s "$tmp/run.stderr" ]; then
  echo "newswire stderr (last lines):" >&2
  tail -n 20 "$tmp/run.stderr" >&2
fi
nw_check "newswire run -e exits 0" nw_eq "$NW_RC" 0
nw_check "stdout is one summary line" nw_eq "$(wc -l <"$tmp/run.stdout" | tr -d ' ')" 1
nw_check "summary counters" nw_eq "$(cat "$tmp/run.stdout")" "newswire: $counters"

nw_consume_json "$out" >"$tmp/out.jsonl"
nw_consume_json "$dlq" >"$tmp/dlq.jsonl"
nw_check "output, dead letters (with bytes) and summary match expected.json (check_output.py)" \
  "$PY" "$HERE/check_output.py" "$tmp/gen/expected.json" "$tmp/out.jsonl" --dlq "$tmp/dlq.jsonl" \
  --raw "$tmp/gen/messages.kcat" --source-topic "$in" --summary "$(cat "$tmp/run.stdout")"

"$PY" -c '
import json, sys
with open(sys.argv[2], "w", encoding="utf-8") as o:
    for line in open(sys.argv[1], encoding="utf-8"):
        o.write(json.loads(line)["payload"] + "\n")' "$tmp/out.jsonl" "$tmp/records.jsonl"
nw_check "every output record validates against the project schema" \
  "$PY" "$NW_SOURCE_DIR/tests/tools/validate.py" newswire "$tmp/records.jsonl"
for t in "$out" "$dlq" "$state"; do
  nw_check "${t#"$in"} topic has the input's 3 partitions" nw_eq "$(nw_partitions "$t")" 3
done

nw_summary "$NAME"
