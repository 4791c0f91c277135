#!/usr/bin/env bash
# Operations acceptance on a real broker: the metrics and health endpoints of `newswire run`
# (metrics.listen) and secrets kept out of logs and printed configuration.
#   (a) newswire starts before its input topic exists, so it cannot be ready: /healthz answers
#       200 and /readyz 503 while it waits; once the topic is created, assigned and restored,
#       /readyz answers 200;
#   (b) the samples of config/samples/ (manifest.tsv order) are produced with kcat; once the
#       output and dead-letter topics hold every record, /metrics is scraped: the outcome
#       counters must equal the expected accounting, the summary line newswire prints on exit
#       (SIGTERM after the scrape; the process must exit 0), and kcat's counts of the output
#       and dead-letter topics (by error code); records produced, consumer lag, readiness,
#       transactions and librdkafka's broker statistics are there too;
#   (c) a SASL password and an HTTP token given with -X appear neither in --print-config (masked
#       as ********) nor in stdout or stderr of a short `run -e` at log.level=debug with
#       librdkafka's configuration debug on.
# A newswire whose run does not serve metrics.listen fails (a): nothing is reported as passed
# that did not run.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

NAME=test_ops
PY=/usr/bin/python3
NEWSWIRE=${NEWSWIRE:-$NW_SOURCE_DIR/build/newswire}
SAMPLES=$NW_SOURCE_DIR/config/samples
SECRET_PASSWORD=S3cr3tValue-xyz
SECRET_TOKEN=T0kenValue-abc
[ -x "$NEWSWIRE" ] || nw_fail "newswire binary not found at '$NEWSWIRE' (set NEWSWIRE)"
command -v curl >/dev/null || nw_fail "curl not found (scripts/install-deps installs it)"

pass=0 fail=0 finished=0 nw_pid=
tmp=$(mktemp -d)
cleanup() {
  local rc=$?
  if [ -n "$nw_pid" ] && kill -0 "$nw_pid" 2>/dev/null; then
    kill -KILL "$nw_pid" 2>/dev/null || true
  fi
  if [ "$finished" != 1 ]; then
    echo "$NAME: $pass passed, $((fail + 1)) failed (aborted; files kept in $tmp)"
  elif [ "$fail" != 0 ]; then
    echo "files kept in $tmp"
  else
    rm -rf "$tmp"
  fi
  exit "$rc"
}
trap cleanup EXIT

# check DESCRIPTION CMD...: one assertion; a failure is counted and reported, the test goes on.
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
# lacks FILE STRING: FILE does not contain STRING.
lacks() {
  if grep -qF -- "$2" "$1"; then
    printf '  %s contains "%s":\n' "$1" "$2" >&2
    grep -nF -- "$2" "$1" | head -n 3 >&2
    return 1
  fi
}

# A TCP port nothing listens on now.
free_port() {
  "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# status PATH: the HTTP status of GET http://127.0.0.1:$port/PATH ("000": no answer); the body
# goes to $tmp/body.
status() {
  curl -s --noproxy '*' --max-time 5 -o "$tmp/body" -w '%{http_code}' "http://127.0.0.1:$port$1" || true
}
is_status() { [ "$(status "$1")" = "$2" ]; }
answers() { [ "$(status /healthz)" != 000 ]; }
running() { kill -0 "$nw_pid" 2>/dev/null; }

# metric NAME_AND_LABELS: the value of one sample of the last scrape ($tmp/metrics), or "absent".
metric() {
  awk -v k="$1" '$1 == k { v = $2 } END { print (v == "" ? "absent" : v) }' "$tmp/metrics"
}
scrape() { curl -s --noproxy '*' --max-time 5 -o "$tmp/metrics" "http://127.0.0.1:$port/metrics"; }
scraped_in() {
  scrape && [ "$(metric newswire_input_messages_total)" = "$1" ]
}
lag_zero() {
  scrape && "$PY" - "$tmp/metrics" "$in" <<'EOF'
import re, sys
lags = [float(m.group(1)) for line in open(sys.argv[1])
        for m in [re.match(r'newswire_consumer_lag\{topic="' + re.escape(sys.argv[2]) + r'",partition="\d+"\} (\S+)$', line)] if m]
sys.exit(0 if lags and all(v == 0 for v in lags) else 1)
EOF
}

nw_broker
echo "broker: $NW_BOOTSTRAP, newswire: $NEWSWIRE"
t_start=$SECONDS
in=$(nw_topic ops)
out=$in-out dlq=$in-dlq state=$in-state group=$in-group
port=$(free_port)

# ---- (a) not ready before the input topic exists, ready after ----
"$NEWSWIRE" run -b "$NW_BOOTSTRAP" -X input.topics="$in" -X output.topic="$out" -X dlq.topic="$dlq" \
  -X state.topic="$state" -X group.id="$group" -X metrics.listen="127.0.0.1:$port" \
  -X kafka.statistics.interval.ms=1000 >"$tmp/run.stdout" 2>"$tmp/run.stderr" &
nw_pid=$!
deadline=$((SECONDS + 30))
until answers; do
  if ! running || [ "$SECONDS" -ge "$deadline" ]; then
    tail -n 20 "$tmp/run.stderr" >&2
    nw_fail "nothing answers on 127.0.0.1:$port (metrics.listen) within 30s of starting newswire run" \
      "(connection refused: is the metrics endpoint wired into newswire run?)"
  fi
  sleep 0.1
done
check "/healthz answers 200 while newswire waits for its input topic" eq "$(status /healthz)" 200
check "/healthz body is ok" eq "$(cat "$tmp/body")" ok
not_ready=0
for _ in 1 2 3 4 5; do
  s=$(status /readyz)
  [ "$s" = 503 ] && not_ready=$((not_ready + 1))
  sleep 0.1
done
check "/readyz answers 503 (5 of 5 probes) before the input topic exists" eq "$not_ready" 5
check "/readyz body says not ready" eq "$(cat "$tmp/body")" "not ready"
check "/nope answers 404" eq "$(status /nope)" 404
check "POST /metrics answers 405" \
  eq "$(curl -s --noproxy '*' --max-time 5 -o /dev/null -w '%{http_code}' -d x=1 "http://127.0.0.1:$port/metrics" || true)" 405

nw_create_topic "$in" 2
nw_wait_until 90 is_status /readyz 200
check "/readyz answers 200 once the partitions are assigned and restored" eq "$(status /readyz)" 200
check "newswire still runs" running

# ---- (b) the counters: /metrics, the summary line and kcat agree ----
while IFS=$'\t' read -r f key _; do
  case $f in '#'* | '') continue ;; esac
  if [ -s "$SAMPLES/$f" ]; then
    nw_produce "$in" "$key" "$SAMPLES/$f"
  else
    nw_produce_empty "$in" "$key"
  fi
