#!/usr/bin/env bash
# Security failures against the secured broker end with an error that names the cause and a
# documented exit status, within failure.timeout.ms, instead of retrying forever: wrong password,
# untrusted CA, hostname mismatch (69, EX_UNAVAILABLE); no Describe on the input topic, no right
# on the consumer group, on the transactional id, no Write on the DLQ topic (77, EX_NOPERM). While
# the failure lasts /healthz answers 503 with the cause. Each case runs as the ACL-less user
# `limited` with rights granted on names of its own, so runs do not share ACLs.
set -euo pipefail
NAME=test_security_failures
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$HERE/lib.sh"
# shellcheck source-path=SCRIPTDIR source=security_lib.sh
. "$HERE/security_lib.sh"
nw_newswire
nw_tmpdir
tmp=$NW_TMP
nw_secure_broker
P=$(nw_topic secf)
TIMEOUT_MS=5000

# fail_case NAME STATUS TEXT... -- ARGS...: newswire run -e ARGS... (after -c $tmp/NAME.properties
# set by the caller) exits STATUS within TIMEOUT_MS + 25 s, its last stderr line (the final error)
# contains every TEXT, and it never claims an input topic "does not exist yet".
fail_case() {
  local name=$1 want=$2 t0 secs
  shift 2
  local -a texts=()
  while [ "$1" != -- ]; do
    texts+=("$1")
    shift
  done
  shift
  t0=$SECONDS
  NW_RC=0
  timeout -k 5 90 "$NEWSWIRE" run -c "$tmp/$name.properties" -X failure.timeout.ms=$TIMEOUT_MS \
    "$@" -e >"$tmp/$name.stdout" 2>"$tmp/$name.stderr" || NW_RC=$?
  secs=$((SECONDS - t0))
  nw_check "$name: exits $want" nw_eq "$NW_RC" "$want"
  nw_check "$name: within the failure timeout plus shutdown (${secs}s)" [ "$secs" -le $((TIMEOUT_MS / 1000 + 25)) ]
  local last t
  last=$(grep '^newswire: run:' "$tmp/$name.stderr" | tail -n 1)
  for t in "${texts[@]}"; do
    nw_check "$name: the final error names '$t'" nw_contains "$last" "$t"
  done
  nw_check "$name: no 'does not exist yet'" nw_lacks "$tmp/$name.stderr" "does not exist yet"
  nw_check "$name: no password in the output" nw_lacks "$tmp/$name.stderr" "limited-secret"
}

flags() { # flags BASE: the topics and group of one case
  NW_FLAGS=(-X input.topics="$1-in" -X output.topic="$1-out" -X dlq.topic="$1-dlq"
    -X state.topic="$1-state" -X group.id="$1-g")
}

# --- authentication and TLS (69) ---
nw_sec_props "$tmp/password.properties" scram newswire wrong-password
flags "$P-pw"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
timeout -k 5 90 "$NEWSWIRE" run -c "$tmp/password.properties" "${NW_FLAGS[@]}" -e \
  -X failure.timeout.ms=20000 -X metrics.listen="127.0.0.1:$port" \
  >"$tmp/health.stdout" 2>"$tmp/health.stderr" &
hpid=$!
healthz_failing() {
  curl -s -o "$tmp/healthz" -w '%{http_code}' "http://127.0.0.1:$port/healthz" | grep -qx 503 &&
    grep -q 'authentication failed' "$tmp/healthz"
}
nw_wait_until 15 healthz_failing
nw_check "wrong password: /healthz answers 503 naming the cause" grep -q 'invalid credentials' "$tmp/healthz"
hrc=0
wait "$hpid" || hrc=$?
nw_check "wrong password (with /healthz): exits 69 after failure.timeout.ms" nw_eq "$hrc" 69

fail_case password 69 "authentication failed" "invalid credentials" -- "${NW_FLAGS[@]}"

nw_sec_props "$tmp/ca.properties" scram
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$tmp/other-ca.key" -out "$tmp/other-ca.pem" \
  -days 1 -subj /CN=another-ca 2>/dev/null
sed -i "s|^kafka.ssl.ca.location=.*|kafka.ssl.ca.location=$tmp/other-ca.pem|" "$tmp/ca.properties"
fail_case ca 69 "TLS" "untrusted certificate" -- "${NW_FLAGS[@]}"

printf 'kafka.bootstrap.servers=%s\nkafka.security.protocol=SSL\nkafka.ssl.ca.location=%s\n' \
  "$NW_SEC_MISMATCH" "$NW_SEC_CA" >"$tmp/host.properties"
fail_case host 69 "TLS" "hostname mismatch" -- "${NW_FLAGS[@]}"

# --- authorization (77), as user limited ---
nw_sec_props "$tmp/authz.properties" scram limited
for c in describe group txn dlq; do cp "$tmp/authz.properties" "$tmp/$c.properties"; done

# No right at all on the input topic: it exists but cannot be described.
nw_create_topic "$P-d-in" 1
flags "$P-d"
fail_case describe 77 "TOPIC_AUTHORIZATION_FAILED" "topic $P-d-in" "Describe" -- "${NW_FLAGS[@]}"

# Every topic right, no transactional id right.
nw_create_topic "$P-t-in" 1
nw_sec_acl --add --allow-principal User:limited --operation All --topic "$P-t-" --resource-pattern-type prefixed
flags "$P-t"
fail_case txn 77 "TRANSACTIONAL_ID_AUTHORIZATION_FAILED" "transactional id newswire-$P-t-g" -- "${NW_FLAGS[@]}"

# Topics and transactional id, no group right.
nw_create_topic "$P-g-in" 1
nw_sec_acl --add --allow-principal User:limited --operation All --topic "$P-g-" \
  --transactional-id "newswire-$P-g-" --resource-pattern-type prefixed
flags "$P-g"
fail_case group 77 "GROUP_AUTHORIZATION_FAILED" "group $P-g-g" -- "${NW_FLAGS[@]}"

# Everything but Write on the DLQ topic; one message that becomes a dead letter.
nw_create_topic "$P-q-in" 1
nw_create_topic "$P-q-dlq" 1
nw_sec_acl --add --allow-principal User:limited --operation All --topic "$P-q-" \
  --group "$P-q-" --transactional-id "newswire-$P-q-" --resource-pattern-type prefixed
nw_sec_acl --add --deny-principal User:limited --operation Write --topic "$P-q-dlq"
nw_produce_value "$P-q-in" bad-1 'x'
flags "$P-q"
fail_case dlq 77 "TOPIC_AUTHORIZATION_FAILED" "topic $P-q-dlq" "Write" -- "${NW_FLAGS[@]}"
nw_check "dlq: the final error is not the follow-on state error" \
  nw_lacks "$tmp/dlq.stderr" "newswire: run: Producer attempted"

nw_summary "$NAME"
