# shellcheck shell=bash
# Helpers for the tests against the secured broker (tests/integration/test_security_*.sh), sourced
# after lib.sh. `scripts/kafka-local start --secure` runs it on NEWSWIRE_KAFKA_SECURE_PORT
# (default NEWSWIRE_KAFKA_PORT + 2, so PORT+2 SASL_SSL, PORT+3 controller, PORT+4 mTLS, PORT+5 a
# certificate for another host name: clear of the plain broker's two ports). The first test to need it starts it and later ones reuse it;
# scripts/test stops it at the end. Users, passwords and files: see scripts/kafka/secure.sh.
#
#   nw_secure_broker          # exports NW_BOOTSTRAP (SASL_SSL) and KCAT_CONFIG (admin, PLAIN), so
#                             # lib.sh's kcat helpers and nw_create_topic work unchanged; sets
#                             # NW_SEC_DIR, NW_SEC_CA, NW_SEC_SSL (the mTLS address),
#                             # NW_SEC_MISMATCH (TLS with a certificate for another host name)
#   nw_sec_props FILE MODE [USER [PASSWORD]]   # a newswire properties file for MODE:
#                             # scram | plain (SASL_SSL) or mtls (SSL with the client certificate)
#   nw_sec_kcat_conf FILE MODE [USER [PASSWORD]]  # the same as a kcat -F file (plain, mtls)

nw_secure_broker() {
  local base=${NEWSWIRE_KAFKA_PORT:-9092}
  local port=${NEWSWIRE_KAFKA_SECURE_PORT:-$((base + 2))}
  NW_SEC_DIR=${NEWSWIRE_KAFKA_SECURE_DIR:-/tmp/newswire-kafka-$port}
  NW_BOOTSTRAP=$(NEWSWIRE_KAFKA_PORT=$port NEWSWIRE_KAFKA_DIR=$NW_SEC_DIR \
    NEWSWIRE_KAFKA_CONTROLLER_PORT=$((port + 1)) NEWSWIRE_KAFKA_SSL_PORT=$((port + 2)) \
    NEWSWIRE_KAFKA_MISMATCH_PORT=$((port + 3)) \
    "$NW_KAFKA_LOCAL" start --secure) || nw_fail "could not start the secured broker on port $port"
  NW_SEC_CA=$NW_SEC_DIR/tls/ca.pem
  NW_SEC_SSL=127.0.0.1:$((port + 2))
  NW_SEC_MISMATCH=127.0.0.1:$((port + 3))
  KCAT_CONFIG=$NW_SEC_DIR/admin.kcat.conf
  # nw_create_topic finds the broker's directory from the port.
  export NW_BOOTSTRAP KCAT_CONFIG NEWSWIRE_KAFKA_DIR=$NW_SEC_DIR
  [ -r "$NW_SEC_CA" ] && [ -r "$KCAT_CONFIG" ] || nw_fail "secured broker files missing in $NW_SEC_DIR"
}

# nw_sec_acl ARGS...: kafka-local acl (AclCommand as the super user) against the secured broker.
nw_sec_acl() {
  NEWSWIRE_KAFKA_PORT=${NW_BOOTSTRAP##*:} "$NW_KAFKA_LOCAL" acl "$@" >/dev/null ||
    nw_fail "kafka-local acl $* failed"
}

nw_sec_props() {
  local file=$1 mode=$2 user=${3:-newswire} pw=${4:-${3:-newswire}-secret}
  case $mode in
    scram | plain)
      local mech=PLAIN
      [ "$mode" = scram ] && mech=SCRAM-SHA-512
      cat >"$file" <<EOC
kafka.bootstrap.servers=$NW_BOOTSTRAP
kafka.security.protocol=SASL_SSL
kafka.sasl.mechanism=$mech
kafka.sasl.username=$user
kafka.sasl.password=$pw
kafka.ssl.ca.location=$NW_SEC_CA
EOC
      ;;
    mtls)
      cat >"$file" <<EOC
