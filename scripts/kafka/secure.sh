# shellcheck shell=bash
# The secured mode of scripts/kafka-local (`start --secure`, or NEWSWIRE_KAFKA_SECURE=1), sourced
# by it. It turns the throwaway broker into one that exercises what a production cluster demands of
# a client: TLS with a certificate authority of its own, SASL authentication and authorization.
#
#   PORT            SASL_SSL, mechanisms SCRAM-SHA-512 and PLAIN
#   PORT+2          SSL with client certificates required (mTLS); NEWSWIRE_KAFKA_SSL_PORT
#   PORT+1          the KRaft controller, also mTLS (the broker's own certificate)
#   PORT+3          SSL with a certificate for another host name (wrong-host.invalid), for tests
#                   of hostname verification; NEWSWIRE_KAFKA_MISMATCH_PORT
#
# Everything lives in DIR: tls/ca.pem (the CA to trust), tls/client.pem + tls/client.key (a client
# certificate, CN=newswire), admin.properties and admin.kcat.conf (the super user, for Kafka's
# tools and kcat). The broker certificate names 127.0.0.1 and localhost. Principals: SASL users by
# name, certificates by their CN (ssl.principal.mapping.rules), so the client certificate is
# User:newswire like the SASL user newswire. Users, fixed because the broker is for tests only:
#
#   admin / admin-secret        super user (PLAIN and SCRAM-SHA-512)
#   newswire / newswire-secret  PLAIN and SCRAM-SHA-512; ACLs: All on every topic, group and
#                               transactional id, and on the cluster
#   limited / limited-secret    PLAIN and SCRAM-SHA-512; no ACLs (tests grant what they need)
#
# SCRAM credentials are written at format time (StorageTool --add-scram); the ACLs are added with
# Kafka's AclCommand once the broker answers (`kafka-local acl ...` adds more). The authorizer is
# KRaft's StandardAuthorizer, denying whatever no ACL allows.

SECURE_USERS=(admin newswire limited)
SSL_PORT=${NEWSWIRE_KAFKA_SSL_PORT:-$((PORT + 2))}
MISMATCH_PORT=${NEWSWIRE_KAFKA_MISMATCH_PORT:-$((PORT + 3))}
TLS_DIR=$DIR/tls
ADMIN_PROPS=$DIR/admin.properties
ADMIN_KCAT=$DIR/admin.kcat.conf

secure_password() { printf '%s-secret' "$1"; }

# secure_issue NAME CN SAN EKU: a key and a certificate signed by the CA, in TLS_DIR.
secure_issue() {
  local name=$1 cn=$2 san=$3 eku=$4
  openssl req -new -newkey rsa:2048 -nodes -keyout "$TLS_DIR/$name.key" -subj "/CN=$cn" \
    -out "$TLS_DIR/$name.csr" 2>/dev/null
  printf 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=%s\n%s' \
    "$eku" "${san:+subjectAltName=$san
}" >"$TLS_DIR/$name.ext"
  openssl x509 -req -in "$TLS_DIR/$name.csr" -CA "$TLS_DIR/ca.pem" -CAkey "$TLS_DIR/ca.key" \
    -CAcreateserial -days 30 -sha256 -extfile "$TLS_DIR/$name.ext" -out "$TLS_DIR/$name.pem" 2>/dev/null
  rm -f "$TLS_DIR/$name.csr" "$TLS_DIR/$name.ext"
}

# A fresh CA and certificates for every fresh start (with --keep the old ones stay).
secure_make_tls() {
  command -v openssl >/dev/null 2>&1 || die "openssl not found (Debian's openssl package)"
  rm -rf "$TLS_DIR"
  mkdir -p "$TLS_DIR"
  chmod 700 "$TLS_DIR"
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$TLS_DIR/ca.key" -out "$TLS_DIR/ca.pem" \
    -days 30 -sha256 -subj "/CN=kafka-local test CA $PORT" \
    -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null ||
    die "openssl could not make the CA"
  secure_issue broker kafka-local-broker "DNS:localhost,IP:127.0.0.1" serverAuth,clientAuth ||
    die "openssl could not make the broker certificate"
  secure_issue client newswire "" clientAuth || die "openssl could not make the client certificate"
  secure_issue wronghost wrong-host.invalid "DNS:wrong-host.invalid" serverAuth ||
    die "openssl could not make the wrong-host certificate"
  # Kafka's PEM keystore: an unencrypted PKCS#8 key followed by the certificate chain.
  {
    openssl pkcs8 -topk8 -nocrypt -in "$TLS_DIR/broker.key"
    cat "$TLS_DIR/broker.pem" "$TLS_DIR/ca.pem"
  } >"$TLS_DIR/broker-keystore.pem"
  {
    openssl pkcs8 -topk8 -nocrypt -in "$TLS_DIR/wronghost.key"
    cat "$TLS_DIR/wronghost.pem" "$TLS_DIR/ca.pem"
  } >"$TLS_DIR/wronghost-keystore.pem"
}

