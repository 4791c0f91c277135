#!/usr/bin/env bash
# newswire run --from: a new group starts at the given offset or time; a
# group that has committed offsets continues from them instead.
set -euo pipefail
NAME=test_run_from
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/integration/lib.sh
. "$HERE/lib.sh"
: "${NEWSWIRE:?path to the newswire binary}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
check() {
  local what=$1
  shift
  if "$@"; then pass=$((pass + 1)); else echo "FAIL: $what" >&2; fail=$((fail + 1)); fi
}
nw_broker
in=$(nw_topic from)
nw_create_topic "$in" 1
S=$NW_SOURCE_DIR/config/samples
for f in 01-ukraine-v1.txt 04-ukraine-v2.txt 05-storm-envelope.json 07-ukraine-v3.html; do
  nw_produce "$in" "k-$f" "$S/$f"
done
run() { # run GROUP ARGS...: prints the summary line
  local g=$1
  shift
  timeout -k 5 120 "$NEWSWIRE" run -b "$NW_BOOTSTRAP" -X input.topics="$in" -X output.topic="$in-$g-out" \
    -X dlq.topic="$in-$g-dlq" -X state.topic="$in-$g-state" -X group.id="$in-$g" -X log.level=warn \
    -e "$@" 2>"$tmp/$g.err"
}
check "a new group --from offset 2 reads the last two messages" \
  test "$(run a --from "$in:0:2")" = "newswire: in=2 emitted=2 duplicate=0 stale=0 rejected=0"
check "the same group again continues from its committed offset, ignoring --from" \
  test "$(run a --from "$in:0:0")" = "newswire: in=0 emitted=0 duplicate=0 stale=0 rejected=0"
check "--from a time after every message starts at the end" \
  test "$(run b --from @2100-01-01T00:00:00Z)" = "newswire: in=0 emitted=0 duplicate=0 stale=0 rejected=0"
check "--from a time before every message reads them all" \
  test "$(run c --from @2000-01-01T00:00:00Z)" = "newswire: in=4 emitted=4 duplicate=0 stale=0 rejected=0"
check "without --from a new group starts at the beginning (auto.offset.reset=earliest)" \
  test "$(run d)" = "newswire: in=4 emitted=4 duplicate=0 stale=0 rejected=0"
check "kafka.auto.offset.reset=latest starts a new group at the end" \
  test "$(run e -X kafka.auto.offset.reset=latest)" = "newswire: in=0 emitted=0 duplicate=0 stale=0 rejected=0"
status=0
"$NEWSWIRE" run -b "$NW_BOOTSTRAP" --from "$in:zero:1" -e >/dev/null 2>"$tmp/bad.err" || status=$?
check "an unparsable --from is a usage error (64)" test "$status" -eq 64
echo "$NAME: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
