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
SECRET_PASSWORD=S3cr3tValue-xyz
SECRET_TOKEN=T0kenValue-abc
nw_newswire
command -v curl >/dev/null || nw_fail "curl not found (scripts/install-deps installs it)"
nw_tmpdir
tmp=$NW_TMP

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
in=$(nw_topic ops)
out=$in-out dlq=$in-dlq state=$in-state group=$in-group
port=$(free_port)

# ---- (a) not ready before the input topic exists, ready after ----
nw_flags "$in"
nw_start "$tmp/run" -b "$NW_BOOTSTRAP" "${NW_FLAGS[@]}" -X metrics.listen="127.0.0.1:$port" \
  -X kafka.statistics.interval.ms=1000
deadline=$((SECONDS + 30))
until answers; do
  if ! nw_running || [ "$SECONDS" -ge "$deadline" ]; then
    tail -n 20 "$tmp/run.stderr" >&2
    nw_fail "nothing answers on 127.0.0.1:$port (metrics.listen) within 30s of starting newswire run" \
      "(connection refused: is the metrics endpoint wired into newswire run?)"
  fi
  sleep 0.1
done
nw_check "/healthz answers 200 while newswire waits for its input topic" nw_eq "$(status /healthz)" 200
nw_check "/healthz body is ok" nw_eq "$(cat "$tmp/body")" ok
not_ready=0
for _ in 1 2 3 4 5; do
  s=$(status /readyz)
  [ "$s" = 503 ] && not_ready=$((not_ready + 1))
  sleep 0.1
done
nw_check "/readyz answers 503 (5 of 5 probes) before the input topic exists" nw_eq "$not_ready" 5
nw_check "/readyz body says not ready" nw_eq "$(cat "$tmp/body")" "not ready"
nw_check "/nope answers 404" nw_eq "$(status /nope)" 404
nw_check "POST /metrics answers 405" \
  nw_eq "$(curl -s --noproxy '*' --max-time 5 -o /dev/null -w '%{http_code}' -d x=1 "http://127.0.0.1:$port/metrics" || true)" 405

nw_create_topic "$in" 2
nw_wait_until 90 is_status /readyz 200
nw_check "/readyz answers 200 once the partitions are assigned and restored" nw_eq "$(status /readyz)" 200
nw_check "newswire still runs" nw_running

# ---- (b) the counters: /metrics, the summary line and kcat agree ----
nw_produce_samples "$in"
has_all_output() { [ "$(nw_count "$out")" -ge 4 ] && [ "$(nw_count "$dlq")" -ge 3 ]; }
nw_wait_until 120 has_all_output
# The counters follow the commit that made the records visible; give the update a moment.
nw_wait_until 15 scraped_in 11
nw_wait_until 15 lag_zero
scrape
cp "$tmp/metrics" "$tmp/metrics.final"
nw_check "GET /metrics has the text format's content type" \
  nw_eq "$(curl -s --noproxy '*' --max-time 5 -o /dev/null -w '%{content_type}' "http://127.0.0.1:$port/metrics")" \
  "text/plain; version=0.0.4; charset=utf-8"

nw_stop 60
echo "newswire run ended with status $NW_RC: $(cat "$tmp/run.stdout")"
nw_check "SIGTERM ends newswire run with status 0" nw_eq "$NW_RC" 0
summary=$(grep '^newswire: in=' "$tmp/run.stdout" || true)
nw_check "summary line" nw_eq "$summary" "newswire: in=11 emitted=4 duplicate=2 stale=2 rejected=3"

