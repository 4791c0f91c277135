#!/usr/bin/env bash
# newswire replay on a real broker, with kcat as the outside producer and reader:
#   1. replays of an offset range on one partition, of a range over three partitions and of a
#      timestamp range (--from @TIME, --to @TIME) process exactly the messages kcat sees in that
#      range (in=), and emit exactly what the dedupe rule gives for those messages;
#   2. after a normal `newswire run -e` (live group G), `replay --state live` emits nothing,
#      `--state fresh` emits the range's versions with the live records' keys, headers and bytes
#      (plus the replay marker), and two fresh replays are byte-identical;
#   3. replays leave group G's committed offsets as they were (a later `run -e` with G processes
#      exactly the messages produced after the live run) and never write the state topic;
#   4. bad ranges exit 64 with a clear message and produce nothing.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

NAME=test_replay
PY=/usr/bin/python3
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SAMPLES=$NW_SOURCE_DIR/config/samples
nw_newswire
nw_tmpdir
tmp=$NW_TMP

# replay NAME ARGS...: `newswire replay` with ARGS; stdout, stderr and the exit status are kept in
# $tmp/NAME.{stdout,stderr,rc}.
replay() {
  local name=$1 rc=0
  shift
  timeout -k 5 90 "$NEWSWIRE" replay -b "$NW_BOOTSTRAP" "$@" >"$tmp/$name.stdout" \
    2>"$tmp/$name.stderr" || rc=$?
  echo "$rc" >"$tmp/$name.rc"
  if [ "$rc" != 0 ] && [ "$rc" != 64 ]; then
    tail -n 20 "$tmp/$name.stderr" >&2
  fi
}
rc_of() { cat "$tmp/$1.rc"; }
summary_of() { cat "$tmp/$1.stdout"; }

# live NAME ARGS...: `newswire run -e` with ARGS, kept like replay's (metrics on a free port, so
# that a service running beside the test does not make it fail).
live() {
  local name=$1
  shift
  nw_run_e "$tmp/$name" 120 -X metrics.listen=127.0.0.1:0 "$@"
  echo "$NW_RC" >"$tmp/$name.rc"
}

# count_range TOPIC PARTITION START END: how many messages kcat reads in [START, END).
count_range() {
  if [ "$4" -le "$3" ]; then
    echo 0
    return
  fi
  kcat -C -b "$NW_BOOTSTRAP" -t "$1" -p "$2" -o "$3" -c $(($4 - $3)) -e -q -f '%o\n' \
    -X isolation.level=read_committed | wc -l | tr -d ' '
}

# high TOPIC PARTITION: the partition's end offset, as kcat reads it (last offset + 1).
high() {
  local last
  last=$(kcat -C -b "$NW_BOOTSTRAP" -t "$1" -p "$2" -o -1 -c 1 -e -q -f '%o\n' 2>/dev/null)
  echo $((${last:--1} + 1))
}

# keys_payloads TOPIC: key TAB payload of every message, in partition and offset order; the dump
# two replays must agree on byte for byte.
keys_payloads() {
  nw_consume_json "$1" | "$PY" -c '
import json, sys
ms = [json.loads(l) for l in sys.stdin]
for m in sorted(ms, key=lambda m: (m["partition"], m["offset"])):
    print(json.dumps([m["key"], m["payload"]]))'
}

nw_broker
echo "broker: $NW_BOOTSTRAP, newswire: $NEWSWIRE"

# ---- Input ----------------------------------------------------------------------------------
# in1: the keyed sample sequence (manifest.tsv) on one partition.
in1=$(nw_topic replay-seq)
nw_create_topic "$in1" 1
nw_produce_samples "$in1"
nw_check "11 sample messages in $in1" nw_eq "$(nw_count "$in1")" 11

