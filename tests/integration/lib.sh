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
# A test script is a list of checks that all run, then a summary line (see "Test scaffolding"):
#
#   nw_newswire                        # NEWSWIRE: the binary under test
#   nw_tmpdir; tmp=$NW_TMP             # removed at the end unless a check failed
#   nw_flags "$t"; nw_run_e "$tmp/run" 60 "${NW_FLAGS[@]}"
#   nw_check "exits 0" nw_eq "$NW_RC" 0
#   nw_summary test_example            # "test_example: 1 passed, 0 failed (12s)"; 1 if any failed
#
# Environment: NW_SOURCE_DIR (repo root; defaults to two levels above this file), NW_BOOTSTRAP
# (an already running broker to use), NEWSWIRE_KAFKA_PORT and the other NEWSWIRE_KAFKA_* variables
# of scripts/kafka-local, NEWSWIRE (the binary under test), NW_KEEP_TMP=1 (keep the temporary
# directory of a test that passed). Consumers read with isolation.level=read_committed: what a
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

# nw_partitions TOPIC: print the partition count the broker reports for TOPIC (0 if none).
nw_partitions() {
  kcat -L -b "$NW_BOOTSTRAP" -t "$1" -m 5 2>/dev/null |
    grep -Ec '^ +partition [0-9]+, leader [0-9]+,' || true
}

# nw_produce_stream TOPIC [kcat args...] <FILE: send what gen_stream.py writes (messages*.kcat:
# KEY 0x1f VALUE, each message ended by 0x1e) with an idempotent producer.
nw_produce_stream() {
  local t=$1
  shift
  kcat -P -b "$NW_BOOTSTRAP" -t "$t" -K $'\x1f' -D $'\x1e' -X enable.idempotence=true "$@" ||
    nw_fail "kcat could not produce to $t"
}

# nw_produce_samples TOPIC: send the samples of config/samples/ in manifest.tsv order, each with
# the key the manifest gives it (an empty sample file as an empty value).
nw_produce_samples() {
  local samples=$NW_SOURCE_DIR/config/samples f key
  while IFS=$'\t' read -r f key _; do
    case $f in '#'* | '') continue ;; esac
    if [ -s "$samples/$f" ]; then
      nw_produce "$1" "$key" "$samples/$f"
    else
      nw_produce_empty "$1" "$key"
    fi
  done <"$samples/manifest.tsv"
}

# ---- Test scaffolding -------------------------------------------------------------------------
NW_PASS=0 NW_FAIL=0 NW_DONE=0 NW_TMP='' NW_PID='' NW_PID_PREFIX='' NW_RC=0 NW_T0=$SECONDS
NW_EXIT_HOOKS=()

# nw_check DESCRIPTION CMD...: one assertion. Passed ("ok - DESCRIPTION") when CMD succeeds,
# failed ("not ok - DESCRIPTION", on stderr) when it does not; either way the test goes on.
nw_check() {
  local desc=$1
  shift
  if "$@"; then
    NW_PASS=$((NW_PASS + 1))
    echo "ok - $desc"
  else
    NW_FAIL=$((NW_FAIL + 1))
    echo "not ok - $desc" >&2
  fi
}

# nw_eq GOT WANT: GOT and WANT are the same string; shows both when not.
nw_eq() {
  [ "$1" = "$2" ] && return 0
  printf '  expected: %s\n  got:      %s\n' "$2" "$1" >&2
  return 1
}

# nw_contains TEXT PART: TEXT contains the string PART; shows both when not.
nw_contains() {
  case $1 in *"$2"*) return 0 ;; esac
  printf '  expected to contain: %s\n  got: %s\n' "$2" "$1" >&2
  return 1
}

# nw_lacks FILE STRING: FILE does not contain STRING; shows where it does.
nw_lacks() {
  if grep -qF -- "$2" "$1"; then
    printf '  %s contains "%s":\n' "$1" "$2" >&2
    grep -nF -- "$2" "$1" | head -n 3 >&2
    return 1
  fi
}

# nw_now: print the time as seconds since the epoch, with a fraction. nw_since T: print the
# seconds since T (an nw_now value), to two decimals.
nw_now() { date +%s.%N; }
nw_since() { awk -v a="$1" -v b="$(nw_now)" 'BEGIN { printf "%.2f", b - a }'; }

# nw_newswire: set NEWSWIRE to the binary under test (default: build/newswire of the source tree)
# and fail the test unless it is executable.
nw_newswire() {
  NEWSWIRE=${NEWSWIRE:-$NW_SOURCE_DIR/build/newswire}
  [ -x "$NEWSWIRE" ] || nw_fail "newswire binary not found at '$NEWSWIRE' (set NEWSWIRE)"
}

