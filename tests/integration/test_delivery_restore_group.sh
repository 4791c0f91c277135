#!/usr/bin/env bash
# The restore consumer reads the state topic's partitions it is given and
# nothing else: it joins no consumer group and does not even look one up
# (a "<group.id>-restore" group would need its own ACL). librdkafka's group
# debug log names every group a client looks up; the restore must still
# work: a second run, restoring the state the first wrote, finds the repeat
# a duplicate.
set -euo pipefail
NAME=test_delivery_restore_group
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$HERE/lib.sh"
nw_newswire
nw_tmpdir
tmp=$NW_TMP
nw_broker
S=$NW_SOURCE_DIR/config/samples

in=$(nw_topic restoregrp)
nw_create_topic "$in" 2
nw_produce "$in" ukraine-talks "$S/01-ukraine-v1.txt"
nw_flags "$in"
debug=(-X kafka.debug=cgrp -X log.level=debug)
nw_run_e "$tmp/first" 120 "${NW_FLAGS[@]}" "${debug[@]}"
nw_check "first run emits the article" \
  nw_eq "$NW_RC $(cat "$tmp/first.stdout")" "0 newswire: in=1 emitted=1 duplicate=0 stale=0 rejected=0"
nw_check "the group itself is looked up (the check can see groups)" \
  grep -q "Group \\\\\"$in-group\\\\\"" "$tmp/first.stderr"
nw_check "no client looks up a restore group" nw_lacks "$tmp/first.stderr" "$in-group-restore"

nw_produce "$in" ukraine-talks "$S/02-ukraine-v1-repeat.txt"
nw_run_e "$tmp/second" 120 "${NW_FLAGS[@]}" "${debug[@]}"
nw_check "second run restores the state: the repeat is a duplicate" \
  nw_eq "$NW_RC $(cat "$tmp/second.stdout")" "0 newswire: in=1 emitted=0 duplicate=1 stale=0 rejected=0"
nw_check "still no restore group" nw_lacks "$tmp/second.stderr" "$in-group-restore"
nw_summary "$NAME"
