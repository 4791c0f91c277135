#!/usr/bin/env bash
# newswire run --from: a new group starts at the given offset or time; a
# group that has committed offsets continues from them instead.
set -euo pipefail
NAME=test_run_from
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$HERE/lib.sh"
nw_newswire
nw_tmpdir
tmp=$NW_TMP
nw_broker
in=$(nw_topic from)
nw_create_topic "$in" 1
S=$NW_SOURCE_DIR/config/samples
for f in 01-ukraine-v1.txt 04-ukraine-v2.txt 05-storm-envelope.json 07-ukraine-v3.html; do
  nw_produce "$in" "k-$f" "$S/$f"
done
run() { # run GROUP ARGS...: prints the summary line
  nw_flags "$in" "$in-$1" "$in-$1"
  nw_run_e "$tmp/$1" 120 "${NW_FLAGS[@]}" -X log.level=warn "${@:2}"
  cat "$tmp/$1.stdout"
}
nw_check "a new group --from offset 2 reads the last two messages" \
  nw_eq "$(run a --from "$in:0:2")" "newswire: in=2 emitted=2 duplicate=0 stale=0 rejected=0"
nw_check "the same group again continues from its committed offset, ignoring --from" \
  nw_eq "$(run a --from "$in:0:0")" "newswire: in=0 emitted=0 duplicate=0 stale=0 rejected=0"
nw_check "--from a time after every message starts at the end" \
  nw_eq "$(run b --from @2100-01-01T00:00:00Z)" "newswire: in=0 emitted=0 duplicate=0 stale=0 rejected=0"
nw_check "--from a time before every message reads them all" \
  nw_eq "$(run c --from @2000-01-01T00:00:00Z)" "newswire: in=4 emitted=4 duplicate=0 stale=0 rejected=0"
nw_check "without --from a new group starts at the beginning (auto.offset.reset=earliest)" \
  nw_eq "$(run d)" "newswire: in=4 emitted=4 duplicate=0 stale=0 rejected=0"
nw_check "kafka.auto.offset.reset=latest starts a new group at the end" \
  nw_eq "$(run e -X kafka.auto.offset.reset=latest)" "newswire: in=0 emitted=0 duplicate=0 stale=0 rejected=0"
status=0
"$NEWSWIRE" run -b "$NW_BOOTSTRAP" --from "$in:zero:1" -e >/dev/null 2>"$tmp/bad.err" || status=$?
nw_check "an unparsable --from is a usage error (64)" test "$status" -eq 64
nw_summary "$NAME"
