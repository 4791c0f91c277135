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
PORT=${NW_OUTAGE_PORT:-9292}
nw_newswire

port_free() { [ -z "$(ss -H -ltn "sport = :$1" 2>/dev/null)" ]; }
if ! port_free "$PORT" || ! port_free $((PORT + 1)); then
  nw_fail "port $PORT or $((PORT + 1)) is in use: set NW_OUTAGE_PORT to a free pair"
fi

nw_tmpdir
tmp=$NW_TMP
# This test's broker, never the shared one: every kafka-local call below sees these.
export NEWSWIRE_KAFKA_PORT=$PORT NEWSWIRE_KAFKA_DIR=$tmp/kafka
unset NEWSWIRE_KAFKA_CONTROLLER_PORT NW_BOOTSTRAP
B=127.0.0.1:$PORT

# At the end, however the test ends: stop this broker, and show newswire's stderr if the test
# stopped early.
stop_broker() {
  "$NW_KAFKA_LOCAL" stop 2>/dev/null || echo "warning: could not stop the broker on $B" >&2
  if [ "$NW_DONE" != 1 ] && [ -f "$tmp/nw.stderr" ]; then
    echo "--- newswire stderr (last 40 lines) ---" >&2
    tail -n 40 "$tmp/nw.stderr" >&2
  fi
}
nw_on_exit stop_broker

nversions() { "$PY" -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["versions"]))' "$1"; }
nrejected() { "$PY" -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["rejected"]))' "$1"; }

# alive_for SECONDS WHAT: newswire must stay alive for that long.
alive_for() {
  local until=$((SECONDS + $1))
  while [ "$SECONDS" -lt "$until" ]; do
    nw_running || nw_fail "newswire exited $2"
    sleep 0.2
  done
}
# counts_reach N_OUT N_DLQ: both topics hold so many committed records; fails at once if
# newswire has died. kcat complains while the topics do not exist yet: that is expected.
counts_reach() {
  nw_running || nw_fail "newswire exited before its output was complete"
  [ "$(nw_count "$out" 2>/dev/null)" -ge "$1" ] && [ "$(nw_count "$dlq" 2>/dev/null)" -ge "$2" ]
}

"$PY" "$HERE/gen_stream.py" -n 400 --articles 60 --bad-rate 0.02 --chunks 2 --seed 5 "$tmp/gen"
in=$(nw_topic outage)
out=$in-out dlq=$in-dlq

# 1. newswire first, no broker.
# metrics.listen=127.0.0.1:0: a port of its own (another newswire here may hold the default).
nw_flags "$in"
nw_start "$tmp/nw" -b "$B" "${NW_FLAGS[@]}" -X log.level=info -X metrics.listen=127.0.0.1:0
echo "newswire started (pid $NW_PID) against $B, where no broker runs"
alive_for 3 "while no broker was running"
nw_check "newswire waits while there is no broker" kill -0 "$NW_PID"

# 2. The broker comes up; the input topic and the first half arrive.
nw_broker
echo "broker: $NW_BOOTSTRAP"
nw_check "nw_broker started this test's own broker" nw_eq "$NW_BOOTSTRAP" "$B"
nw_create_topic "$in" 3
nw_produce_stream "$in" <"$tmp/gen/messages-1.kcat"
v1=$(nversions "$tmp/gen/expected-1.json") r1=$(nrejected "$tmp/gen/expected-1.json")
t0=$SECONDS
nw_wait_until 120 counts_reach "$v1" "$r1"
echo "first half: $v1 versions and $r1 dead letters out after $((SECONDS - t0))s"
nw_consume_json "$out" >"$tmp/out-1.jsonl"
nw_consume_json "$dlq" >"$tmp/dlq-1.jsonl"
nw_check "first half: exactly the expected output and dead letters" \
  "$PY" "$HERE/check_output.py" "$tmp/gen/expected-1.json" "$tmp/out-1.jsonl" \
  --dlq "$tmp/dlq-1.jsonl" --raw "$tmp/gen/messages-1.kcat" --source-topic "$in"

# 3. Broker restart.
"$NW_KAFKA_LOCAL" stop
nw_check "the broker is down" nw_eq "$("$NW_KAFKA_LOCAL" status || true)" stopped
alive_for 5 "while the broker was down"
nw_check "newswire is alive after 5 s without a broker" kill -0 "$NW_PID"
[ "$("$NW_KAFKA_LOCAL" start --keep)" = "$B" ] || nw_fail "the broker did not restart on $B"
nw_produce_stream "$in" <"$tmp/gen/messages-2.kcat"
for p in 0 1 2; do
  printf 'end-%d\x1f\x1e' "$p" | nw_produce_stream "$in" -p "$p"
done
total=$(($("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["counters"]["in"])' "$tmp/gen/expected.json") + 3))
nw_check "input holds $total messages" nw_eq "$(nw_count "$in")" "$total"
v=$(nversions "$tmp/gen/expected.json") r=$(($(nrejected "$tmp/gen/expected.json") + 3))
t0=$SECONDS
nw_wait_until 120 counts_reach "$v" "$r"
echo "all: $v versions and $r dead letters out $((SECONDS - t0))s after the restart"

# 4. Stop and check everything.
nw_stop 30
echo "newswire exited with status $NW_RC: $(cat "$tmp/nw.stdout")"
nw_check "newswire exits 0 after SIGTERM" nw_eq "$NW_RC" 0
nw_check "stdout is one summary line" nw_eq "$(wc -l <"$tmp/nw.stdout" | tr -d ' ')" 1
nw_consume_json "$out" >"$tmp/out.jsonl"
nw_consume_json "$dlq" >"$tmp/dlq.jsonl"
cat "$tmp/gen/messages-1.kcat" "$tmp/gen/messages-2.kcat" >"$tmp/all.kcat"
printf 'end-0\x1f\x1eend-1\x1f\x1eend-2\x1f\x1e' >>"$tmp/all.kcat"
nw_check "every version exactly once, every dead letter, the summary counters" \
  "$PY" "$HERE/check_output.py" "$tmp/gen/expected.json" "$tmp/out.jsonl" --dlq "$tmp/dlq.jsonl" \
  --raw "$tmp/all.kcat" --source-topic "$in" --summary "$(cat "$tmp/nw.stdout")" \
  --extra-rejected end-0=empty --extra-rejected end-1=empty --extra-rejected end-2=empty

echo "newswire's warnings and errors during the run ($(grep -cE 'level=(warn|error)' "$tmp/nw.stderr" || true) lines; the first 15):"
grep -E 'level=(warn|error)' "$tmp/nw.stderr" | cut -c1-240 | head -n 15 || true

echo "newswire's log events: $(grep -o 'event=[a-z_]*' "$tmp/nw.stderr" | sort | uniq -c | awk '{ printf "%s%s=%s", sep, substr($2, 7), $1; sep = " " }')"

nw_summary "$NAME"
