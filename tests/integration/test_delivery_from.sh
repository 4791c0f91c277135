#!/usr/bin/env bash
# run --from TOPIC:PARTITION:OFFSET must name a partition newswire reads:
# a topic that is not an input topic, or a partition the topic does not
# have, is a usage error (64) that names it, before anything is processed.
set -euo pipefail
NAME=test_delivery_from
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$HERE/lib.sh"
nw_newswire
nw_tmpdir
tmp=$NW_TMP
nw_broker

in=$(nw_topic fromchk)
nw_create_topic "$in" 2
nw_produce "$in" k1 "$NW_SOURCE_DIR/config/samples/01-ukraine-v1.txt"
nw_flags "$in"
nw_run_e "$tmp/topic" 60 "${NW_FLAGS[@]}" --from "$in-nosuch:0:0" -X log.level=warn
nw_check "an unknown topic exits 64" nw_eq "$NW_RC" 64
nw_check "the error names it" nw_contains "$(cat "$tmp/topic.stderr")" "$in-nosuch is not one of input.topics"
nw_check "nothing was processed" nw_eq "$(nw_count "$in-out")" 0
nw_run_e "$tmp/part" 60 "${NW_FLAGS[@]}" --from "$in:7:0" -X log.level=warn
nw_check "an unknown partition exits 64" nw_eq "$NW_RC" 64
nw_check "the error names it" nw_contains "$(cat "$tmp/part.stderr")" "has no partition 7 (it has 2)"
nw_run_e "$tmp/ok" 60 "${NW_FLAGS[@]}" --from "$in:1:0" -X log.level=warn
nw_check "an existing partition is accepted" \
  nw_eq "$NW_RC $(cat "$tmp/ok.stdout")" "0 newswire: in=1 emitted=1 duplicate=0 stale=0 rejected=0"
nw_summary "$NAME"
