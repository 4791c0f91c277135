#!/usr/bin/env bash
# End-to-end throughput of `newswire run` on a real broker, next to the cost of merely moving the
# same messages through Kafka with kcat. A benchmark, not a test: it prints figures and has no
# thresholds. See bench/README.md ("End to end").
#
#   bench/bench_e2e.sh [-n N] [--seed S] [--gen corpus|stream|short] [--newswire PATH] [--no-peer]
#                      [--floor]
#
# Steps, all against one broker (NW_BOOTSTRAP if it answers, else scripts/kafka-local start,
# which reuses a broker already running on NEWSWIRE_KAFKA_PORT, default 9092; a broker this
# script started itself is stopped at the end):
#   1. generate N raw messages (default 20000) with bench/gen_corpus.py (mixed text, JSON and
#      HTML, keyed and unkeyed; --gen stream uses tests/integration/gen_stream.py instead: keyed
#      text only, mean 3.7 KB; --gen short bench/gen_stream_short.py, the same stream with
#      wire-brief bodies, mean 0.7 KB), cached in BENCH_DIR (default /tmp/newswire-bench);
#   2. produce them to a fresh 3-partition raw topic, and warm the broker up (untimed):
#      newswire exactly-once over a one-message topic, so that the broker's internal topics
#      (consumer offsets, transaction state) exist before any clock starts;
#   3. measure (a) kcat copying the raw topic to another topic (consume -e piped into a kcat
#      producer, keys kept, 0x1f/0x1e delimiters, which the generators never put in data),
#      twice: with librdkafka's default fetch.wait.max.ms (500), as a user runs it, and with
#      newswire's own (100). A consumer that keeps up with the fetches waits that long for the
#      empty fetch that reports the end of each partition: kcat's copy took 0.68-0.70 s with the
#      default and 0.36-0.39 s with 100 ms on the short stream (the peer and newswire, which do
#      not keep up, took the same time with either);
#      (b) bench/dedupe_peer.py, the same dedupe in Python with confluent-kafka (no enrichment,
#      no exactly-once), run from PEER_VENV (default /work/venv-perf when it has
#      confluent-kafka, else ~/.cache/newswire-bench-venv, created with pip when missing; the
#      peer is skipped with a message when that fails, or with --no-peer),
#      (c) `newswire run -e` with processing.guarantee=at_least_once, (d) with exactly_once
#      (default enrichers), each with fresh output topics and group, and with --floor (e)
#      at_least_once with every built-in enricher off: what moving, parsing and deduplicating
#      the stream costs without the enrichment;
#      newswire's four topics (output, dead letters, state, repartition) are created before its
#      clock starts, as the other runs' output topics are;
#   4. print messages, seconds, msgs/s, MB/s (input value bytes) and the rate as a share of
#      kcat's copy rate (both kcat runs) and of the peer's for each, the summary lines, and the
#      machine. A newswire run that does not
#      exit within BENCH_TIMEOUT seconds (default 600) is stopped and reported, without figures.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
N=20000 SEED=1 GEN=corpus NW=${NEWSWIRE:-} PEER=1 FLOOR=0
while [ $# -gt 0 ]; do
  case $1 in
    -n) N=$2; shift 2 ;;
    --seed) SEED=$2; shift 2 ;;
    --gen) GEN=$2; shift 2 ;;
    --newswire) NW=$2; shift 2 ;;
    --no-peer) PEER=0; shift ;;
    --floor) FLOOR=1; shift ;;
    -h | --help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
    *) echo "bench_e2e: unknown argument $1" >&2; exit 2 ;;
  esac
done
case $N in '' | *[!0-9]* | 0) echo "bench_e2e: -n needs a positive number" >&2; exit 2 ;; esac
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
BENCH_DIR=${BENCH_DIR:-/tmp/newswire-bench}

die() {
  echo "bench_e2e: $*" >&2
  exit 1
}

if [ -z "$NW" ]; then
  for c in "$ROOT/build-bench/newswire" "$ROOT/build/newswire" "$ROOT"/build*/newswire; do
    if [ -x "$c" ]; then NW=$c; break; fi
  done
