#!/usr/bin/env bash
# Acceptance 2: restart safety of `newswire run` on a real broker. Three scenarios, each with
# its own topics and group:
#   exit/exactly_once      every run ends by itself (-e)
#   sigterm/exactly_once   the first two runs go in the background without -e and are stopped
#   sigterm/at_least_once  with SIGTERM once their output is all there (exit 0, summary line)
# Each scenario, on a 3-partition input:
#   run 1    the samples of config/samples/ (manifest order) plus a generated stream
#            (gen_stream.py) plus one end marker per partition: exactly the expected versions
#            and dead letters come out, and the summary has the expected counters;
#   run 2    a repeat of ukraine-talks' newest version and a new version: only the new one
#            comes out, numbered "4"; summary in=2 emitted=1 duplicate=1 stale=0 rejected=0
#            (in=2 also shows that run 1 committed its offsets at the end of its input);
#   check    a third run with -e reads nothing (in=0): run 2 committed its offsets too;
#   fresh    a new group over the same input and state topic re-reads everything: the
#            version store restored from the state topic makes every article message a
#            duplicate or stale (emitted=0, exact counts), and the output does not grow.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

NAME=test_pipeline_restart
PY=/usr/bin/python3
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SAMPLES=$NW_SOURCE_DIR/config/samples
nw_newswire
nw_tmpdir
tmp=$NW_TMP

nw_broker
echo "broker: $NW_BOOTSTRAP, newswire: $NEWSWIRE"

# The generated part of the input: 150 messages, 25 articles, repeats, late versions, 2 bad.
"$PY" "$HERE/gen_stream.py" -n 150 --articles 25 --bad-rate 0.02 --seed 11 "$tmp/gen"

# A new version of ukraine-talks (after v3 of 2021-12-31T03:45:00Z): a later Updated time and
# one more paragraph.
sed -e '1s/.*/Updated January 2nd, 2022 at 10:00 IST/' \
  -e 's/^(Image: AP)$/Talks are now set for January 10 in Geneva, officials confirmed on Sunday.\n\n(Image: AP)/' \
  "$SAMPLES/04-ukraine-v2.txt" >"$tmp/ukraine-v4.txt"
grep -q '^Talks are now set' "$tmp/ukraine-v4.txt" || nw_fail "could not make ukraine-v4.txt"
V4_TIME=2022-01-02T04:30:00Z

# Expected outcomes: the samples (as test_pipeline_sequence.sh derives them from the files),
# the generated stream, and one empty end marker per partition (empty value: rejected "empty").
"$PY" - "$tmp/gen/expected.json" "$tmp" "$V4_TIME" <<'EOF' || nw_fail "could not write the expected outcomes"
import json, sys
gen, out, v4 = json.load(open(sys.argv[1])), sys.argv[2], sys.argv[3]
U1, U2, U3, LATE = "2021-12-30T09:32:00Z", "2021-12-30T15:15:00Z", "2021-12-31T03:45:00Z", "2021-12-30T11:40:00Z"
samples = [["ukraine-talks", U1, "emitted"], ["ukraine-talks", U1, "duplicate"],
           ["ukraine-talks", U1, "duplicate"], ["ukraine-talks", U2, "emitted"],
           ["storm-north", "2022-01-03T07:40:00Z", "emitted"], ["ukraine-talks", LATE, "stale"],
           ["ukraine-talks", U3, "emitted"], ["ukraine-talks", U2, "stale"],
           ["bad-1", None, "rejected"], ["bad-2", None, "rejected"], ["bad-3", None, "rejected"]]
ends = [[f"end-{p}", None, "rejected"] for p in range(3)]
stream1 = samples + gen["stream"] + ends
stream2 = [["ukraine-talks", U3, "duplicate"], ["ukraine-talks", v4, "emitted"]]
def counters(stream):
    c = dict.fromkeys(["in", "emitted", "duplicate", "stale", "rejected"], 0)
    for _, _, o in stream:
        c["in"] += 1
        c[o] += 1
    return c
versions1 = [["ukraine-talks", "1", U1], ["ukraine-talks", "2", U2], ["storm-north", "1", "2022-01-03T07:40:00Z"],
             ["ukraine-talks", "3", U3]] + gen["versions"]
