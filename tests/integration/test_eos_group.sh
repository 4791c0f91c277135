#!/usr/bin/env bash
# Scale-out: three instances in one group over a 6-partition input; one is
# killed (SIGKILL) and another started mid-run. A read_committed reader must
# see every expected version exactly once and nothing else.
set -euo pipefail
NAME=test_eos_group
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$HERE/lib.sh"
nw_newswire
PY=/usr/bin/python3
N=${NW_GROUP_MESSAGES:-12000}
nw_tmpdir
tmp=$NW_TMP
declare -A pids=()
kill_members() { for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null || true; done; }
nw_on_exit kill_members

nw_broker
"$PY" "$HERE/gen_stream.py" -n "$N" --seed 5 --chunks 2 "$tmp/gen" >/dev/null
want=$("$PY" -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["versions"]))' "$tmp/gen/expected.json")
in=$(nw_topic group)
nw_create_topic "$in" 6
nw_flags "$in" "$in" "$in-g"
start() { # start NAME: one member, static id NAME
  "$NEWSWIRE" run -b "$NW_BOOTSTRAP" "${NW_FLAGS[@]}" -X group.instance.id="$1" \
    -X kafka.session.timeout.ms=6000 -X log.level=warn >"$tmp/$1.out" 2>"$tmp/$1.err" &
  pids[$1]=$!
}
at_least() { [ "$(nw_count "$in-out" 2>/dev/null)" -ge "$1" ]; } # committed output records

start a
start b
start c
# First half of the stream, then a member dies and a new one joins.
nw_produce_stream "$in" <"$tmp/gen/messages-1.kcat"
nw_wait_until 120 at_least $((want / 4))
kill -KILL "${pids[b]}"
wait "${pids[b]}" 2>/dev/null || true
unset 'pids[b]'
start d
nw_produce_stream "$in" <"$tmp/gen/messages-2.kcat"
nw_wait_until 240 at_least "$want"
for m in "${!pids[@]}"; do
  kill -TERM "${pids[$m]}"
  rc=0
  wait "${pids[$m]}" || rc=$?
  nw_check "member $m stops with status 0 on SIGTERM" [ "$rc" -eq 0 ]
  nw_check "member $m printed its summary" grep -q '^newswire: in=' "$tmp/$m.out"
  unset "pids[$m]"
done

nw_consume_json "$in-out" >"$tmp/out.jsonl"
nw_consume_json "$in-dlq" >"$tmp/dlq.jsonl"
nw_check "each expected version exactly once across members" \
  "$PY" "$HERE/check_output.py" "$tmp/gen/expected.json" "$tmp/out.jsonl" --dlq "$tmp/dlq.jsonl" \
  --raw "$tmp/gen/messages.kcat" --source-topic "$in"
nw_summary "$NAME"