fi
if [ -z "$NW" ] || [ ! -x "$NW" ]; then die "no newswire binary: build one or pass --newswire PATH (or set NEWSWIRE)"; fi
command -v kcat >/dev/null || die "kcat not found"

# shellcheck source=tests/integration/lib.sh
. "$ROOT/tests/integration/lib.sh"
started_broker=0
if ! { [ -n "${NW_BOOTSTRAP:-}" ] && kcat -L -b "$NW_BOOTSTRAP" -m 5 >/dev/null 2>&1; }; then
  "$NW_KAFKA_LOCAL" status >/dev/null 2>&1 || started_broker=1
fi
nw_broker
B=$NW_BOOTSTRAP
tmp=$(mktemp -d)
cleanup() {
  rm -rf "$tmp"
  if [ "$started_broker" = 1 ]; then "$NW_KAFKA_LOCAL" stop || true; fi
}
trap cleanup EXIT

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.3f", b - a }'; }

# 1. The corpus, generated once per (generator, N, seed).
corpus=$BENCH_DIR/$GEN-$N-$SEED
if [ ! -s "$corpus/messages.kcat" ]; then
  mkdir -p "$BENCH_DIR"
  rm -rf "$corpus.tmp"
  t0=$(now)
  case $GEN in
    corpus) "$PY" "$ROOT/bench/gen_corpus.py" -n "$N" --seed "$SEED" --kcat "$corpus.tmp" >/dev/null ;;
    stream) "$PY" "$ROOT/tests/integration/gen_stream.py" -n "$N" --seed "$SEED" "$corpus.tmp" 2>/dev/null ;;
    short) "$PY" "$ROOT/bench/gen_stream_short.py" -n "$N" --seed "$SEED" "$corpus.tmp" 2>/dev/null ;;
    *) die "--gen is corpus, stream or short" ;;
  esac
  mv "$corpus.tmp" "$corpus"
  echo "generated $N messages with $GEN in $(since "$t0")s into $corpus"