# in3: 60 generated keyed messages over three partitions, in two halves a second apart, so a
# timestamp between them splits the stream.
in3=$(nw_topic replay-gen)
nw_create_topic "$in3" 3
"$PY" "$HERE/gen_stream.py" -n 60 --bad-rate 0.05 --chunks 2 "$tmp/gen" >/dev/null
nw_produce_stream "$in3" <"$tmp/gen/messages-1.kcat"
sleep 0.7
split_ms=$(date +%s%3N)
sleep 0.7
nw_produce_stream "$in3" <"$tmp/gen/messages-2.kcat"
nw_check "60 generated messages in $in3" nw_eq "$(nw_count "$in3")" 60
nw_consume_json "$in3" >"$tmp/in3.jsonl"
split_iso=$("$PY" -c 'import datetime as d, sys; ms = int(sys.argv[1]); print(d.datetime.fromtimestamp(ms // 1000, d.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S") + ".%03dZ" % (ms % 1000))' "$split_ms")

# The dedupe rule over a range of in3, from gen_stream.py's stream (each message's key and
# versioncreated): expect.py RANGES prints the summary a fresh replay must print, and writes the
# emitted versions (key version versioncreated), sorted, to $tmp/expect.versions. RANGES: P:START:END
# for each partition, or ts:FROM_MS:TO_MS (either may be empty) over every partition.
cat >"$tmp/expect.py" <<'EOF'
import json, sys
stream = json.load(open(sys.argv[1]))["stream"]
msgs = [json.loads(l) for l in open(sys.argv[2], encoding="utf-8", errors="surrogateescape")]
by_part = {}
for m in sorted(msgs, key=lambda m: (m["partition"], m["offset"])):
    by_part.setdefault(m["partition"], []).append(m)
ranges = {}
for spec in sys.argv[4].split(","):
    a, b, c = spec.split(":")
    if a == "ts":
        for p, ms in by_part.items():
            lo = next((m["offset"] for m in ms if not b or m["ts"] >= int(b)), len(ms))
            hi = next((m["offset"] for m in ms if c and m["ts"] >= int(c)), len(ms))
            ranges[p] = (lo, max(lo, hi))
    else:
        ranges[int(a)] = (int(b), int(c))
c = dict.fromkeys(["in", "emitted", "duplicate", "stale", "rejected"], 0)
versions = []
for p, (lo, hi) in sorted(ranges.items()):
    keys = {m["key"] for m in by_part[p]}
    entries = [e for e in stream if e[0] in keys]  # this partition's messages, in offset order
    assert [e[0] for e in entries] == [m["key"] for m in by_part[p]], "stream/partition mismatch"
    last = {}
    for key, vc, outcome in entries[lo:hi]:
        c["in"] += 1
        if vc is None:
            c["rejected"] += 1
        elif key not in last or vc > last[key][0]:
            n = last[key][1] + 1 if key in last else 1
            last[key] = (vc, n)
            versions.append(f"{key} {n} {vc}")
            c["emitted"] += 1
        else:
            c["duplicate" if vc == last[key][0] else "stale"] += 1
open(sys.argv[3], "w").write("".join(v + "\n" for v in sorted(versions)))
print("newswire: replay " + " ".join(f"{k}={v}" for k, v in c.items()))
EOF
expect() { "$PY" "$tmp/expect.py" "$tmp/gen/expected.json" "$tmp/in3.jsonl" "$tmp/expect.versions" "$1"; }
# versions_of TOPIC: key version versioncreated of every record, sorted.
versions_of() {
  nw_consume_json "$1" | "$PY" -c '
import json, sys
for l in sys.stdin:
    m = json.loads(l); v = json.loads(m["payload"])
    print(m["key"], v["version"], v["versioncreated"])' | sort
}

