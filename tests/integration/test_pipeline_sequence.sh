#!/usr/bin/env bash
# Acceptance 1: the ready-made keyed sequence of config/samples/ (manifest.tsv order) through
# `newswire run -e` on a real broker, once per processing guarantee (exactly_once and
# at_least_once, each with its own topics and group). Checks, with kcat as the reader
# (read_committed):
#   - the output holds exactly ukraine-talks versions "1","2","3" and storm-north version "1",
#     with the versioncreated times computed here from the samples' own Updated lines, the
#     headers (content-type, newswire-version, newswire-source) and the source of each version;
#   - every output record validates against the project schema (tests/tools/validate.py);
#   - the dead-letter topic holds the three bad messages byte for byte, with their keys, error
#     codes (binary, empty, not-an-article) and source offsets;
#   - the summary line is in=11 emitted=4 duplicate=2 stale=2 rejected=3;
#   - the output, dead-letter and state topics were created with the input's partition count.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

NAME=test_pipeline_sequence
PY=/usr/bin/python3
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SAMPLES=$NW_SOURCE_DIR/config/samples
nw_newswire
nw_tmpdir
tmp=$NW_TMP

nw_broker
echo "broker: $NW_BOOTSTRAP, newswire: $NEWSWIRE"

# The expected output, computed from the sample files themselves (their Updated lines, IST =
# +05:30, GMT = +00:00) and the dedupe rule, and checked against the manifest's outcome column.
"$PY" - "$SAMPLES" "$tmp/expected.json" <<'EOF' || nw_fail "the samples do not give the expected sequence"
import datetime as dt, json, re, sys
samples, out = sys.argv[1], sys.argv[2]
MONTHS = {m: i + 1 for i, m in enumerate(["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug",
                                          "sep", "oct", "nov", "dec"])}
ZONES = {"IST": dt.timedelta(hours=5, minutes=30), "GMT": dt.timedelta(0)}
def updated(path):
    text = open(path, "rb").read().decode("utf-8")
    # Updated December 30th, 2021 at 15:02 IST
    m = re.search(r"Updated (\w+) (\d+)(?:st|nd|rd|th), (\d{4}) at (\d\d):(\d\d) (IST|GMT)", text)
    if m:
        mon, d, y, hh, mm, z = m.groups()
        local = dt.datetime(int(y), MONTHS[mon[:3].lower()], int(d), int(hh), int(mm))
    else:  # Updated on Jan 03, 2022 07:40 AM GMT
        m = re.search(r"Updated on (\w{3}) (\d\d), (\d{4}) (\d\d):(\d\d) (AM|PM) (IST|GMT)", text)
        mon, d, y, hh, mm, ampm, z = m.groups()
        h = int(hh) % 12 + (12 if ampm == "PM" else 0)
        local = dt.datetime(int(y), MONTHS[mon.lower()], int(d), h, int(mm))
    return (local - ZONES[z]).strftime("%Y-%m-%dT%H:%M:%SZ")
rows = [l.rstrip("\n").split("\t") for l in open(f"{samples}/manifest.tsv") if not l.startswith("#")]
codes = {"bad-1": "binary", "bad-2": "empty", "bad-3": "not-an-article"}
last, versions, rejected, problems = {}, [], [], []
c = dict.fromkeys(["in", "emitted", "duplicate", "stale", "rejected"], 0)
for off, (f, key, outcome) in enumerate(rows):
    c["in"] += 1
    if outcome == "rejected":
        got = "rejected"
        rejected.append([key, codes[key]])
    else:
        t = updated(f"{samples}/{f}")
        prev = last.get(key)
        if prev is None or t > prev[0]:
            n = 1 if prev is None else prev[1] + 1
            last[key] = (t, n)
            versions.append([key, str(n), t, off, f])
            got = "emitted"
        else:
            got = "duplicate" if t == prev[0] else "stale"
    c[got] += 1
    if got != outcome:
        problems.append(f"{f}: the dedupe rule gives {got}, the manifest says {outcome}")
want = [["ukraine-talks", "1", "2021-12-30T09:32:00Z"], ["ukraine-talks", "2", "2021-12-30T15:15:00Z"],
        ["storm-north", "1", "2022-01-03T07:40:00Z"], ["ukraine-talks", "3", "2021-12-31T03:45:00Z"]]
if [v[:3] for v in versions] != want:
    problems.append(f"versions from the files {versions} differ from {want}")
if c != {"in": 11, "emitted": 4, "duplicate": 2, "stale": 2, "rejected": 3}:
    problems.append(f"counters {c}")
for p in problems:
    print("expected:", p, file=sys.stderr)
json.dump({"counters": c, "versions": [v[:3] for v in versions], "rejected": rejected,
           "sources": [[v[0], v[1], v[3]] for v in versions]}, open(out, "w"))
sys.exit(1 if problems else 0)
EOF
echo "expected (from the sample files): $("$PY" -c 'import json,sys; e=json.load(open(sys.argv[1])); print(e["versions"])' "$tmp/expected.json")"

