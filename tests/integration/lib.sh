# shellcheck shell=bash
# Helpers for newswire's integration tests (tests/integration/test_*.sh), which run against a
# real Kafka broker (scripts/kafka-local) and use kcat as the outside client. Source it:
#
#   . "$(dirname "$0")/lib.sh"
#   nw_broker                          # exports NW_BOOTSTRAP=127.0.0.1:PORT
#   t=$(nw_topic input); nw_create_topic "$t" 3
#   nw_produce_value "$t" key1 'hello'
#   nw_wait_until 30 has_output        # CMD is re-run until it succeeds
#
# Environment: NW_SOURCE_DIR (repo root; defaults to two levels above this file), NW_BOOTSTRAP
# (an already running broker to use), NEWSWIRE_KAFKA_PORT and the other NEWSWIRE_KAFKA_* variables
# of scripts/kafka-local. Consumers read with isolation.level=read_committed: what a
# transactional producer aborted or has not committed yet is not seen.

# Several newswire processes run at once in some tests: keep the metrics
# endpoint (127.0.0.1:9464 by default) off unless a test turns it on.
export NEWSWIRE_METRICS_LISTEN=${NEWSWIRE_METRICS_LISTEN-}

NW_SOURCE_DIR=${NW_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
NW_KAFKA_LOCAL=$NW_SOURCE_DIR/scripts/kafka-local
# Separates key from value on kcat's stdin (nw_produce_empty); never part of a test key.
NW_KEY_DELIM=$'\x1f'

# nw_fail MSG...: print MSG and end the test with exit status 1.
nw_fail() {
  printf 'FAIL: %s\n' "$*" >&2
  exit 1
}

# nw_wait_until TIMEOUT_S CMD...: run CMD (stdout discarded) every 0.2 s until it succeeds;
# fail the test if it has not within TIMEOUT_S seconds. CMD is re-run as given, so put a compound
# condition in a function rather than in "$(...)", which would be evaluated only once.
nw_wait_until() {
  local timeout=$1
  shift
  local deadline=$((SECONDS + timeout))
  until "$@" >/dev/null; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      nw_fail "timed out after ${timeout}s waiting for: $*"
    fi
    sleep 0.2
  done
}

# nw_broker: make sure a broker is running and export NW_BOOTSTRAP. A broker already given in
# NW_BOOTSTRAP, or already running on NEWSWIRE_KAFKA_PORT, is reused (the suite starts one broker
# for all tests and stops it at the end).
nw_broker() {
  if [ -n "${NW_BOOTSTRAP:-}" ] && kcat -L -b "$NW_BOOTSTRAP" -m 5 >/dev/null 2>&1; then
    export NW_BOOTSTRAP
    return 0
  fi
  NW_BOOTSTRAP=$("$NW_KAFKA_LOCAL" start) || nw_fail "could not start the broker (scripts/kafka-local start)"
  export NW_BOOTSTRAP
}

# nw_topic PREFIX: print a topic name no other test run uses.
nw_topic() {
  printf '%s-%s-%s%s\n' "$1" "$$" "$RANDOM" "$RANDOM"
}

# nw_create_topic NAME PARTITIONS [key=value...]: create a topic (replication factor 1) with topic
# configs (e.g. cleanup.policy=compact); returns once every partition has a leader.
nw_create_topic() {
  NEWSWIRE_KAFKA_PORT=${NW_BOOTSTRAP##*:} "$NW_KAFKA_LOCAL" create-topic "$@" ||
    nw_fail "could not create topic $1"
}

# nw_produce TOPIC KEY FILE: send FILE's bytes, unchanged, as one message with key KEY. kcat
# silently skips an empty file: use nw_produce_empty for an empty value.
nw_produce() {
  [ -s "$3" ] || nw_fail "nw_produce: $3 is empty or missing (use nw_produce_empty)"
  kcat -P -b "$NW_BOOTSTRAP" -t "$1" -k "$2" "$3" || nw_fail "kcat could not produce $3 to $1"
}

# nw_produce_value TOPIC KEY VALUE: send the string VALUE (no newline added) with key KEY.
nw_produce_value() {
  if [ -z "$3" ]; then
    nw_produce_empty "$1" "$2"
    return
  fi
  local f rc=0
  f=$(mktemp)
  printf '%s' "$3" >"$f"
  nw_produce "$1" "$2" "$f" || rc=$?
  rm -f "$f"
  return "$rc"
}

# nw_produce_empty TOPIC KEY: send a zero-length (not NULL) value with key KEY. kcat -J shows it as
# "payload":"" (a NULL value, a tombstone, would be "payload":null).
nw_produce_empty() {
  printf '%s%s\n' "$2" "$NW_KEY_DELIM" | kcat -P -b "$NW_BOOTSTRAP" -t "$1" -K "$NW_KEY_DELIM" ||
    nw_fail "kcat could not produce an empty value to $1"
}

# nw_consume_json TOPIC [kcat args...]: print every message now in TOPIC (read_committed) as one
# JSON object per line, then return. Fields: topic, partition, offset, tstype, ts, broker, key,
# payload, and "headers":["k1","v1",...] only when the message has headers. key/payload are null
# for NULL; kcat copies bytes that are not valid UTF-8 into the JSON as they are (use nw_payload
# to compare binary values).
nw_consume_json() {
  local t=$1
  shift
  kcat -C -b "$NW_BOOTSTRAP" -t "$t" -e -q -J -X isolation.level=read_committed "$@"
}

# nw_payload TOPIC PARTITION OFFSET: print the value of one message, byte for byte.
nw_payload() {
  kcat -C -b "$NW_BOOTSTRAP" -t "$1" -p "$2" -o "$3" -c 1 -e -q -f '%s' \
    -X isolation.level=read_committed
}

# nw_count TOPIC [kcat args...]: print how many messages TOPIC has now (read_committed).
nw_count() {
  local t=$1
  shift
  kcat -C -b "$NW_BOOTSTRAP" -t "$t" -e -q -f '%o\n' -X isolation.level=read_committed "$@" |
    wc -l | tr -d ' '
}
