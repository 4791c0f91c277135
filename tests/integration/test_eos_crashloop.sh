#!/usr/bin/env bash
# Exactly-once across crashes: 20,000 generated messages with repeats and
# updates; newswire (exactly_once, the default) is killed with SIGKILL at
# random moments at least 10 times and restarted each time, then run to the
# end. A read_committed outside reader (kcat) must see every expected version
# exactly once and nothing else, and the dead letters likewise.
set -euo pipefail
NAME=test_eos_crashloop
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/integration/lib.sh
. "$HERE/lib.sh"
: "${NEWSWIRE:?path to the newswire binary}"
PY=/usr/bin/python3
N=${NW_CRASHLOOP_MESSAGES:-20000}
KILLS=${NW_CRASHLOOP_KILLS:-12}
tmp=$(mktemp -d)
pid=
cleanup() {
  [ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
pass=0 fail=0
check() {
  local what=$1
  shift
  if "$@"; then pass=$((pass + 1)); else echo "FAIL: $what" >&2; fail=$((fail + 1)); fi
}

nw_broker
"$PY" "$HERE/gen_stream.py" -n "$N" --seed 11 "$tmp/gen" >/dev/null
in=$(nw_topic crash)
nw_create_topic "$in" 3
kcat -P -b "$NW_BOOTSTRAP" -t "$in" -K $'\x1f' -D $'\x1e' <"$tmp/gen/messages.kcat" ||
  nw_fail "kcat could not produce the stream"
args=(run -b "$NW_BOOTSTRAP" -X input.topics="$in" -X output.topic="$in-out"
  -X dlq.topic="$in-dlq" -X state.topic="$in-state" -X group.id="$in-g"
  -X group.instance.id=crash-1 -X log.level=warn)

# Kill at random moments: the delay before each SIGKILL is what is random
# here (it is not a wait for a condition). Each restart must first recover:
# fence the killed instance's transaction, restore the version store,
# resume from the committed offsets.
RANDOM=7
kills=0
for _ in $(seq 1 "$KILLS"); do
  "$NEWSWIRE" "${args[@]}" >>"$tmp/stdout" 2>>"$tmp/stderr" &
  pid=$!
  delay=$(awk -v r=$RANDOM 'BEGIN { printf "%.2f", 1.5 + (r % 3000) / 1000 }')
  sleep "$delay"
  if kill -KILL "$pid" 2>/dev/null; then kills=$((kills + 1)); fi
  wait "$pid" 2>/dev/null || true
  pid=
done
check "killed at least 10 times ($kills)" [ "$kills" -ge 10 ]

# Run to the end.
rc=0
timeout -k 5 300 "$NEWSWIRE" "${args[@]}" -e >"$tmp/final" 2>>"$tmp/stderr" || rc=$?
check "the final run ends with status 0" [ "$rc" -eq 0 ]
[ "$rc" -eq 0 ] || tail -n 30 "$tmp/stderr" >&2

nw_consume_json "$in-out" >"$tmp/out.jsonl"
nw_consume_json "$in-dlq" >"$tmp/dlq.jsonl"
check "read_committed output and dead letters: each expected version exactly once" \
  "$PY" "$HERE/check_output.py" "$tmp/gen/expected.json" "$tmp/out.jsonl" --dlq "$tmp/dlq.jsonl" \
  --raw "$tmp/gen/messages.kcat" --source-topic "$in"
# The last run's own counters still add up.
check "final summary adds up" "$PY" -c '
import re, sys
m = re.match(r"newswire: in=(\d+) emitted=(\d+) duplicate=(\d+) stale=(\d+) rejected=(\d+)$", sys.argv[1])
c = list(map(int, m.groups()))
sys.exit(0 if c[0] == sum(c[1:]) else 1)' "$(tail -n 1 "$tmp/final")"
# Nothing aborted is visible, but aborted transactions did happen: the
# uncommitted view holds more than the committed one.
committed=$(wc -l <"$tmp/out.jsonl")
echo "committed output records: $committed; kills: $kills"
echo "$NAME: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