kafka.bootstrap.servers=$NW_SEC_SSL
kafka.security.protocol=SSL
kafka.ssl.ca.location=$NW_SEC_CA
kafka.ssl.certificate.location=$NW_SEC_DIR/tls/client.pem
kafka.ssl.key.location=$NW_SEC_DIR/tls/client.key
EOC
      ;;
    *) nw_fail "nw_sec_props: unknown mode $mode" ;;
  esac
  chmod 600 "$file"
}

nw_sec_kcat_conf() {
  local file=$1 mode=$2 user=${3:-newswire} pw=${4:-${3:-newswire}-secret}
  case $mode in
    plain)
      printf 'security.protocol=SASL_SSL\nsasl.mechanisms=PLAIN\nsasl.username=%s\nsasl.password=%s\nssl.ca.location=%s\n' \
        "$user" "$pw" "$NW_SEC_CA" >"$file"
      ;;
    mtls)
      printf 'security.protocol=SSL\nssl.ca.location=%s\nssl.certificate.location=%s\nssl.key.location=%s\n' \
        "$NW_SEC_CA" "$NW_SEC_DIR/tls/client.pem" "$NW_SEC_DIR/tls/client.key" >"$file"
      ;;
    *) nw_fail "nw_sec_kcat_conf: kcat cannot do $mode here" ;;
  esac
  chmod 600 "$file"
}

# nw_sec_pipeline NAME MODE: the samples through `newswire run -e` as User:newswire over MODE,
# the output read back with kcat as the same user where kcat can (PLAIN, mTLS; Debian 12's kcat
# links librdkafka 2.0.2, whose SCRAM Kafka 4 rejects: SCRAM output is read as admin over PLAIN).
nw_sec_pipeline() {
  local name=$1 mode=$2 in
  in=$(nw_topic "sec-$mode")
  nw_create_topic "$in" 1
  nw_create_topic "$in-out" 1
  nw_create_topic "$in-dlq" 1
  nw_create_topic "$in-state" 1 cleanup.policy=compact
  nw_produce_samples "$in"
  nw_sec_props "$NW_TMP/$mode.properties" "$mode"
  nw_flags "$in"
  NW_RC=0
  timeout -k 5 120 "$NEWSWIRE" run -c "$NW_TMP/$mode.properties" "${NW_FLAGS[@]}" -e \
    >"$NW_TMP/$mode.stdout" 2>"$NW_TMP/$mode.stderr" || NW_RC=$?
  [ "$NW_RC" = 0 ] || tail -n 30 "$NW_TMP/$mode.stderr" >&2
  nw_check "$mode: run -e exits 0" nw_eq "$NW_RC" 0
  nw_check "$mode: the summary counts the samples" nw_eq "$(cat "$NW_TMP/$mode.stdout")" \
    "newswire: in=11 emitted=4 duplicate=2 stale=2 rejected=3"
  local conf=$KCAT_CONFIG addr=$NW_BOOTSTRAP
  if [ "$mode" != scram ]; then
    conf=$NW_TMP/$mode.kcat.conf
    nw_sec_kcat_conf "$conf" "$mode"
  fi
  [ "$mode" = mtls ] && addr=$NW_SEC_SSL
  nw_check "$mode: 4 records on the output topic, read back by kcat as $([ "$mode" = scram ] && echo admin || echo newswire)" \
    nw_eq "$(KCAT_CONFIG=$conf NW_BOOTSTRAP=$addr nw_count "$in-out")" 4
  nw_check "$mode: 3 dead letters" nw_eq "$(KCAT_CONFIG=$conf NW_BOOTSTRAP=$addr nw_count "$in-dlq")" 3
  nw_check "$mode: the password is not logged" nw_lacks "$NW_TMP/$mode.stderr" "newswire-secret"
}