done <"$SAMPLES/manifest.tsv"
has_all_output() { [ "$(nw_count "$out")" -ge 4 ] && [ "$(nw_count "$dlq")" -ge 3 ]; }
nw_wait_until 120 has_all_output
# The counters follow the commit that made the records visible; give the update a moment.
nw_wait_until 15 scraped_in 11
nw_wait_until 15 lag_zero
scrape
cp "$tmp/metrics" "$tmp/metrics.final"
check "GET /metrics has the text format's content type" \
  eq "$(curl -s --noproxy '*' --max-time 5 -o /dev/null -w '%{content_type}' "http://127.0.0.1:$port/metrics")" \
  "text/plain; version=0.0.4; charset=utf-8"

kill -TERM "$nw_pid"
rc=0
for _ in $(seq 1 600); do running || break; sleep 0.1; done
if running; then
  nw_fail "newswire run still running 60s after SIGTERM"
fi
wait "$nw_pid" || rc=$?
nw_pid=
echo "newswire run ended with status $rc: $(cat "$tmp/run.stdout")"
check "SIGTERM ends newswire run with status 0" eq "$rc" 0
summary=$(grep '^newswire: in=' "$tmp/run.stdout" || true)
check "summary line" eq "$summary" "newswire: in=11 emitted=4 duplicate=2 stale=2 rejected=3"

