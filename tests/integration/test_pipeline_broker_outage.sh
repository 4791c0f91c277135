#!/usr/bin/env bash
# Acceptance 4: newswire (exactly_once, no -e) rides out a broker that is not there yet and a
# broker restart, losing nothing and duplicating nothing. It uses its OWN broker on a separate
# port (NW_OUTAGE_PORT, default 9292, controller port + 1, data in a temporary directory): the
# shared broker is never touched, and this one is always stopped at the end.
#   1. newswire starts while no broker runs, and keeps waiting (still alive after 3 s);
#   2. the broker starts (fresh storage), the input topic is created and the first half of a
#      generated stream (gen_stream.py --chunks 2) is produced; its output must appear;
#   3. the broker is stopped; newswire stays alive; the broker restarts with its data
#      (`kafka-local start --keep`) and the second half is produced, then one end marker per
#      partition; all of the expected output must appear;
#   4. SIGTERM: exit status 0, the summary counters, and in the read_committed output every
#      expected version exactly once (check_output.py), every dead letter with its bytes.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

NAME=test_pipeline_broker_outage
PY=/usr/bin/python3
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
NEWSWIRE=${NEWSWIRE:-$NW_SOURCE_DIR/build/newswire}
PORT=${NW_OUTAGE_PORT:-9292}
[ -x "$NEWSWIRE" ] || nw_fail "newswire binary not found at '$NEWSWIRE' (set NEWSWIRE)"

port_free() { [ -z "$(ss -H -ltn "sport = :$1" 2>/dev/null)" ]; }
if ! port_free "$PORT" || ! port_free $((PORT + 1)); then
  nw_fail "port $PORT or $((PORT + 1)) is in use: set NW_OUTAGE_PORT to a free pair"
fi

pass=0 fail=0 finished=0 nw_pid=
tmp=$(mktemp -d)
# This test's broker, never the shared one: every kafka-local call below sees these.
export NEWSWIRE_KAFKA_PORT=$PORT NEWSWIRE_KAFKA_DIR=$tmp/kafka
unset NEWSWIRE_KAFKA_CONTROLLER_PORT NW_BOOTSTRAP
B=127.0.0.1:$PORT

cleanup() {
  local rc=$?
  if [ -n "$nw_pid" ] && kill -0 "$nw_pid" 2>/dev/null; then
    kill -KILL "$nw_pid" 2>/dev/null || true
    wait "$nw_pid" 2>/dev/null || true
  fi
  "$NW_KAFKA_LOCAL" stop 2>/dev/null || echo "warning: could not stop the broker on $B" >&2
  if [ "$finished" != 1 ]; then
    if [ -f "$tmp/nw.stderr" ]; then
      echo "--- newswire stderr (last 40 lines) ---" >&2
      tail -n 40 "$tmp/nw.stderr" >&2
    fi
    echo "$NAME: $pass passed, $((fail + 1)) failed (aborted; files kept in $tmp)"
  elif [ "$fail" != 0 ]; then
    echo "files kept in $tmp"
  else
    rm -rf "$tmp"
  fi
  exit "$rc"
}
trap cleanup EXIT

check() {
  local desc=$1
  shift
  if "$@"; then
    pass=$((pass + 1))
    echo "ok - $desc"
  else
    fail=$((fail + 1))
    echo "not ok - $desc" >&2
  fi
}
eq() { [ "$1" = "$2" ] || {
  printf '  expected: %s\n  got:      %s\n' "$2" "$1" >&2
  return 1
}; }
nversions() { "$PY" -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["versions"]))' "$1"; }
nrejected() { "$PY" -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["rejected"]))' "$1"; }

# alive_for SECONDS WHAT: newswire must stay alive for that long.
alive_for() {
  local until=$((SECONDS + $1))
  while [ "$SECONDS" -lt "$until" ]; do
    kill -0 "$nw_pid" 2>/dev/null || nw_fail "newswire exited $2"
    sleep 0.2
  done
}
# counts_reach N_OUT N_DLQ: both topics hold so many committed records; fails at once if
# newswire has died. kcat complains while the topics do not exist yet: that is expected.
counts_reach() {
  kill -0 "$nw_pid" 2>/dev/null || nw_fail "newswire exited before its output was complete"
  [ "$(nw_count "$out" 2>/dev/null)" -ge "$1" ] && [ "$(nw_count "$dlq" 2>/dev/null)" -ge "$2" ]
}

t_start=$SECONDS
"$PY" "$HERE/gen_stream.py" -n 400 --articles 60 --bad-rate 0.02 --chunks 2 --seed 5 "$tmp/gen"
in=$(nw_topic outage)
out=$in-out dlq=$in-dlq state=$in-state group=$in-group

# 1. newswire first, no broker.
# metrics.listen=127.0.0.1:0: a port of its own (another newswire here may hold the default).
"$NEWSWIRE" run -b "$B" -X input.topics="$in" -X output.topic="$out" -X dlq.topic="$dlq" \
  -X state.topic="$state" -X group.id="$group" -X log.level=info -X metrics.listen=127.0.0.1:0 \
  >"$tmp/nw.stdout" 2>"$tmp/nw.stderr" &
