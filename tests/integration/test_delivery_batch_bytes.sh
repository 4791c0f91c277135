#!/usr/bin/env bash
# Batches are bounded in bytes as well as in messages (pipeline.batch.bytes),
# so a batch's memory is bounded whatever the message sizes. With the
# smallest byte bound, a batch size of 1000 and commits otherwise only every
# 10 minutes, each 6 KB message must make a transaction of its own: 20
# messages, 20 committed transactions, seen on /metrics while it runs.
set -euo pipefail
NAME=test_delivery_batch_bytes
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$HERE/lib.sh"
nw_newswire
PY=/usr/bin/python3
command -v curl >/dev/null || nw_fail "curl not found (scripts/install-deps installs it)"
nw_tmpdir
tmp=$NW_TMP
nw_broker
S=$NW_SOURCE_DIR/config/samples

in=$(nw_topic batchbytes)
nw_create_topic "$in" 1
for i in $(seq 1 20); do printf 'k-%02d\037' "$i" && cat "$S/01-ukraine-v1.txt" && printf '\036'; done |
  nw_produce_stream "$in"
nw_check "input holds 20 messages" nw_eq "$(nw_count "$in")" 20

port=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
metric() {
  curl -s --noproxy '*' --max-time 5 "http://127.0.0.1:$port/metrics" |
    awk -v k="$1" '$1 == k { v = $2 } END { print (v == "" ? "absent" : v) }'
}
all_in() { [ "$(metric newswire_input_messages_total)" = 20 ]; }
nw_flags "$in"
nw_start "$tmp/run" -b "$NW_BOOTSTRAP" "${NW_FLAGS[@]}" -X pipeline.batch.bytes=1024 \
  -X commit.interval.ms=600000 -X metrics.listen=127.0.0.1:$port -X log.level=warn
nw_wait_until 90 all_in
nw_check "20 transactions committed, one per message" \
  nw_eq "$(metric 'newswire_transactions_total{result="committed"}')" 20
nw_check "none aborted" nw_eq "$(metric 'newswire_transactions_total{result="aborted"}')" 0
nw_stop 30
nw_check "stops with status 0" nw_eq "$NW_RC" 0
nw_check "20 records written" nw_eq "$(nw_count "$in-out")" 20
nw_summary "$NAME"