# ---- 1. Ranges ------------------------------------------------------------------------------
# One partition, offsets [2, 9) of the sample sequence: with an empty store, 02 (v1 reformatted)
# is version 1, 03 is 2, 04 (storm) 1, 05 stale, 06 (html) 3, 07 stale, 08 (binary) rejected.
o=$(nw_topic replay-out)
nw_create_topic "$o" 1
nw_create_topic "$o-dlq" 1
replay one --from "$in1:0:2" --to "$in1:0:9" --output-topic "$o" --dlq-topic "$o-dlq" --progress lines
nw_check "[one partition] exit 0" nw_eq "$(rc_of one)" 0
nw_check "[one partition] in= is what kcat reads in [2, 9)" nw_eq "$(count_range "$in1" 0 2 9)" 7
nw_check "[one partition] summary" nw_eq "$(summary_of one)" \
  "newswire: replay in=7 emitted=4 duplicate=0 stale=2 rejected=1"
nw_check "[one partition] output holds the 4 versions" nw_eq "$(versions_of "$o" | cut -d' ' -f1,2 | tr '\n' ' ')" \
  "storm-north 1 ukraine-talks 1 ukraine-talks 2 ukraine-talks 3 "
nw_check "[one partition] the dead letter is offset 8's" nw_eq \
  "$(kcat -C -b "$NW_BOOTSTRAP" -t "$o-dlq" -e -q -f '%k %h\n')" \
  "bad-1 newswire-error=binary,newswire-error-message=binary data, not text (NUL bytes or mostly invalid UTF-8),newswire-source-topic=$in1,newswire-source-partition=0,newswire-source-offset=8"
nw_check "[one partition] progress lines end with the total" nw_contains "$(cat "$tmp/one.stderr")" \
  "newswire: replay: 7/7 messages (100%)"

# Three partitions, each from offset 2; partition 1 stops 3 before its end, partition 2 at 5.
h0=$(high "$in3" 0) h1=$(high "$in3" 1) h2=$(high "$in3" 2)
echo "$in3 ends at $h0, $h1, $h2"
e1=$((h1 > 5 ? h1 - 3 : h1)) e2=$((h2 > 5 ? 5 : h2))
o=$(nw_topic replay-out)
nw_create_topic "$o" 3
nw_create_topic "$o-dlq" 3
replay three --from "$in3:0:2" --from "$in3:1:2" --from "$in3:2:2" --to "$in3:1:$e1" \
  --to "$in3:2:$e2" --output-topic "$o" --dlq-topic "$o-dlq" --progress none
want=$(($(count_range "$in3" 0 2 "$h0") + $(count_range "$in3" 1 2 "$e1") + $(count_range "$in3" 2 2 "$e2")))
nw_check "[three partitions] exit 0" nw_eq "$(rc_of three)" 0
nw_check "[three partitions] in= is what kcat reads in the three ranges ($want)" nw_contains \
  "$(summary_of three)" "in=$want "
nw_check "[three partitions] summary is the dedupe rule over the range" nw_eq "$(summary_of three)" \
  "$(expect "0:2:$h0,1:2:$e1,2:2:$e2")"
nw_check "[three partitions] output is exactly the expected versions" nw_eq "$(versions_of "$o")" \
  "$(cat "$tmp/expect.versions")"
nw_check "[three partitions] --progress none is silent" nw_eq "$(grep -c 'messages (' "$tmp/three.stderr" || true)" 0

# From a timestamp (every partition of input.topics), and up to the same timestamp.
o=$(nw_topic replay-out)
nw_create_topic "$o" 3
nw_create_topic "$o-dlq" 3
replay after -X input.topics="$in3" --from "@$split_iso" --output-topic "$o" --dlq-topic "$o-dlq" \
  --progress bar
want=$(kcat -C -b "$NW_BOOTSTRAP" -t "$in3" -o "s@$split_ms" -e -q -f '%o\n' | wc -l | tr -d ' ')
nw_check "[--from @$split_iso] exit 0" nw_eq "$(rc_of after)" 0
nw_check "[--from @TIME] in= is what kcat reads from s@$split_ms ($want)" nw_contains "$(summary_of after)" \
  "in=$want "
