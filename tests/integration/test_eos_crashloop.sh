#!/usr/bin/env bash
# Exactly-once across crashes: 20,000 generated messages with repeats and
# updates; newswire (exactly_once, the default) is killed with SIGKILL at
# random moments at least 10 times and restarted each time, then run to the
# end. A read_committed outside reader (kcat) must see every expected version
# exactly once and nothing else, and the dead letters likewise.
set -euo pipefail
NAME=test_eos_crashloop
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$HERE/lib.sh"
nw_newswire
PY=/usr/bin/python3
N=${NW_CRASHLOOP_MESSAGES:-20000}
KILLS=${NW_CRASHLOOP_KILLS:-12}
nw_tmpdir
tmp=$NW_TMP
pid=
kill_member() { if [ -n "$pid" ]; then kill -KILL "$pid" 2>/dev/null; fi; }
nw_on_exit kill_member

nw_broker
"$PY" "$HERE/gen_stream.py" -n "$N" --seed 11 "$tmp/gen" >/dev/null
in=$(nw_topic crash)
nw_create_topic "$in" 3
nw_produce_stream "$in" <"$tmp/gen/messages.kcat"
nw_flags "$in" "$in" "$in-g"
args=("${NW_FLAGS[@]}" -X group.instance.id=crash-1 -X log.level=warn)

# Kill at random moments: the delay before each SIGKILL is what is random
# here (it is not a wait for a condition). Each restart must first recover:
# fence the killed instance's transaction, restore the version store,
# resume from the committed offsets.
RANDOM=7
kills=0
for _ in $(seq 1 "$KILLS"); do
  "$NEWSWIRE" run -b "$NW_BOOTSTRAP" "${args[@]}" >>"$tmp/stdout" 2>>"$tmp/stderr" &
  pid=$!
  delay=$(awk -v r=$RANDOM 'BEGIN { printf "%.2f", 1.5 + (r % 3000) / 1000 }')
  sleep "$delay"
  if kill -KILL "$pid" 2>/dev/null; then kills=$((kills + 1)); fi
  wait "$pid" 2>/dev/null || true
  pid=
done
nw_check "killed at least 10 times ($kills)" [ "$kills" -ge 10 ]

# Run to the end.
nw_run_e "$tmp/final" 300 "${args[@]}"
nw_check "the final run ends with status 0" [ "$NW_RC" -eq 0 ]

nw_consume_json "$in-out" >"$tmp/out.jsonl"
nw_consume_json "$in-dlq" >"$tmp/dlq.jsonl"
nw_check "read_committed output and dead letters: each expected version exactly once" \
  "$PY" "$HERE/check_output.py" "$tmp/gen/expected.json" "$tmp/out.jsonl" --dlq "$tmp/dlq.jsonl" \
  --raw "$tmp/gen/messages.kcat" --source-topic "$in"
# The last run's own counters still add up.
nw_check "final summary adds up" "$PY" -c '
import re, sys
m = re.match(r"newswire: in=(\d+) emitted=(\d+) duplicate=(\d+) stale=(\d+) rejected=(\d+)$", sys.argv[1])
c = list(map(int, m.groups()))
sys.exit(0 if c[0] == sum(c[1:]) else 1)' "$(tail -n 1 "$tmp/final.stdout")"
# For information: the records of transactions the kills cut short are in
# the log too, visible only to a read_uncommitted reader.
committed=$(wc -l <"$tmp/out.jsonl")
uncommitted=$(kcat -C -b "$NW_BOOTSTRAP" -t "$in-out" -e -q -X isolation.level=read_uncommitted -f 'x\n' 2>/dev/null | wc -l)
echo "output records: $committed committed, $uncommitted in the log (read_uncommitted); kills: $kills"
nw_summary "$NAME"
