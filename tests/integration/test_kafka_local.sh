#!/usr/bin/env bash
# Checks the test broker itself (scripts/kafka-local) and the helpers of lib.sh with kcat alone:
# a 3-partition topic takes N keyed messages, all come back read_committed, a multi-line binary
# payload and an empty (not NULL) value survive byte for byte, and `status` reports the broker.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

NAME=test_kafka_local
N=60
nw_tmpdir
tmp=$NW_TMP
nw_broker
echo "broker: $NW_BOOTSTRAP"

status=$("$NW_KAFKA_LOCAL" status) || nw_fail "status exited $? while the broker runs: $status"
case $status in running*) ;; *) nw_fail "status says '$status'" ;; esac

topic=$(nw_topic kafka-local)
nw_create_topic "$topic" 3
parts=$(kcat -L -b "$NW_BOOTSTRAP" -t "$topic" | grep -Ec '^ +partition [0-9]+, leader 1,' || true)
[ "$parts" = 3 ] || nw_fail "expected 3 partitions with a leader, metadata shows $parts"

# N keyed messages through kcat's line mode.
for i in $(seq 1 "$N"); do printf 'key%d:value-%d\n' "$((i % 11))" "$i"; done |
  kcat -P -b "$NW_BOOTSTRAP" -t "$topic" -K: || nw_fail "kcat could not produce"

# One binary, multi-line payload from a file, and one empty value.
printf 'line one\nline\ttwo \x01\x02\xff end\n\n' >"$tmp/payload"
nw_produce "$topic" binary-key "$tmp/payload"
nw_produce_value "$topic" text-key 'plain text, "quoted"'
nw_produce_empty "$topic" empty-key

total=$((N + 3))
nw_check "nw_count counts all $total messages" nw_eq "$(nw_count "$topic")" "$total"

nw_consume_json "$topic" >"$tmp/all.jsonl"
nw_check "nw_consume_json prints $total JSON lines" nw_eq "$(grep -ac '"topic":' "$tmp/all.jsonl")" "$total"
for i in 1 17 "$N"; do
  nw_check "message value-$i (key key$((i % 11))) consumed" \
    grep -aqF "\"key\":\"key$((i % 11))\",\"payload\":\"value-$i\"" "$tmp/all.jsonl"
done
nw_check "text-key message consumed as sent" \
  grep -aqF '"key":"text-key","payload":"plain text, \"quoted\""' "$tmp/all.jsonl"
# Zero-length value, not NULL.
nw_check "empty-key message is an empty value" grep -aqF '"key":"empty-key","payload":""' "$tmp/all.jsonl"
# Messages were spread over all partitions.
for p in 0 1 2; do
  nw_check "a message in partition $p" grep -aqF "\"partition\":$p," "$tmp/all.jsonl"
done

# The binary payload, byte for byte.
loc=$(grep -aF '"key":"binary-key"' "$tmp/all.jsonl" |
  sed -E 's/.*"partition":([0-9]+),"offset":([0-9]+),.*/\1 \2/')
[ -n "$loc" ] || nw_fail "binary-key message not consumed"
read -r bpart boff <<<"$loc"
nw_payload "$topic" "$bpart" "$boff" >"$tmp/got"
nw_check "binary payload intact after the round trip" cmp "$tmp/payload" "$tmp/got"

echo "$total messages on 3 partitions"
nw_summary "$NAME"
