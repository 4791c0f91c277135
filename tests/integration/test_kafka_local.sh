#!/usr/bin/env bash
# Checks the test broker itself (scripts/kafka-local) and the helpers of lib.sh with kcat alone:
# a 3-partition topic takes N keyed messages, all come back read_committed, a multi-line binary
# payload and an empty (not NULL) value survive byte for byte, and `status` reports the broker.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

N=60
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
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf 'line one\nline\ttwo \x01\x02\xff end\n\n' >"$tmp/payload"
nw_produce "$topic" binary-key "$tmp/payload"
nw_produce_value "$topic" text-key 'plain text, "quoted"'
nw_produce_empty "$topic" empty-key

total=$((N + 3))
[ "$(nw_count "$topic")" = "$total" ] || nw_fail "expected $total messages, counted $(nw_count "$topic")"

json=$(nw_consume_json "$topic")
[ "$(printf '%s\n' "$json" | grep -ac '"topic":')" = "$total" ] ||
  nw_fail "expected $total JSON lines from nw_consume_json"
for i in 1 17 "$N"; do
  printf '%s\n' "$json" | grep -aqF "\"key\":\"key$((i % 11))\",\"payload\":\"value-$i\"" ||
    nw_fail "message value-$i (key key$((i % 11))) not consumed"
done
printf '%s\n' "$json" | grep -aqF '"key":"text-key","payload":"plain text, \"quoted\""' ||
  nw_fail "text-key message not consumed as sent"
# Zero-length value, not NULL.
printf '%s\n' "$json" | grep -aqF '"key":"empty-key","payload":""' ||
  nw_fail "empty-key message missing or not an empty value"
# Messages were spread over all partitions.
for p in 0 1 2; do
  printf '%s\n' "$json" | grep -aqF "\"partition\":$p," || nw_fail "no message in partition $p"
done

# The binary payload, byte for byte.
loc=$(printf '%s\n' "$json" | grep -aF '"key":"binary-key"' |
  sed -E 's/.*"partition":([0-9]+),"offset":([0-9]+),.*/\1 \2/')
[ -n "$loc" ] || nw_fail "binary-key message not consumed"
read -r bpart boff <<<"$loc"
nw_payload "$topic" "$bpart" "$boff" >"$tmp/got"
cmp "$tmp/payload" "$tmp/got" || nw_fail "binary payload differs after the round trip"

echo "test_kafka_local: $total messages on 3 partitions, payloads intact"