nw_pid=$!
echo "newswire started (pid $nw_pid) against $B, where no broker runs"
alive_for 3 "while no broker was running"
check "newswire waits while there is no broker" kill -0 "$nw_pid"

# 2. The broker comes up; the input topic and the first half arrive.
nw_broker
echo "broker: $NW_BOOTSTRAP"
check "nw_broker started this test's own broker" eq "$NW_BOOTSTRAP" "$B"
nw_create_topic "$in" 3
kcat -P -b "$B" -t "$in" -K $'\x1f' -D $'\x1e' -X enable.idempotence=true \
  <"$tmp/gen/messages-1.kcat" || nw_fail "kcat could not produce the first half"
v1=$(nversions "$tmp/gen/expected-1.json") r1=$(nrejected "$tmp/gen/expected-1.json")
t0=$SECONDS
nw_wait_until 120 counts_reach "$v1" "$r1"
echo "first half: $v1 versions and $r1 dead letters out after $((SECONDS - t0))s"
nw_consume_json "$out" >"$tmp/out-1.jsonl"
nw_consume_json "$dlq" >"$tmp/dlq-1.jsonl"
check "first half: exactly the expected output and dead letters" \
  "$PY" "$HERE/check_output.py" "$tmp/gen/expected-1.json" "$tmp/out-1.jsonl" \
  --dlq "$tmp/dlq-1.jsonl" --raw "$tmp/gen/messages-1.kcat" --source-topic "$in"

# 3. Broker restart.
"$NW_KAFKA_LOCAL" stop
check "the broker is down" eq "$("$NW_KAFKA_LOCAL" status || true)" stopped
alive_for 5 "while the broker was down"
check "newswire is alive after 5 s without a broker" kill -0 "$nw_pid"
[ "$("$NW_KAFKA_LOCAL" start --keep)" = "$B" ] || nw_fail "the broker did not restart on $B"
kcat -P -b "$B" -t "$in" -K $'\x1f' -D $'\x1e' -X enable.idempotence=true \
  <"$tmp/gen/messages-2.kcat" || nw_fail "kcat could not produce the second half"
for p in 0 1 2; do
  printf 'end-%d\x1f\x1e' "$p" | kcat -P -b "$B" -t "$in" -p "$p" -K $'\x1f' -D $'\x1e' ||
    nw_fail "kcat could not produce the end marker of partition $p"
done
total=$(($("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["counters"]["in"])' "$tmp/gen/expected.json") + 3))
check "input holds $total messages" eq "$(nw_count "$in")" "$total"
v=$(nversions "$tmp/gen/expected.json") r=$(($(nrejected "$tmp/gen/expected.json") + 3))
t0=$SECONDS
nw_wait_until 120 counts_reach "$v" "$r"
echo "all: $v versions and $r dead letters out $((SECONDS - t0))s after the restart"

# 4. Stop and check everything.
kill -TERM "$nw_pid"
deadline=$((SECONDS + 30))
while kill -0 "$nw_pid" 2>/dev/null; do
  [ "$SECONDS" -lt "$deadline" ] || nw_fail "newswire did not stop within 30 s of SIGTERM"
  sleep 0.1
done
rc=0
wait "$nw_pid" || rc=$?
nw_pid=
echo "newswire exited with status $rc: $(cat "$tmp/nw.stdout")"
check "newswire exits 0 after SIGTERM" eq "$rc" 0
check "stdout is one summary line" eq "$(wc -l <"$tmp/nw.stdout" | tr -d ' ')" 1
nw_consume_json "$out" >"$tmp/out.jsonl"
nw_consume_json "$dlq" >"$tmp/dlq.jsonl"
cat "$tmp/gen/messages-1.kcat" "$tmp/gen/messages-2.kcat" >"$tmp/all.kcat"
printf 'end-0\x1f\x1eend-1\x1f\x1eend-2\x1f\x1e' >>"$tmp/all.kcat"
check "every version exactly once, every dead letter, the summary counters" \
  "$PY" "$HERE/check_output.py" "$tmp/gen/expected.json" "$tmp/out.jsonl" --dlq "$tmp/dlq.jsonl" \
  --raw "$tmp/all.kcat" --source-topic "$in" --summary "$(cat "$tmp/nw.stdout")" \
  --extra-rejected end-0=empty --extra-rejected end-1=empty --extra-rejected end-2=empty

echo "newswire's warnings and errors during the run ($(grep -cE 'level=(warn|error)' "$tmp/nw.stderr" || true) lines; the first 15):"
grep -E 'level=(warn|error)' "$tmp/nw.stderr" | cut -c1-240 | head -n 15 || true

echo "newswire's log events: $(grep -o 'event=[a-z_]*' "$tmp/nw.stderr" | sort | uniq -c | awk '{ printf "%s%s=%s", sep, substr($2, 7), $1; sep = " " }')"

finished=1
echo "$NAME: $pass passed, $fail failed ($((SECONDS - t_start))s)"
[ "$fail" = 0 ]