fi
# Messages kcat will send and their value bytes (keys and delimiters left out). kcat skips a
# record that is empty and has no key (an unkeyed empty value cannot be sent this way), so
# such messages of the corpus are not counted.
read -r nmsg vbytes < <("$PY" -c '
import sys
n = b = 0
for m in open(sys.argv[1], "rb").read().split(b"\x1e")[:-1]:
    if m:
        n += 1
        b += len(m.split(b"\x1f", 1)[1]) if b"\x1f" in m else len(m)
print(n, b)' "$corpus/messages.kcat")
if [ "$nmsg" != "$N" ]; then
  echo "note: $((N - nmsg)) of the $N messages are unkeyed and empty, which kcat cannot send: $nmsg go to the topic"
fi
N=$nmsg

# 2. The raw topic.
run=bench-$$-$RANDOM
raw=$run-raw
nw_create_topic "$raw" 3
t0=$(now)
kcat -P -b "$B" -t "$raw" -K $'\x1f' -D $'\x1e' -X enable.idempotence=true <"$corpus/messages.kcat" ||
  die "kcat could not produce the corpus"
produce_s=$(since "$t0")
have=$(nw_count "$raw")
[ "$have" = "$N" ] || die "the raw topic holds $have messages, not $N"

# 2b. Warm-up, untimed: the broker creates its internal topics (__consumer_offsets, 50
# partitions, at the first consumer group; __transaction_state at the first transactional
# producer) when a client first needs them. On a broker fresh from scripts/kafka-local that took
# about 3 s from whichever timed run came first (the peer: 5.0 s instead of 2.0 s) and 0.8 s from
# the first exactly-once run, so every run now starts on a broker that has both.
warm=$run-warm
nw_create_topic "$warm" 1
printf 'warm\x1fwarm-up\n' | kcat -P -b "$B" -t "$warm" -K $'\x1f' || die "warm-up: kcat could not produce"
for t in out dlq repartition; do nw_create_topic "$warm-$t" 1; done
nw_create_topic "$warm-state" 1 cleanup.policy=compact
"$NW" run -b "$B" -X input.topics="$warm" -X output.topic="$warm-out" -X dlq.topic="$warm-dlq" \
  -X state.topic="$warm-state" -X group.id="$warm" -X processing.guarantee=exactly_once \
  -X log.level=warn -X metrics.listen=127.0.0.1:0 -e >/dev/null 2>"$tmp/warm.err" ||
  { tail -n 5 "$tmp/warm.err" >&2; die "warm-up: newswire failed"; }

declare -A secs summary
# 3a. kcat copy, with the default end-of-partition wait and with newswire's.
for k in kcat kcat100; do
  copy=$run-$k-copy
  wait=()
  [ "$k" = kcat100 ] && wait=(-X fetch.wait.max.ms=100)
  nw_create_topic "$copy" 3
  t0=$(now)
  kcat -C -b "$B" -t "$raw" -e -q -X isolation.level=read_committed "${wait[@]}" -f '%k\x1f%s\x1e' |
    kcat -P -b "$B" -t "$copy" -K $'\x1f' -D $'\x1e'
  secs[$k]=$(since "$t0")
  summary[$k]="copied $(nw_count "$copy") of $N messages"
done

# 3b. The Python peer, from a venv with confluent-kafka; skipped (with the reason) when none can be
# made. pip runs only when the venv lacks the package.
runs="kcat kcat100"
peer_py=
if [ "$PEER" = 1 ]; then
  for v in "${PEER_VENV:-}" /work/venv-perf "$HOME/.cache/newswire-bench-venv"; do
    if [ -n "$v" ] && [ -x "$v/bin/python" ] && "$v/bin/python" -c 'import confluent_kafka' 2>/dev/null; then
      peer_py=$v/bin/python
      break
    fi
  done
  if [ -z "$peer_py" ]; then
    v=${PEER_VENV:-$HOME/.cache/newswire-bench-venv}
    echo "installing confluent-kafka into $v for the Python peer"
    if { [ -x "$v/bin/python" ] || "$PY" -m venv "$v"; } &&
      "$v/bin/python" -m pip install -q confluent-kafka >"$tmp/pip.log" 2>&1; then
      peer_py=$v/bin/python
    else
      echo "note: no Python peer: could not install confluent-kafka into $v ($(tail -n 1 "$tmp/pip.log" 2>/dev/null))"
    fi
  fi
else
  echo "note: no Python peer (--no-peer)"
fi
if [ -n "$peer_py" ]; then
  runs="$runs peer"
  nw_create_topic "$run-peer-out" 3
  t0=$(now)
  if "$peer_py" "$ROOT/bench/dedupe_peer.py" "$B" "$raw" "$run-peer-out" "$run-peer" >"$tmp/peer.out" 2>"$tmp/peer.err"; then
    secs[peer]=$(since "$t0")
  else
    tail -n 5 "$tmp/peer.err" >&2
    secs[peer]=failed
  fi
  summary[peer]="$(cat "$tmp/peer.out") (confluent-kafka $("$peer_py" -c 'import confluent_kafka as c; print(c.__version__ + ", librdkafka " + c.libversion()[0])'))"
fi

# 3c, 3d. newswire, once per guarantee. A run that has not exited after BENCH_TIMEOUT seconds
# (default 600) is stopped with SIGTERM and reported as such, with no figure.
# metrics.listen=127.0.0.1:0: a port of its own (another newswire here may hold the default).
BENCH_TIMEOUT=${BENCH_TIMEOUT:-600}
# The built-in chain, all of it disabled for --floor.
floor_off=lang,dates,entities,subjects,stats,neardup
gs="at_least_once exactly_once"
[ "$FLOOR" = 1 ] && gs="$gs floor"
for g in $gs; do
  runs="$runs $g"
  guarantee=$g extra=()
  [ "$g" = floor ] && guarantee=at_least_once extra=(-X enrichers.disabled=$floor_off)
  # Its topics exist beforehand, as kcat's and the peer's output topics do (and as they would in
  # a deployment): the figure is the processing, not the creation of four topics.
  nw_create_topic "$run-$g-state" 3 cleanup.policy=compact
  for t in out dlq; do nw_create_topic "$run-$g-$t" 3; done
  nw_create_topic "$run-$g-repartition" 3
  t0=$(now)
  rc=0
  timeout -s TERM -k 30 "$BENCH_TIMEOUT" "$NW" run -b "$B" -X input.topics="$raw" \
    -X output.topic="$run-$g-out" -X dlq.topic="$run-$g-dlq" -X state.topic="$run-$g-state" \
    -X group.id="$run-$g" -X processing.guarantee="$guarantee" -X log.level=warn \
    -X metrics.listen=127.0.0.1:0 "${extra[@]}" -e \
    >"$tmp/$g.out" 2>"$tmp/$g.err" || rc=$?
  secs[$g]=$(since "$t0")
  summary[$g]=$(cat "$tmp/$g.out")
  if [ "$rc" = 124 ]; then
    secs[$g]=timeout
    summary[$g]="${summary[$g]} (did not exit within ${BENCH_TIMEOUT}s of -e; stopped with SIGTERM; $(nw_count "$run-$g-out") records and $(nw_count "$run-$g-dlq") dead letters committed)"
  elif [ "$rc" != 0 ]; then
    tail -n 20 "$tmp/$g.err" >&2
    secs[$g]=failed
    summary[$g]="${summary[$g]} (exit status $rc)"
  fi
done

# 4. Figures.
echo
echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'), $(awk '/MemTotal/ { printf "%.1f GiB RAM", $2 / 1048576 }' /proc/meminfo), $(uname -sr)"
echo "newswire: $("$NW" --version | head -n 1 | sed 's/ (.*//') ($NW); kcat $(kcat -V 2>&1 | sed -n 's/^Version \([^ ]*\) .*librdkafka \([^ ]*\).*/\1 (librdkafka \2)/p')"
echo "broker: $B; corpus: $GEN, $N messages, $(awk -v b="$vbytes" 'BEGIN { printf "%.1f MB", b / 1e6 }') of values, produced to a 3-partition topic in ${produce_s}s"
echo
# Rates as shares: "rate/kcat" 0.50 means half of kcat's copy rate ("rate/kcat100": of kcat's
# with newswire's fetch wait); "rate/peer" 3.0 means three times the Python peer's rate.
peer_s=${secs[peer]:-}
case $peer_s in '' | timeout | failed) peer_s=0 ;; esac
printf '%-31s %8s %8s %8s %7s %9s %12s %9s\n' run messages seconds msgs/s MB/s rate/kcat rate/kcat100 rate/peer
for m in $runs; do
  case $m in
    kcat) label="kcat copy (consume|produce)" ;;
    kcat100) label="kcat copy, fetch.wait 100 ms" ;;
    peer) label="python peer (dedupe only)" ;;
    floor) label="newswire ALO, no enrichers" ;;
    *) label="newswire $m" ;;
  esac
  case ${secs[$m]} in
    timeout | failed) printf '%-31s %8d %8s %8s %7s %9s %12s %9s\n' "$label" "$N" "${secs[$m]}" - - - - - ;;
    *) awk -v l="$label" -v n="$N" -v s="${secs[$m]}" -v b="$vbytes" -v k="${secs[kcat]}" \
      -v k1="${secs[kcat100]}" -v p="$peer_s" \
      'BEGIN { printf "%-31s %8d %8.2f %8.0f %7.2f %9.2f %12.2f %9s\n", l, n, s, n / s, b / 1e6 / s, k / s, k1 / s, (p > 0 ? sprintf("%.2f", p / s) : "-") }' ;;
  esac
done
echo
for m in $runs; do
  printf '%-14s %s\n' "$m:" "${summary[$m]}"
done
echo "(newswire's seconds include its startup, state restore and the end-of-input"
echo " detection of -e; MB/s counts input value bytes)"