# name=value pairs of the summary line, for comparison with the scrape.
declare -A sum=()
for kv in ${summary#newswire: }; do sum[${kv%%=*}]=${kv#*=}; done
nw_consume_json "$out" >"$tmp/out.jsonl"
nw_consume_json "$dlq" >"$tmp/dlq.jsonl"
out_count=$(wc -l <"$tmp/out.jsonl" | tr -d ' ')
dlq_count=$(wc -l <"$tmp/dlq.jsonl" | tr -d ' ')
nw_check "kcat: output holds 4 records" nw_eq "$out_count" 4
nw_check "kcat: dead-letter topic holds 3 records" nw_eq "$dlq_count" 3

nw_check "metrics: newswire_input_messages_total equals the summary's in" \
  nw_eq "$(metric newswire_input_messages_total)" "${sum[in]:-missing}"
for o in emitted duplicate stale rejected; do
  nw_check "metrics: newswire_messages_total{outcome=\"$o\"} equals the summary's $o" \
    nw_eq "$(metric "newswire_messages_total{outcome=\"$o\"}")" "${sum[$o]:-missing}"
done
nw_check "metrics: emitted equals kcat's count of the output topic" \
  nw_eq "$(metric 'newswire_messages_total{outcome="emitted"}')" "$out_count"
nw_check "metrics: rejected equals kcat's count of the dead-letter topic" \
  nw_eq "$(metric 'newswire_messages_total{outcome="rejected"}')" "$dlq_count"
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
nw_check "metrics: newswire_rejected_total by code equals the dead letters' newswire-error headers" \
  nw_eq "$(cat "$tmp/metric-codes")" "$(cat "$tmp/dlq-codes")"
nw_check "metrics: the dead letters are binary, empty and not-an-article" \
  nw_eq "$(tr '\n' ' ' <"$tmp/dlq-codes")" "binary 1 empty 1 not-an-article 1 "
nw_check "metrics: newswire_records_produced_total{topic=output} equals kcat's count" \
  nw_eq "$(metric "newswire_records_produced_total{topic=\"$out\"}")" "$out_count"
nw_check "metrics: newswire_records_produced_total{topic=dead-letter} equals kcat's count" \
  nw_eq "$(metric "newswire_records_produced_total{topic=\"$dlq\"}")" "$dlq_count"
nw_check "metrics: newswire_ready is 1" nw_eq "$(metric newswire_ready)" 1
nw_check "metrics: no transaction aborted" nw_eq "$(metric 'newswire_transactions_total{result="aborted"}')" 0
committed=$(metric 'newswire_transactions_total{result="committed"}')
nw_check "metrics: at least one transaction committed ($committed)" test "${committed/absent/0}" -ge 1
nw_check "metrics: consumer lag of both input partitions is 0" \
  nw_eq "$(grep -c "^newswire_consumer_lag{topic=\"$in\",partition=\"[01]\"} 0$" "$tmp/metrics" || true)" 2
nw_check "metrics: librdkafka statistics show a broker up" \
  grep -qE '^newswire_kafka_broker_up\{role="[a-z]+",broker="[^"]+"\} 1$' "$tmp/metrics"
nw_check "metrics: every sample line is NAME{LABELS} VALUE or NAME VALUE" \
  nw_eq "$(grep -vcE '^(#.*|newswire_[a-z_]+(\{([a-z_]+="([^"\\]|\\.)*",?)*\})? [-+0-9.eEInfaN]+)$' "$tmp/metrics" || true)" 0

# ---- (c) secrets stay out of the printed configuration and the logs ----
# The HTTP enricher's bearer token comes from the environment (never from a
# configuration value); its service is down, so records go out degraded.
export NW_TEST_SECRET_TOKEN=$SECRET_TOKEN
secret_args=(-X "kafka.sasl.password=$SECRET_PASSWORD" -X http.svc.url=http://127.0.0.1:9/enrich
  -X http.svc.auth.token.env=NW_TEST_SECRET_TOKEN -X http.svc.timeout.ms=200 -X http.svc.retries=0)
rc=0
"$NEWSWIRE" run -b "$NW_BOOTSTRAP" "${secret_args[@]}" --print-config >"$tmp/print.stdout" 2>"$tmp/print.stderr" || rc=$?
nw_check "--print-config exits 0" nw_eq "$rc" 0
nw_check "--print-config masks kafka.sasl.password" grep -qxF 'kafka.sasl.password=********' "$tmp/print.stdout"
nw_check "--print-config lists the token setting, masked like every key named like a token" \
  grep -qxF 'http.svc.auth.token.env=********' "$tmp/print.stdout"
for f in print.stdout print.stderr; do
  nw_check "--print-config: the password is not in $f" nw_lacks "$tmp/$f" "$SECRET_PASSWORD"
  nw_check "--print-config: the token is not in $f" nw_lacks "$tmp/$f" "$SECRET_TOKEN"
done

nw_run_e "$tmp/secret" 120 "${secret_args[@]}" \
  -X input.topics="$in" -X output.topic="$out-2" -X dlq.topic="$dlq-2" -X state.topic="$state-2" \
  -X group.id="$group-2" -X metrics.listen=127.0.0.1:0 -X log.level=debug -X kafka.debug=conf
echo "newswire run -e with secrets ended with status $NW_RC: $(cat "$tmp/secret.stdout")"
nw_check "run -e with secrets exits 0" nw_eq "$NW_RC" 0
nw_check "run -e with secrets processed the input" \
  nw_eq "$(cat "$tmp/secret.stdout")" "newswire: in=11 emitted=4 duplicate=2 stale=2 rejected=3"
nw_check "run -e logged at debug level (the check below is not vacuous)" grep -q 'level=debug' "$tmp/secret.stderr"
nw_check "run -e: librdkafka's configuration dump was logged, the password redacted" \
  grep -qF 'sasl.password = [redacted]' "$tmp/secret.stderr"
for f in secret.stdout secret.stderr; do
  nw_check "run -e: the password is not in $f" nw_lacks "$tmp/$f" "$SECRET_PASSWORD"
  nw_check "run -e: the token is not in $f" nw_lacks "$tmp/$f" "$SECRET_TOKEN"
done

nw_summary "$NAME"
