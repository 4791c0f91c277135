#!/usr/bin/env bash
# A batch the broker keeps refusing must end. The output topic accepts at
# most 20,000 bytes per record batch (max.message.bytes) while the client
# limits are raised to 10 MB: 40 records of about 6 KB each fit one by one
# but not batched together, and one 40 KB record never fits. Without a
# bound every transaction would abort and retry the same batch forever; the
# run must end with every small record written and the large one
# dead-lettered as record-too-large, in both guarantees.
set -euo pipefail
NAME=test_delivery_livelock
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$HERE/lib.sh"
nw_newswire
nw_tmpdir
tmp=$NW_TMP
nw_broker
S=$NW_SOURCE_DIR/config/samples

in=$(nw_topic livelock)
nw_create_topic "$in" 1
{
  for i in $(seq 1 20); do printf 'k-%02d\037' "$i" && cat "$S/01-ukraine-v1.txt" && printf '\036'; done
  printf 'k-large\037Updated December 30th, 2021 at 15:02 IST\n\nA long report\n\n'
  for _ in $(seq 1 700); do printf 'The report runs on and on for pages. '; done
  printf '\036'
  for i in $(seq 21 40); do printf 'k-%02d\037' "$i" && cat "$S/01-ukraine-v1.txt" && printf '\036'; done
} >"$tmp/in.kcat"
nw_produce_stream "$in" <"$tmp/in.kcat"
nw_check "input holds 41 messages" nw_eq "$(nw_count "$in")" 41

for mode in exactly_once at_least_once; do
  nw_flags "$in" "$in-$mode" "$in-$mode"
  nw_create_topic "$in-$mode-out" 1 max.message.bytes=20000
  nw_run_e "$tmp/$mode" 120 "${NW_FLAGS[@]}" -X processing.guarantee=$mode \
    -X kafka.message.max.bytes=10000000 -X log.level=warn
  nw_check "$mode: run -e ends with status 0" nw_eq "$NW_RC" 0
  nw_check "$mode: the summary counts 40 records and 1 dead letter" \
    nw_eq "$(cat "$tmp/$mode.stdout")" "newswire: in=41 emitted=40 duplicate=0 stale=0 rejected=1"
  nw_check "$mode: 40 distinct records are written" \
    nw_eq "$(nw_consume_json "$in-$mode-out" | grep -o '"key":"k-[0-9]*"' | sort -u | wc -l)" 40
  nw_check "$mode: the large one is a record-too-large dead letter" \
    nw_eq "$(kcat -C -b "$NW_BOOTSTRAP" -t "$in-$mode-dlq" -e -q -f '%k %h\n' |
      grep -o '^k-large newswire-error=[a-z-]*')" "k-large newswire-error=record-too-large"
done
nw_summary "$NAME"