# run_sequence GUARANTEE: the whole acceptance run for one processing guarantee.
run_sequence() {
  local g=$1 in out dlq state d=$tmp/$1
  mkdir -p "$d"
  in=$(nw_topic "seq-$g")
  out=$in-out dlq=$in-dlq state=$in-state
  nw_create_topic "$in" 1

  nw_produce_samples "$in"
  nw_check "[$g] 11 messages produced to $in" nw_eq "$(nw_count "$in")" 11

  # metrics.listen=127.0.0.1:0: a port of its own (another newswire here may hold the default).
  local t0=$SECONDS
  nw_flags "$in"
  nw_run_e "$d/run" 120 "${NW_FLAGS[@]}" -X metrics.listen=127.0.0.1:0 -X processing.guarantee="$g"
  echo "[$g] newswire run -e finished in $((SECONDS - t0))s with status $NW_RC: $(cat "$d/run.stdout")"
  nw_check "[$g] newswire run -e exits 0" nw_eq "$NW_RC" 0
  nw_check "[$g] stdout is exactly one summary line" nw_eq "$(wc -l <"$d/run.stdout" | tr -d ' ')" 1
  nw_check "[$g] summary line" nw_eq "$(cat "$d/run.stdout")" \
    "newswire: in=11 emitted=4 duplicate=2 stale=2 rejected=3"

  nw_consume_json "$out" >"$d/out.jsonl"
  nw_consume_json "$dlq" >"$d/dlq.jsonl"
  nw_check "[$g] output holds 4 records" nw_eq "$(wc -l <"$d/out.jsonl" | tr -d ' ')" 4
  nw_check "[$g] dead-letter topic holds 3 records" nw_eq "$(wc -l <"$d/dlq.jsonl" | tr -d ' ')" 3
  nw_check "[$g] output versions, headers, sources and dead-letter codes (check_output.py)" \
    "$PY" "$HERE/check_output.py" "$tmp/expected.json" "$d/out.jsonl" --dlq "$d/dlq.jsonl" \
    --source-topic "$in" --summary "$(cat "$d/run.stdout")"

  # Exact sources (input offsets and formats) and headers of each version, in output order.
  "$PY" - "$d/out.jsonl" "$in" >"$d/out.txt" <<'EOF'
import json, sys
for line in open(sys.argv[1], encoding="utf-8"):
    m = json.loads(line)
    v = json.loads(m["payload"])
    s = v["newswire"]["source"]
    h = m.get("headers") or []
    print(m["key"], v["version"], v["versioncreated"], s["topic"] == sys.argv[2], s["partition"],
          s["offset"], s["format"], ",".join(h[0::2]), ",".join(h[1::2]).replace(sys.argv[2], "IN"))
EOF
  nw_check "[$g] each version with its source offset, format and headers, in order" nw_eq "$(cat "$d/out.txt")" \
    "ukraine-talks 1 2021-12-30T09:32:00Z True 0 0 text content-type,newswire-version,newswire-source application/json,1,IN/0/0
ukraine-talks 2 2021-12-30T15:15:00Z True 0 3 text content-type,newswire-version,newswire-source application/json,2,IN/0/3
storm-north 1 2022-01-03T07:40:00Z True 0 4 json content-type,newswire-version,newswire-source application/json,1,IN/0/4
ukraine-talks 3 2021-12-31T03:45:00Z True 0 6 html content-type,newswire-version,newswire-source application/json,3,IN/0/6"

  "$PY" -c '
import json, sys
for line in open(sys.argv[1], encoding="utf-8"):
    print(json.loads(line)["payload"])' "$d/out.jsonl" >"$d/records.jsonl"
  nw_check "[$g] every output record validates against the project schema" \
    "$PY" "$NW_SOURCE_DIR/tests/tools/validate.py" newswire "$d/records.jsonl"

  # Dead letters: key, headers and source offset of each, then the bytes.
  "$PY" - "$d/dlq.jsonl" "$in" >"$d/dlq.txt" <<'EOF'
import json, sys
for raw in open(sys.argv[1], "rb"):
    m = json.loads(raw.decode("utf-8", "surrogateescape"))
    h = m.get("headers") or []
    hd = dict(zip(h[0::2], h[1::2]))
    print(m["key"], m["partition"], m["offset"], "null" if m["payload"] is None else "value",
          hd.get("newswire-error"), bool(hd.get("newswire-error-message")),
          hd.get("newswire-source-topic") == sys.argv[2], hd.get("newswire-source-partition"),
          hd.get("newswire-source-offset"), len(h) // 2)
EOF
  nw_check "[$g] dead letters: keys, error codes, messages and source offsets" nw_eq "$(cat "$d/dlq.txt")" \
    "bad-1 0 0 value binary True True 0 8 5
bad-2 0 1 value empty True True 0 9 5
bad-3 0 2 value not-an-article True True 0 10 5"
  local i file
  i=0
  for file in 09-bad-binary.bin 10-bad-empty.txt 11-bad-boilerplate.txt; do
    nw_payload "$dlq" 0 "$i" >"$d/dlq-$i.bin"
    nw_check "[$g] dead letter $i is $file byte for byte" cmp "$SAMPLES/$file" "$d/dlq-$i.bin"
    i=$((i + 1))
  done
  nw_check "[$g] output topic has the input's 1 partition" nw_eq "$(nw_partitions "$out")" 1
  nw_check "[$g] dead-letter topic has 1 partition" nw_eq "$(nw_partitions "$dlq")" 1
  nw_check "[$g] state topic was created with 1 partition" nw_eq "$(nw_partitions "$state")" 1
}

run_sequence exactly_once
run_sequence at_least_once

nw_summary "$NAME"