secure_write_client_configs() {
  local pw
  pw=$(secure_password admin)
  cat >"$ADMIN_PROPS" <<EOC
security.protocol=SASL_SSL
sasl.mechanism=PLAIN
sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="admin" password="$pw";
ssl.truststore.type=PEM
ssl.truststore.location=$TLS_DIR/ca.pem
EOC
  # PLAIN for kcat: Debian 12's kcat links librdkafka 2.0.2, whose SCRAM Kafka 4 rejects.
  cat >"$ADMIN_KCAT" <<EOC
security.protocol=SASL_SSL
sasl.mechanisms=PLAIN
sasl.username=admin
sasl.password=$pw
ssl.ca.location=$TLS_DIR/ca.pem
EOC
  chmod 600 "$ADMIN_PROPS" "$ADMIN_KCAT"
}

# Appended to server.properties after the template (later lines win).
secure_render_config() {
  local u jaas=''
  for u in "${SECURE_USERS[@]}"; do jaas+=" user_$u=\"$(secure_password "$u")\""; done
  cat >>"$CONFIG" <<EOC

# Secured mode (scripts/kafka/secure.sh)
listeners=SASL_SSL://127.0.0.1:$PORT,SSL://127.0.0.1:$SSL_PORT,MISMATCH://127.0.0.1:$MISMATCH_PORT,CONTROLLER://127.0.0.1:$CONTROLLER_PORT
advertised.listeners=SASL_SSL://127.0.0.1:$PORT,SSL://127.0.0.1:$SSL_PORT,MISMATCH://127.0.0.1:$MISMATCH_PORT
listener.security.protocol.map=SASL_SSL:SASL_SSL,SSL:SSL,MISMATCH:SSL,CONTROLLER:SSL
listener.name.mismatch.ssl.keystore.type=PEM
listener.name.mismatch.ssl.keystore.location=$TLS_DIR/wronghost-keystore.pem
listener.name.mismatch.ssl.client.auth=none
inter.broker.listener.name=SSL
ssl.keystore.type=PEM
ssl.keystore.location=$TLS_DIR/broker-keystore.pem
ssl.truststore.type=PEM
ssl.truststore.location=$TLS_DIR/ca.pem
listener.name.ssl.ssl.client.auth=required
listener.name.controller.ssl.client.auth=required
ssl.principal.mapping.rules=RULE:^CN=([^,]+)\$/\$1/,DEFAULT
sasl.enabled.mechanisms=SCRAM-SHA-512,PLAIN
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
listener.name.sasl_ssl.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required$jaas;
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
allow.everyone.if.no.acl.found=false
super.users=User:admin;User:kafka-local-broker
EOC
}

# Arguments for StorageTool format: the SCRAM credentials.
secure_format_args() {
  local u
  for u in "${SECURE_USERS[@]}"; do
    printf '%s\n' --add-scram "SCRAM-SHA-512=[name=$u,password=$(secure_password "$u")]"
  done
}

# acl ARGS...: Kafka's AclCommand as the super user, e.g.
#   acl --add --allow-principal User:limited --operation Read --topic news.raw
secure_acl() {
  run_tool acl org.apache.kafka.tools.AclCommand --bootstrap-server "$ADDR" \
    --command-config "$ADMIN_PROPS" "$@"
}

secure_grant_defaults() {
  local out
  out=$(secure_acl --add --allow-principal User:newswire --operation All --topic '*' \
    --group '*' --transactional-id '*' --cluster 2>&1) || {
    printf '%s\n' "$out" >&2
    return 1
  }
}
