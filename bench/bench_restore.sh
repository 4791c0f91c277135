#!/usr/bin/env bash
# Restore of the version store from its state topic on a real broker: how long a member takes to
# rebuild one partition's store of N articles (default 1,000,000) before it processes that
# partition. A benchmark, not a test: it prints figures and has no thresholds. See bench/README.md
# ("Version store").
#
#   bench/bench_restore.sh [-n N] [--build DIR]
#
# Steps, all against one broker (NW_BOOTSTRAP if it answers, else scripts/kafka-local start, which
# reuses a broker already running on NEWSWIRE_KAFKA_PORT, default 9092; a broker this script
# started itself is stopped at the end):
#   1. a fresh compacted 1-partition state topic filled with N changelog records by
#      `bench_restore fill` (one producer, large batches: a few seconds for 1M);
#   2. `bench_restore restore`: the restore consumer's configuration and
#      nw_vstore_apply_changelog() over the partition to EOF, then the same records replayed
#      from memory (decode + insert alone), printed as entries/s;
#   3. `newswire run -e` on an empty 1-partition input with that state topic: the "restored" log
#      line gives the time the real rebalance path took, from assignment to the store being ready.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
N=1000000 BUILD=
while [ $# -gt 0 ]; do
  case $1 in
    -n) N=$2; shift 2 ;;
    --build) BUILD=$2; shift 2 ;;
    -h | --help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
    *) echo "bench_restore: unknown argument $1" >&2; exit 2 ;;
  esac
done
case $N in '' | *[!0-9]* | 0) echo "bench_restore: -n needs a positive number" >&2; exit 2 ;; esac
die() {
  echo "bench_restore: $*" >&2
  exit 1
}
if [ -z "$BUILD" ]; then
  for c in "$ROOT/build-bench" "$ROOT/build" "$ROOT"/build*; do
    if [ -x "$c/bench/bench_restore" ] && [ -x "$c/newswire" ]; then BUILD=$c; break; fi
  done
fi
[ -n "$BUILD" ] && [ -x "$BUILD/bench/bench_restore" ] ||
  die "no build with bench/bench_restore and newswire: build one or pass --build DIR"

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

run=bench-restore-$$-$RANDOM
state=$run-state
nw_create_topic "$state" 1 cleanup.policy=compact
nw_create_topic "$run-in" 1

echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'), $(uname -sr); broker $B"
"$BUILD/bench/bench_restore" "$B" "$state" fill "$N"
"$BUILD/bench/bench_restore" "$B" "$state" restore

# The real path: newswire restores the partition at assignment, logs "restored ... N ms", then
# meets the end of the empty input and exits (-e).
rc=0
timeout -s TERM -k 30 300 "$BUILD/newswire" run -b "$B" -X input.topics="$run-in" \
  -X output.topic="$run-out" -X dlq.topic="$run-dlq" -X state.topic="$state" \
  -X group.id="$run" -X log.level=info -X metrics.listen=127.0.0.1:0 -e \
  >"$tmp/run.out" 2>"$tmp/run.err" || rc=$?
line=$(grep -m1 'restored' "$tmp/run.err" || true)
if [ "$rc" != 0 ] || [ -z "$line" ]; then
  tail -n 20 "$tmp/run.err" >&2
  die "newswire run exited with status $rc${line:+ after restoring}"
fi
ms=$(printf '%s\n' "$line" | sed -n 's/.* \([0-9][0-9]*\) ms.*/\1/p' | tail -n 1)
articles=$(printf '%s\n' "$line" | sed -n 's/.* \([0-9][0-9]*\) articles.*/\1/p')
echo "newswire run: restored $articles articles in $ms ms ($(awk -v n="$articles" -v ms="$ms" 'BEGIN { printf "%.0f", (ms > 0 ? n * 1000 / ms : 0) }') entries/s)"
echo "  log: $line"