# name=value pairs of the summary line, for comparison with the scrape.
declare -A sum=()
for kv in ${summary#newswire: }; do sum[${kv%%=*}]=${kv#*=}; done
nw_consume_json "$out" >"$tmp/out.jsonl"
nw_consume_json "$dlq" >"$tmp/dlq.jsonl"
out_count=$(wc -l <"$tmp/out.jsonl" | tr -d ' ')
dlq_count=$(wc -l <"$tmp/dlq.jsonl" | tr -d ' ')
check "kcat: output holds 4 records" eq "$out_count" 4
check "kcat: dead-letter topic holds 3 records" eq "$dlq_count" 3

check "metrics: newswire_input_messages_total equals the summary's in" \
  eq "$(metric newswire_input_messages_total)" "${sum[in]:-missing}"
for o in emitted duplicate stale rejected; do
  check "metrics: newswire_messages_total{outcome=\"$o\"} equals the summary's $o" \
    eq "$(metric "newswire_messages_total{outcome=\"$o\"}")" "${sum[$o]:-missing}"
done
check "metrics: emitted equals kcat's count of the output topic" \
  eq "$(metric 'newswire_messages_total{outcome="emitted"}')" "$out_count"
check "metrics: rejected equals kcat's count of the dead-letter topic" \
  eq "$(metric 'newswire_messages_total{outcome="rejected"}')" "$dlq_count"
# Rejections by code: the scrape against the newswire-error headers kcat read.
"$PY" - "$tmp/dlq.jsonl" >"$tmp/dlq-codes" <<'EOF'
import collections, json, sys
c = collections.Counter()
for raw in open(sys.argv[1], "rb"):
    h = json.loads(raw.decode("utf-8", "surrogateescape")).get("headers") or []
    c[dict(zip(h[0::2], h[1::2])).get("newswire-error")] += 1
for code, n in sorted(c.items()):
    print(code, n)
EOF
awk -F'[{}"= ]+' '/^newswire_rejected_total\{/ && $NF != "0" { print $3, $NF }' "$tmp/metrics" | sort >"$tmp/metric-codes"
check "metrics: newswire_rejected_total by code equals the dead letters' newswire-error headers" \
  eq "$(cat "$tmp/metric-codes")" "$(cat "$tmp/dlq-codes")"
check "metrics: the dead letters are binary, empty and not-an-article" \
  eq "$(tr '\n' ' ' <"$tmp/dlq-codes")" "binary 1 empty 1 not-an-article 1 "
check "metrics: newswire_records_produced_total{topic=output} equals kcat's count" \
  eq "$(metric "newswire_records_produced_total{topic=\"$out\"}")" "$out_count"
check "metrics: newswire_records_produced_total{topic=dead-letter} equals kcat's count" \
  eq "$(metric "newswire_records_produced_total{topic=\"$dlq\"}")" "$dlq_count"
check "metrics: newswire_ready is 1" eq "$(metric newswire_ready)" 1
check "metrics: no transaction aborted" eq "$(metric 'newswire_transactions_total{result="aborted"}')" 0
committed=$(metric 'newswire_transactions_total{result="committed"}')
check "metrics: at least one transaction committed ($committed)" test "${committed/absent/0}" -ge 1
check "metrics: consumer lag of both input partitions is 0" \
  eq "$(grep -c "^newswire_consumer_lag{topic=\"$in\",partition=\"[01]\"} 0$" "$tmp/metrics" || true)" 2
check "metrics: librdkafka statistics show a broker up" \
  grep -qE '^newswire_kafka_broker_up\{role="[a-z]+",broker="[^"]+"\} 1$' "$tmp/metrics"
check "metrics: every sample line is NAME{LABELS} VALUE or NAME VALUE" \
  eq "$(grep -vcE '^(#.*|newswire_[a-z_]+(\{([a-z_]+="([^"\\]|\\.)*",?)*\})? [-+0-9.eEInfaN]+)$' "$tmp/metrics" || true)" 0

# ---- (c) secrets stay out of the printed configuration and the logs ----
# The HTTP enricher's bearer token comes from the environment (never from a
# configuration value); its service is down, so records go out degraded.
export NW_TEST_SECRET_TOKEN=$SECRET_TOKEN
secret_args=(-X "kafka.sasl.password=$SECRET_PASSWORD" -X http.svc.url=http://127.0.0.1:9/enrich
  -X http.svc.auth.token.env=NW_TEST_SECRET_TOKEN -X http.svc.timeout.ms=200 -X http.svc.retries=0)
rc=0
"$NEWSWIRE" run -b "$NW_BOOTSTRAP" "${secret_args[@]}" --print-config >"$tmp/print.stdout" 2>"$tmp/print.stderr" || rc=$?
check "--print-config exits 0" eq "$rc" 0
check "--print-config masks kafka.sasl.password" grep -qxF 'kafka.sasl.password=********' "$tmp/print.stdout"
check "--print-config lists the token setting, masked like every key named like a token" \
  grep -qxF 'http.svc.auth.token.env=********' "$tmp/print.stdout"
for f in print.stdout print.stderr; do
  check "--print-config: the password is not in $f" lacks "$tmp/$f" "$SECRET_PASSWORD"
  check "--print-config: the token is not in $f" lacks "$tmp/$f" "$SECRET_TOKEN"
done

rc=0
timeout -k 5 120 "$NEWSWIRE" run -b "$NW_BOOTSTRAP" -e "${secret_args[@]}" \
  -X input.topics="$in" -X output.topic="$out-2" -X dlq.topic="$dlq-2" -X state.topic="$state-2" \
  -X group.id="$group-2" -X metrics.listen=127.0.0.1:0 -X log.level=debug -X kafka.debug=conf \
  >"$tmp/secret.stdout" 2>"$tmp/secret.stderr" || rc=$?
echo "newswire run -e with secrets ended with status $rc: $(cat "$tmp/secret.stdout")"
check "run -e with secrets exits 0" eq "$rc" 0
check "run -e with secrets processed the input" \
  eq "$(cat "$tmp/secret.stdout")" "newswire: in=11 emitted=4 duplicate=2 stale=2 rejected=3"
check "run -e logged at debug level (the check below is not vacuous)" grep -q 'level=debug' "$tmp/secret.stderr"
check "run -e: librdkafka's configuration dump was logged, the password redacted" \
  grep -qF 'sasl.password = [redacted]' "$tmp/secret.stderr"
for f in secret.stdout secret.stderr; do
  check "run -e: the password is not in $f" lacks "$tmp/$f" "$SECRET_PASSWORD"
  check "run -e: the token is not in $f" lacks "$tmp/$f" "$SECRET_TOKEN"
done

finished=1
echo "$NAME: $pass passed, $fail failed ($((SECONDS - t_start))s)"
[ "$fail" = 0 ]
