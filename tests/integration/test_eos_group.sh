#!/usr/bin/env bash
# Scale-out: three instances in one group over a 6-partition input; one is
# killed (SIGKILL) and another started mid-run. A read_committed reader must
# see every expected version exactly once and nothing else.
set -euo pipefail
NAME=test_eos_group
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/integration/lib.sh
. "$HERE/lib.sh"
: "${NEWSWIRE:?path to the newswire binary}"
PY=/usr/bin/python3
N=${NW_GROUP_MESSAGES:-12000}
tmp=$(mktemp -d)
declare -A pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
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
"$PY" "$HERE/gen_stream.py" -n "$N" --seed 5 --chunks 2 "$tmp/gen" >/dev/null
want=$("$PY" -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["versions"]))' "$tmp/gen/expected.json")
in=$(nw_topic group)
nw_create_topic "$in" 6
start() { # start NAME: one member, static id NAME
  "$NEWSWIRE" run -b "$NW_BOOTSTRAP" -X input.topics="$in" -X output.topic="$in-out" \
    -X dlq.topic="$in-dlq" -X state.topic="$in-state" -X group.id="$in-g" \
    -X group.instance.id="$1" -X kafka.session.timeout.ms=6000 -X log.level=warn \
    >"$tmp/$1.out" 2>"$tmp/$1.err" &
  pids[$1]=$!
}
committed_count() { kcat -C -b "$NW_BOOTSTRAP" -t "$in-out" -e -q -X isolation.level=read_committed -f 'x\n' 2>/dev/null | wc -l; }
at_least() { [ "$(committed_count)" -ge "$1" ]; }

start a
start b
start c
# First half of the stream, then a member dies and a new one joins.
kcat -P -b "$NW_BOOTSTRAP" -t "$in" -K $'\x1f' -D $'\x1e' <"$tmp/gen/messages-1.kcat"
nw_wait_until 120 at_least $((want / 4))
kill -KILL "${pids[b]}"
wait "${pids[b]}" 2>/dev/null || true
unset 'pids[b]'
start d
kcat -P -b "$NW_BOOTSTRAP" -t "$in" -K $'\x1f' -D $'\x1e' <"$tmp/gen/messages-2.kcat"
nw_wait_until 240 at_least "$want"
for m in "${!pids[@]}"; do
  kill -TERM "${pids[$m]}"
  rc=0
  wait "${pids[$m]}" || rc=$?
  check "member $m stops with status 0 on SIGTERM" [ "$rc" -eq 0 ]
  check "member $m printed its summary" grep -q '^newswire: in=' "$tmp/$m.out"
  unset "pids[$m]"
done

nw_consume_json "$in-out" >"$tmp/out.jsonl"
nw_consume_json "$in-dlq" >"$tmp/dlq.jsonl"
check "each expected version exactly once across members" \
  "$PY" "$HERE/check_output.py" "$tmp/gen/expected.json" "$tmp/out.jsonl" --dlq "$tmp/dlq.jsonl" \
  --raw "$tmp/gen/messages.kcat" --source-topic "$in"
echo "$NAME: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