rejected = [["bad-1", "binary"], ["bad-2", "empty"], ["bad-3", "not-an-article"]] + gen["rejected"] + \
           [[k, "empty"] for k, _, _ in ends]
e1 = {"counters": counters(stream1), "versions": versions1, "rejected": rejected}
e2 = {"counters": counters(stream2), "versions": versions1 + [["ukraine-talks", "4", v4]], "rejected": rejected}
# A fresh group re-reading all of it against the restored store: the newest emitted time of
# each article is a duplicate, anything older stale, bad messages rejected again.
last = {}
for k, _, t in e2["versions"]:
    last[k] = max(last.get(k, t), t)
c = dict.fromkeys(["in", "emitted", "duplicate", "stale", "rejected"], 0)
for k, t, o in stream1 + stream2:
    c["in"] += 1
    c["rejected" if o == "rejected" else "duplicate" if t == last[k] else "stale"] += 1
for name, e in (("expected-1", e1), ("expected-2", e2)):
    json.dump(e, open(f"{out}/{name}.json", "w"))
json.dump(c, open(f"{out}/fresh-counters.json", "w"))
print("run 1:", e1["counters"], "| run 2:", e2["counters"], "| fresh group:", c)
EOF
counters_of() { # FILE.json -> "in=N emitted=N duplicate=N stale=N rejected=N"
  "$PY" -c 'import json,sys; c=json.load(open(sys.argv[1])); c=c.get("counters",c)
print(" ".join(f"{k}={c[k]}" for k in ("in","emitted","duplicate","stale","rejected")))' "$1"
}
nversions() { "$PY" -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["versions"]))' "$1"; }
nrejected() { "$PY" -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["rejected"]))' "$1"; }

# counts_reach TOPIC_OUT N_OUT TOPIC_DLQ N_DLQ: true once both topics hold (at least) so many
# committed records; fails the test at once if the background newswire has died.
counts_reach() {
  if ! nw_running; then
    tail -n 30 "$cur.stderr" >&2
    nw_fail "newswire exited before its output was complete"
  fi
  # Before newswire creates them the topics do not exist: kcat's complaint is expected then.
  [ "$(nw_count "$1" 2>/dev/null)" -ge "$2" ] && [ "$(nw_count "$3" 2>/dev/null)" -ge "$4" ]
}

# run_step NAME N_OUT: one run of the scenario's group with stdout and stderr in $d/NAME.*: with
# -e (style exit), or in the background, stopped with SIGTERM once the output topic holds N_OUT
# records and the dead-letter topic r1 (style sigterm). NW_RC is its exit status.
run_step() {
  cur=$d/$1
  if [ "$style" = exit ]; then
    nw_run_e "$cur" 120 "${live[@]}"
  else
    nw_start "$cur" -b "$NW_BOOTSTRAP" "${live[@]}"
    nw_wait_until 90 counts_reach "$out" "$2" "$dlq" "$r1"
    nw_stop 30
    [ "$NW_RC" = 0 ] || tail -n 30 "$cur.stderr" >&2
  fi
}

