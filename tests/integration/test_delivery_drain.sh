#!/usr/bin/env bash
# run -e reads back what it forwarded to <group.id>-repartition before it
# exits. Seven unkeyed messages are each forwarded (stage one) and come back
# re-keyed (stage two); a forwarded message becomes readable only once its
# transaction's markers are written, which can lag behind the commit on a
# fresh repartition topic. Each round uses a new group (so a new
# repartition topic) and must count all seven messages.
set -euo pipefail
NAME=test_delivery_drain
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$HERE/lib.sh"
nw_newswire
nw_tmpdir
tmp=$NW_TMP
nw_broker
S=$NW_SOURCE_DIR/config/samples

in=$(nw_topic drain)
nw_create_topic "$in" 2
for f in 01-ukraine-v1.txt 02-ukraine-v1-repeat.txt 03-ukraine-v1-reformatted.txt \
  04-ukraine-v2.txt 05-storm-envelope.json 07-ukraine-v3.html 08-ukraine-v2-repeat.txt; do
  kcat -P -b "$NW_BOOTSTRAP" -t "$in" "$S/$f" || nw_fail "kcat could not produce $f"
done
nw_check "input holds 7 unkeyed messages" nw_eq "$(nw_count "$in")" 7
for mode in exactly_once at_least_once; do
  for round in 1 2 3; do
    nw_flags "$in" "$in-$mode-$round" "$in-$mode-$round"
    nw_run_e "$tmp/$mode-$round" 120 "${NW_FLAGS[@]}" -X processing.guarantee=$mode \
      -X log.level=warn
    nw_check "$mode round $round: exits 0 having counted all 7 messages" \
      nw_eq "$NW_RC $(grep -o 'in=[0-9]*' "$tmp/$mode-$round.stdout")" "0 in=7"
  done
done
nw_summary "$NAME"