nw_check "[--from @TIME] the second half of the stream" nw_eq "$want" 30
nw_check "[--from @TIME] summary is the dedupe rule over the range" nw_eq "$(summary_of after)" \
  "$(expect "ts:$split_ms:")"
nw_check "[--from @TIME] output is exactly the expected versions" nw_eq "$(versions_of "$o")" \
  "$(cat "$tmp/expect.versions")"
nw_check "[--from @TIME] --progress bar redraws one line" nw_contains "$(tr '\r' '|' <"$tmp/after.stderr")" \
  "|replay ["
o=$(nw_topic replay-out)
nw_create_topic "$o" 3
nw_create_topic "$o-dlq" 3
replay before -X input.topics="$in3" --from @2000-01-01T00:00:00Z --to "@$split_iso" \
  --output-topic "$o" --dlq-topic "$o-dlq" --progress none
want=$(kcat -C -b "$NW_BOOTSTRAP" -t "$in3" -o s@0 -o "e@$split_ms" -e -q -f '%o\n' | wc -l | tr -d ' ')
nw_check "[--to @TIME] exit 0" nw_eq "$(rc_of before)" 0
nw_check "[--to @TIME] in= is what kcat reads up to e@$split_ms ($want)" nw_contains \
  "$(summary_of before)" "in=$want "
nw_check "[--to @TIME] summary is the dedupe rule over the range" nw_eq "$(summary_of before)" \
  "$(expect "ts::$split_ms")"

# ---- 2. State, live and fresh ----------------------------------------------------------------
group=$in1-group state=$in1-state
live run1 -X input.topics="$in1" -X output.topic="$in1-live" -X dlq.topic="$in1-live-dlq" \
  -X state.topic="$state" -X group.id="$group"
nw_check "[live] run -e over the samples" nw_eq "$(summary_of run1)" \
  "newswire: in=11 emitted=4 duplicate=2 stale=2 rejected=3"
state_before=$(nw_count "$state")
# Two more messages for the live group, which a replay must not take from it: a repeat of
# version 1 (stale) and a repeat of storm-north (duplicate).
nw_produce "$in1" ukraine-talks "$SAMPLES/02-ukraine-v1-repeat.txt"
nw_produce "$in1" storm-north "$SAMPLES/05-storm-envelope.json"


common=(-X input.topics="$in1" -X state.topic="$state" -X group.id="$group" --progress none)
for r in live fresh1 fresh2; do
  nw_create_topic "$in1-r$r" 1
  nw_create_topic "$in1-r$r-dlq" 1
done
# The live state holds ukraine-talks version 3 and storm-north version 1: everything in the range
# is a duplicate or stale against it, the rejects are rejected again.
replay rlive "${common[@]}" --from "$in1:0:0" --to "$in1:0:11" --state live \
  --output-topic "$in1-rlive" --dlq-topic "$in1-rlive-dlq"
nw_check "[--state live] exit 0" nw_eq "$(rc_of rlive)" 0
nw_check "[--state live] summary: nothing emitted" nw_eq "$(summary_of rlive)" \
  "newswire: replay in=11 emitted=0 duplicate=2 stale=6 rejected=3"
nw_check "[--state live] its output topic stays empty" nw_eq "$(nw_count "$in1-rlive")" 0
for r in fresh1 fresh2; do
  replay "$r" "${common[@]}" --from "$in1:0:0" --to "$in1:0:11" --state fresh \
    --output-topic "$in1-r$r" --dlq-topic "$in1-r$r-dlq"
  nw_check "[--state fresh, $r] exit 0" nw_eq "$(rc_of "$r")" 0
  nw_check "[--state fresh, $r] summary: the range's versions" nw_eq "$(summary_of "$r")" \
    "newswire: replay in=11 emitted=4 duplicate=2 stale=2 rejected=3"