# scenario STYLE GUARANTEE
scenario() {
  local style=$1 g=$2 sc="[$1/$2]" in out dlq p
  local d=$tmp/$style-$g
  mkdir -p "$d"
  in=$(nw_topic "restart-$style-$g")
  out=$in-out dlq=$in-dlq
  # live: the scenario's group; fresh: a new group over the same topics.
  # metrics.listen=127.0.0.1:0: a port of its own (another newswire here may hold the default).
  local opts=(-X processing.guarantee="$g" -X log.level=info -X metrics.listen=127.0.0.1:0)
  local -a live fresh
  nw_flags "$in"
  live=("${NW_FLAGS[@]}" "${opts[@]}")
  nw_flags "$in" "$in" "$in-group-fresh"
  fresh=("${NW_FLAGS[@]}" "${opts[@]}")
  nw_create_topic "$in" 3

  nw_produce_samples "$in"
  nw_produce_stream "$in" <"$tmp/gen/messages.kcat"
  for p in 0 1 2; do
    printf 'end-%d\x1f\x1e' "$p" | nw_produce_stream "$in" -p "$p"
  done
  local total1
  total1=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["counters"]["in"])' "$tmp/expected-1.json")
  nw_check "$sc input holds $total1 messages" nw_eq "$(nw_count "$in")" "$total1"

  # Run 1.
  local v1 r1 t0=$SECONDS
  v1=$(nversions "$tmp/expected-1.json") r1=$(nrejected "$tmp/expected-1.json")
  run_step run1 "$v1"
  echo "$sc run 1 ($style) took $((SECONDS - t0))s, status $NW_RC: $(cat "$d/run1.stdout")"
  nw_check "$sc run 1 exits 0" nw_eq "$NW_RC" 0
  nw_check "$sc run 1 prints one summary line" nw_eq "$(wc -l <"$d/run1.stdout" | tr -d ' ')" 1
  nw_consume_json "$out" >"$d/run1-out.jsonl"
  nw_consume_json "$dlq" >"$d/run1-dlq.jsonl"
  nw_check "$sc run 1: output, dead letters and summary as expected" \
    "$PY" "$HERE/check_output.py" "$tmp/expected-1.json" "$d/run1-out.jsonl" \
    --dlq "$d/run1-dlq.jsonl" --source-topic "$in" --summary "$(cat "$d/run1.stdout")"

  # Run 2: a repeat of v3, then a new version.
  nw_produce "$in" ukraine-talks "$SAMPLES/07-ukraine-v3.html"
  nw_produce "$in" ukraine-talks "$tmp/ukraine-v4.txt"
  t0=$SECONDS
  run_step run2 $((v1 + 1))
  echo "$sc run 2 ($style) took $((SECONDS - t0))s, status $NW_RC: $(cat "$d/run2.stdout")"
  nw_check "$sc run 2 exits 0" nw_eq "$NW_RC" 0
  nw_check "$sc run 2 summary: only the new version is emitted" nw_eq "$(cat "$d/run2.stdout")" \
    "newswire: in=2 emitted=1 duplicate=1 stale=0 rejected=0"
  nw_consume_json "$out" >"$d/run2-out.jsonl"
  nw_consume_json "$dlq" >"$d/run2-dlq.jsonl"
  nw_check "$sc after run 2 the output holds run 1's records plus ukraine-talks v4, once" \
    "$PY" "$HERE/check_output.py" "$tmp/expected-2.json" "$d/run2-out.jsonl" \
    --dlq "$d/run2-dlq.jsonl" --source-topic "$in"
  local newest
  newest=$("$PY" -c '
import json, sys
for line in open(sys.argv[1], encoding="utf-8"):
    m = json.loads(line)
    v = json.loads(m["payload"])
    if m["key"] == "ukraine-talks" and v["version"] == "4":
        h = m["headers"]
        print(v["versioncreated"], dict(zip(h[0::2], h[1::2]))["newswire-version"], v["newswire"]["source"]["format"])' \
    "$d/run2-out.jsonl")
  nw_check "$sc ukraine-talks v4 is the new text version" nw_eq "$newest" "$V4_TIME 4 text"

  nw_run_e "$d/check2" 120 "${live[@]}"
  nw_check "$sc after run 2 the group's offsets are at the end (in=0, exit $NW_RC)" nw_eq \
    "$NW_RC $(cat "$d/check2.stdout")" "0 newswire: in=0 emitted=0 duplicate=0 stale=0 rejected=0"

  # A fresh group re-reads the whole input; the state topic alone prevents re-emission.
  nw_run_e "$d/fresh" 120 "${fresh[@]}"
  nw_check "$sc a fresh group with the same state topic re-emits nothing" nw_eq \
    "$NW_RC $(cat "$d/fresh.stdout")" "0 newswire: $(counters_of "$tmp/fresh-counters.json")"
  nw_check "$sc output still holds $((v1 + 1)) records" nw_eq "$(nw_count "$out")" $((v1 + 1))
  # The first restore lines, for information (awk reads on: no SIGPIPE under pipefail).
  awk -v p="  $sc " '/event=restored/ && n++ < 6 { print p $0 }' "$d"/*.stderr
}

scenario exit exactly_once
scenario sigterm exactly_once
scenario sigterm at_least_once

nw_summary "$NAME"
