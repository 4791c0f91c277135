#!/usr/bin/env bash
# Kafka security settings that `run` would refuse are refused the same way by `--check-config`,
# and both exit 78 (configuration error) at once instead of exiting 1 or waiting forever: an empty
# kafka.bootstrap.servers, an unknown SASL mechanism, a missing CA, certificate or key file. Secrets
# can come from a file (kafka.sasl.password.file) or the environment (NEWSWIRE_KAFKA_SASL_PASSWORD)
# and never show in --print-config or an error. No broker is needed: nothing here connects.
# Prints `test_security_config: N passed, M failed`.
set -uo pipefail
: "${NEWSWIRE:?path to the newswire binary}"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
pass=0 fail=0
ok() {
  pass=$((pass + 1))
  echo "ok - $1"
}
bad() {
  fail=$((fail + 1))
  echo "not ok - $1" >&2
  [ -z "${2:-}" ] || printf '  %s\n' "$2" >&2
}

# expect STATUS TEXT DESC ARGS...: `newswire ARGS...` exits STATUS within 20 s and its stderr
# contains TEXT.
expect() {
  local want=$1 text=$2 desc=$3 rc=0
  shift 3
  timeout -k 2 20 "$NEWSWIRE" "$@" >"$TMP/out" 2>"$TMP/err" || rc=$?
  if [ "$rc" = "$want" ] && grep -qF -- "$text" "$TMP/err" "$TMP/out"; then
    ok "$desc"
  else
    bad "$desc" "status $rc (want $want), output: $(head -c 400 "$TMP/err" "$TMP/out")"
  fi
}

# A port nothing listens on: if a check connected, it would only see refusals, never succeed.
B=127.0.0.1:9
SASL=(-X kafka.security.protocol=SASL_SSL -X kafka.sasl.username=u)
printf 'cert-and-key-paths-only\n' >"$TMP/ca.pem"

for mode in --check-config run; do
  # `run` gets -e: should a check let it through, it would wait for the missing broker and
  # the 20 s timeout (status 124) fails the check instead of hanging the test.
  if [ "$mode" = run ]; then args=(run -e); else args=(run --check-config); fi
  expect 78 "kafka.bootstrap.servers is empty" "$mode: no bootstrap servers: 78" "${args[@]}"
  expect 78 "kafka.bootstrap.servers is empty" "$mode: blank kafka.bootstrap.servers: 78" \
    "${args[@]}" -X 'kafka.bootstrap.servers= , '
  expect 78 "SCRAM-SHA-999" "$mode: unknown SASL mechanism: 78, named" \
    "${args[@]}" -b "$B" "${SASL[@]}" -X kafka.sasl.mechanism=SCRAM-SHA-999 -X kafka.sasl.password=p
  expect 78 "kafka.ssl.ca.location: cannot read $TMP/missing-ca.pem" "$mode: missing CA file: 78, named" \
    "${args[@]}" -b "$B" -X kafka.security.protocol=SSL -X kafka.ssl.ca.location="$TMP/missing-ca.pem"
  expect 78 "kafka.ssl.key.location: cannot read $TMP/missing.key" "$mode: missing key file: 78, named" \
    "${args[@]}" -b "$B" -X kafka.security.protocol=SSL -X kafka.ssl.certificate.location="$TMP/ca.pem" \
    -X kafka.ssl.key.location="$TMP/missing.key"
  expect 78 "kafka.sasl.password.file: cannot open $TMP/missing-password" \
    "$mode: missing password file: 78, named" \
    "${args[@]}" -b "$B" "${SASL[@]}" -X kafka.sasl.mechanism=PLAIN -X kafka.sasl.password.file="$TMP/missing-password"
done

# A CA file that is not PEM: librdkafka refuses it when the client is built.
expect 78 "ssl.ca.location" "--check-config: a CA file that is no certificate: 78" \
  run --check-config -b "$B" -X kafka.security.protocol=SSL -X kafka.ssl.ca.location="$TMP/ca.pem"

# Secrets from a file and from the environment.
printf 'file-secret-4711\n' >"$TMP/password"
chmod 600 "$TMP/password"
expect 0 "configuration OK" "--check-config: kafka.sasl.password.file is accepted" \
  run --check-config -b "$B" "${SASL[@]}" -X kafka.sasl.mechanism=SCRAM-SHA-512 \
  -X kafka.sasl.password.file="$TMP/password"
expect 78 "kafka.sasl.password is set too" "both kafka.sasl.password and its .file: 78" \
  run --check-config -b "$B" "${SASL[@]}" -X kafka.sasl.mechanism=PLAIN \
  -X kafka.sasl.password.file="$TMP/password" -X kafka.sasl.password=other
: >"$TMP/empty"
expect 78 "is empty" "an empty password file: 78" \
  run --check-config -b "$B" "${SASL[@]}" -X kafka.sasl.mechanism=PLAIN -X kafka.sasl.password.file="$TMP/empty"
"$NEWSWIRE" run --print-config -b "$B" -X kafka.sasl.password.file="$TMP/password" >"$TMP/print" 2>&1
if grep -q 'file-secret-4711' "$TMP/print"; then
  bad "--print-config does not show the file's secret"
else
  ok "--print-config does not show the file's secret"
fi

NEWSWIRE_KAFKA_SASL_PASSWORD=env-secret-0815 expect 0 "configuration OK" \
  "NEWSWIRE_KAFKA_SASL_PASSWORD is accepted" run --check-config -b "$B" "${SASL[@]}" \
  -X kafka.sasl.mechanism=SCRAM-SHA-512
NEWSWIRE_KAFKA_SASL_PASSWORD=env-secret-0815 "$NEWSWIRE" run --print-config -b "$B" >"$TMP/print" 2>&1
if grep -q '^kafka.sasl.password=\*' "$TMP/print" && ! grep -q 'env-secret-0815' "$TMP/print"; then
  ok "--print-config masks the password from the environment"
else
  bad "--print-config masks the password from the environment" "$(grep -i password "$TMP/print")"
fi
# The error about a bad mechanism names the mechanism but never the password.
expect 78 "SCRAM-SHA-999" "a refused client names no secret (1/2)" \
  run --check-config -b "$B" "${SASL[@]}" -X kafka.sasl.mechanism=SCRAM-SHA-999 \
  -X kafka.sasl.password.file="$TMP/password"
if grep -q 'file-secret-4711' "$TMP/err" "$TMP/out"; then
  bad "a refused client names no secret (2/2)"
else
  ok "a refused client names no secret (2/2)"
fi

echo "test_security_config: $pass passed, $fail failed"
[ "$fail" = 0 ]