done
nw_check "[--state fresh] output holds 4 records" nw_eq "$(nw_count "$in1-rfresh1")" 4
nw_check "[--state fresh] two replays: byte-identical keys and values" nw_eq \
  "$(keys_payloads "$in1-rfresh1")" "$(keys_payloads "$in1-rfresh2")"
nw_check "[--state fresh] two replays: byte-identical dead letters" nw_eq \
  "$(keys_payloads "$in1-rfresh1-dlq")" "$(keys_payloads "$in1-rfresh2-dlq")"

# The live service's contract, to the byte: keys, headers and values (the value with the replay
# marker taken out), and the dead letters' keys, bytes and headers.
nw_consume_json "$in1-live" >"$tmp/live.jsonl"
nw_consume_json "$in1-rfresh1" >"$tmp/fresh1.jsonl"
nw_consume_json "$in1-live-dlq" >"$tmp/live-dlq.jsonl"
nw_consume_json "$in1-rfresh1-dlq" >"$tmp/fresh1-dlq.jsonl"
cat >"$tmp/same.py" <<'PYEOF'
import json, sys
def load(p):
    return [json.loads(l) for l in open(p, encoding="utf-8", errors="surrogateescape")]
live, rep, live_dlq, rep_dlq = map(load, sys.argv[1:5])
ok = len(live) == len(rep) == 4 and len(live_dlq) == len(rep_dlq) == 3
for a, b in zip(live, rep):
    src = json.loads(b["payload"])["newswire"]["source"]
    marker = '"source":' + json.dumps(src, separators=(",", ":"), ensure_ascii=False)
    plain = b["payload"].replace(marker + ',"replay":{"state":"fresh"}', marker)
    ok &= plain != b["payload"]
    ok &= a["key"] == b["key"] and a["headers"] == b["headers"] and a["payload"] == plain
for a, b in zip(live_dlq, rep_dlq):
    ok &= a["key"] == b["key"] and a["payload"] == b["payload"] and a["headers"] == b["headers"]
sys.exit(0 if ok else 1)
PYEOF
nw_check "[--state fresh] records are the live ones plus \"replay\":{\"state\":\"fresh\"} after source" \
  "$PY" "$tmp/same.py" "$tmp/live.jsonl" "$tmp/fresh1.jsonl" "$tmp/live-dlq.jsonl" \
  "$tmp/fresh1-dlq.jsonl"
"$PY" -c '
import json, sys
for line in open(sys.argv[1], encoding="utf-8"):
    print(json.loads(line)["payload"])' "$tmp/fresh1.jsonl" >"$tmp/records.jsonl"
nw_check "[--state fresh] records validate against the project schema" \
  "$PY" "$NW_SOURCE_DIR/tests/tools/validate.py" newswire "$tmp/records.jsonl"

# Determinism over three partitions: the whole of in3, twice. Output is partitioned by key, so
# the two are compared per output partition, as sorted sets of key and value.
o1=$(nw_topic replay-out) o2=$(nw_topic replay-out)
for o in "$o1" "$o2"; do
  nw_create_topic "$o" 3
  nw_create_topic "$o-dlq" 3
  replay "det-$o" --from "$in3:0:0" --from "$in3:1:0" --from "$in3:2:0" --output-topic "$o" \
    --dlq-topic "$o-dlq" -X state.topic="$in3-state" --progress none
  nw_check "[three partitions, fresh] exit 0" nw_eq "$(rc_of "det-$o")" 0
done
nw_check "[three partitions, fresh] summary is the dedupe rule over the stream" nw_eq \
  "$(summary_of "det-$o1")" "$(expect "0:0:$h0,1:0:$h1,2:0:$h2")"