# nw_tmpdir: create the test's temporary directory, NW_TMP, and take charge of the test's end:
# the nw_on_exit hooks run, then NW_TMP is removed, unless a check failed, the test stopped
# before nw_summary (nw_fail, or a command failing under set -e) or NW_KEEP_TMP=1 (any value but
# 0), which keep it and print where. A test that stopped early also prints
# "NAME: N passed, M failed (aborted; ...)", the abort counted as one more failure. The exit
# status is kept.
nw_tmpdir() {
  NW_TMP=$(mktemp -d)
  trap _nw_exit EXIT
}

# nw_on_exit CMD: run CMD (one word: a function's name) when the test ends, however it ends;
# the last registered runs first. Its failure is ignored.
nw_on_exit() {
  NW_EXIT_HOOKS=("$1" "${NW_EXIT_HOOKS[@]}")
  trap _nw_exit EXIT
}

_nw_exit() {
  local rc=$? hook
  for hook in "${NW_EXIT_HOOKS[@]}"; do
    "$hook" || true
  done
  if [ "$NW_DONE" != 1 ]; then
    echo "$(basename "$0" .sh): $NW_PASS passed, $((NW_FAIL + 1)) failed" \
      "(aborted${NW_TMP:+; files kept in $NW_TMP})"
  elif [ -z "$NW_TMP" ]; then
    :
  elif [ "$NW_FAIL" != 0 ] || [ "${NW_KEEP_TMP:-0}" != 0 ]; then
    echo "files kept in $NW_TMP"
  else
    rm -rf "$NW_TMP"
  fi
  exit "$rc"
}

# nw_summary NAME: print "NAME: N passed, M failed (Ts)", T the seconds since lib.sh was
# sourced, and return non-zero when any check failed: a test's last command. Sets NW_DONE=1, by
# which an exit hook tells a test that finished from one that stopped early.
nw_summary() {
  NW_DONE=1
  echo "$1: $NW_PASS passed, $NW_FAIL failed ($((SECONDS - NW_T0))s)"
  [ "$NW_FAIL" = 0 ]
}

# nw_flags IN [BASE [GROUP]]: set the array NW_FLAGS to the -X settings of a pipeline that reads
# topic IN and writes BASE-out, dead letters to BASE-dlq and its state to BASE-state, in consumer
# group GROUP. BASE defaults to IN, GROUP to BASE-group.
nw_flags() {
  local base=${2:-$1}
  # shellcheck disable=SC2034 # the tests use it
  NW_FLAGS=(-X input.topics="$1" -X output.topic="$base-out" -X dlq.topic="$base-dlq"
    -X state.topic="$base-state" -X group.id="${3:-$base-group}")
}

# nw_run_e PREFIX TIMEOUT_S ARGS...: run `$NEWSWIRE run -b $NW_BOOTSTRAP ARGS... -e`, killed
# after TIMEOUT_S seconds, stdout in PREFIX.stdout, stderr in PREFIX.stderr. Sets NW_RC to its
# exit status (nw_run_e itself succeeds) and shows the last 30 lines of stderr when it is not 0.
nw_run_e() {
  local prefix=$1 secs=$2
  shift 2
  NW_RC=0
  timeout -k 5 "$secs" "$NEWSWIRE" run -b "$NW_BOOTSTRAP" "$@" -e \
    >"$prefix.stdout" 2>"$prefix.stderr" || NW_RC=$?
  if [ "$NW_RC" != 0 ]; then
    tail -n 30 "$prefix.stderr" >&2
  fi
}

# nw_start PREFIX ARGS...: start `$NEWSWIRE run ARGS...` (give -b) in the background, stdout in
# PREFIX.stdout, stderr in PREFIX.stderr; NW_PID is its pid. One at a time: whatever still runs
# when the test ends is killed.
nw_start() {
  local prefix=$1
  shift
  "$NEWSWIRE" run "$@" >"$prefix.stdout" 2>"$prefix.stderr" &
  NW_PID=$! NW_PID_PREFIX=$prefix
  case " ${NW_EXIT_HOOKS[*]} " in *" _nw_kill "*) ;; *) nw_on_exit _nw_kill ;; esac
}

# nw_stop TIMEOUT_S: SIGTERM the nw_start process and wait for it; set NW_RC to its exit status.
# Fails the test if it is already gone, or still runs TIMEOUT_S seconds later.
nw_stop() {
  local deadline=$((SECONDS + $1))
  kill -TERM "$NW_PID" || nw_fail "newswire (pid $NW_PID) is already gone"
  while kill -0 "$NW_PID" 2>/dev/null; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      tail -n 20 "$NW_PID_PREFIX.stderr" >&2
      nw_fail "newswire did not stop within $1 s of SIGTERM"
    fi
    sleep 0.1
  done
  NW_RC=0
  wait "$NW_PID" || NW_RC=$?
  NW_PID=
}

# nw_running: the nw_start process still runs.
nw_running() { [ -n "$NW_PID" ] && kill -0 "$NW_PID" 2>/dev/null; }

_nw_kill() {
  if nw_running; then
    kill -KILL "$NW_PID" 2>/dev/null
    wait "$NW_PID" 2>/dev/null
  fi
  return 0
}