dump() {
  nw_consume_json "$1" | "$PY" -c '
import json, sys
for l in sys.stdin:
    m = json.loads(l); print(json.dumps([m["partition"], m["key"], m["payload"]]))' | sort
}
dump "$o1" >"$tmp/det1.txt"
dump "$o2" >"$tmp/det2.txt"
nw_check "[three partitions, fresh] two replays: byte-identical keys and values" cmp "$tmp/det1.txt" \
  "$tmp/det2.txt"
nw_check "[three partitions, fresh] as many records as versions" nw_eq "$(wc -l <"$tmp/det1.txt" | tr -d ' ')" \
  "$(wc -l <"$tmp/expect.versions" | tr -d ' ')"

# ---- 3. The live group and the state topic are untouched -------------------------------------
nw_check "[live group] the replays wrote nothing to the state topic" nw_eq "$(nw_count "$state")" \
  "$state_before"
nw_check "[live group] a fresh replay does not create the state topic" nw_eq \
  "$(kcat -L -b "$NW_BOOTSTRAP" -m 5 2>/dev/null | grep -c "topic \"$in3-state\"" || true)" 0
live run2 -X input.topics="$in1" -X output.topic="$in1-live" -X dlq.topic="$in1-live-dlq" \
  -X state.topic="$state" -X group.id="$group"
nw_check "[live group] run -e with G takes up where it stopped: the 2 new messages" nw_eq \
  "$(summary_of run2)" "newswire: in=2 emitted=0 duplicate=1 stale=1 rejected=0"

# ---- 4. Bad ranges ---------------------------------------------------------------------------
bad=$(nw_topic replay-bad)
nw_create_topic "$bad" 1
nw_create_topic "$bad-dlq" 1
n_bad=0
# bad NAME PHRASE ARGS...: exit 64, PHRASE on stderr, nothing on stdout.
bad() {
  local name=$1 phrase=$2
  shift 2
  n_bad=$((n_bad + 1))
  replay "bad$n_bad" --output-topic "$bad" --dlq-topic "$bad-dlq" --progress none "$@"
  nw_check "[bad range: $name] exit 64" nw_eq "$(rc_of "bad$n_bad")" 64
  nw_check "[bad range: $name] says \"$phrase\"" nw_contains "$(cat "$tmp/bad$n_bad.stderr")" "$phrase"
  nw_check "[bad range: $name] no summary" nw_eq "$(summary_of "bad$n_bad")" ""
}
bad "offset past the end" "offset past the end: $in1 [0] ends at offset 13" --from "$in1:0:14"
bad "--to past the end" "offset past the end" --from "$in1:0:0" --to "$in1:0:99"
bad "unknown topic" "unknown topic \"nosuch-$in1\"" --from "nosuch-$in1:0:0"
bad "unknown topic in input.topics" "unknown topic \"nosuch-$in1\"" -X input.topics="nosuch-$in1" \
  --from @2021-12-30T00:00:00Z
bad "unknown partition" "unknown partition 3: $in1 has 1 partition" --from "$in1:3:0"
bad "--to before --from" "--to $in1:0:2 is before --from $in1:0:5" --from "$in1:0:5" --to "$in1:0:2"
bad "--to @TIME before --from" "is before --from $in1:0:5" --from "$in1:0:5" \
  --to @2000-01-01T00:00:00Z
bad "--to @TIME before --from @TIME" "is before --from" -X input.topics="$in1" \
  --from @2021-12-30T00:00:00Z --to @2021-12-29T00:00:00Z
bad "impossible time" "day 30 does not exist in 2021-02" --from @2021-02-30T00:00:00Z
bad "unparsable time" "expected ISO 8601" --from @yesterday
bad "time without a zone" "has no zone" --from @2021-12-30T00:00:00
bad "unparsable position" "expected TOPIC:PARTITION:OFFSET" --from "$in1:0"
bad "no --from" "no --from" --to "$in1:0:5"
nw_check "[bad ranges] nothing was produced" nw_eq "$(nw_count "$bad")/$(nw_count "$bad-dlq")" "0/0"

nw_summary "$NAME"
