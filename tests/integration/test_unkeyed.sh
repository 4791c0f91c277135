#!/usr/bin/env bash
# Unkeyed input whose versions of one article are spread across partitions:
# the first stage re-keys each message by article id through the repartition
# topic, so dedupe still holds. Arrival order across partitions is not fixed,
# so the test checks what must hold whatever the order: per article, every
# emitted versioncreated is distinct, versions are numbered 1..n in rising
# versioncreated order, the newest version is always emitted, and the
# counters add up; without the repartition stage, one article's versions in
# two partitions would meet two version stores and repeat.
set -euo pipefail
NAME=test_unkeyed
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$HERE/lib.sh"
nw_newswire
PY=/usr/bin/python3
nw_tmpdir
tmp=$NW_TMP

nw_broker
"$PY" "$HERE/gen_stream.py" -n 1500 --seed 9 --bad-rate 0.02 "$tmp/gen" >/dev/null
in=$(nw_topic unkeyed)
nw_create_topic "$in" 3
# Each good message becomes a JSON envelope whose url names the article;
# messages go round-robin to the partitions, without keys.
"$PY" - "$tmp/gen/messages.kcat" "$tmp" <<'PYEOF'
import json, sys
data = open(sys.argv[1], "rb").read().split(b"\x1e")
files = [open(f"{sys.argv[2]}/p{p}.kcat", "wb") for p in range(3)]
articles = {}
for i, m in enumerate(m for m in data if m):
    key, value = m.split(b"\x1f", 1)
    key = key.decode()
    if key.startswith("art-"):
        value = json.dumps({"url": f"https://news.example.net/{key}", "source": "gen",
                            "text": value.decode()}).encode()
        articles[key] = articles.get(key, 0) + 1
    # kcat drops an empty message from a delimited stream: a lone space is
    # rejected as empty all the same.
    files[i % 3].write((value or b" ") + b"\x1e")
spread = sum(1 for k, n in articles.items() if n >= 2)
print(f"{len(articles)} articles, {spread} with messages in more than one partition")
PYEOF
for p in 0 1 2; do
  kcat -P -b "$NW_BOOTSTRAP" -t "$in" -p "$p" -D $'\x1e' <"$tmp/p$p.kcat"
done
nw_check "input holds 1500 unkeyed messages" [ "$(nw_count "$in")" -eq 1500 ]

for mode in exactly_once at_least_once; do
  nw_flags "$in" "$in-$mode" "$in-$mode"
  nw_run_e "$tmp/$mode" 180 "${NW_FLAGS[@]}" -X processing.guarantee=$mode -X log.level=warn
  nw_check "$mode: run -e exits 0" [ "$NW_RC" -eq 0 ]
  nw_consume_json "$in-$mode-out" >"$tmp/$mode-out.jsonl"
  nw_consume_json "$in-$mode-dlq" >"$tmp/$mode-dlq.jsonl"
  nw_check "$mode: dedupe holds across partitions" "$PY" - "$tmp/gen/expected.json" \
    "$tmp/$mode-out.jsonl" "$tmp/$mode-dlq.jsonl" "$(cat "$tmp/$mode.stdout")" "$in" <<'PYEOF'
import collections, json, re, sys
exp = json.load(open(sys.argv[1]))
out = [json.loads(l) for l in open(sys.argv[2], encoding="utf-8")]
dlq = [json.loads(l) for l in open(sys.argv[3], encoding="utf-8", errors="replace")]
summary, topic = sys.argv[4], sys.argv[5]
bad = []
newest = {}
for key, version, vc in exp["versions"]:
    newest[key] = max(newest.get(key, ""), vc)
by_id = collections.defaultdict(list)
for m in out:
    r = json.loads(m["payload"])
    by_id[m["key"]].append((int(r["version"]), r["versioncreated"]))
    if r["newswire"]["source"]["topic"] != topic:
        bad.append(f"source topic {r['newswire']['source']['topic']}")
    if "key" in r["newswire"]["source"]:
        bad.append("an unkeyed message's record names a key")
for key, vs in by_id.items():
    vs.sort()
    if [v for v, _ in vs] != list(range(1, len(vs) + 1)):
        bad.append(f"{key}: versions {[v for v, _ in vs]}")
    times = [t for _, t in vs]
    if len(set(times)) != len(times):
        bad.append(f"{key}: a versioncreated emitted twice: {times}")
    if times != sorted(times):
        bad.append(f"{key}: versioncreated not rising with the version")
ids = {f"https://news.example.net/{k}": v for k, v in newest.items()}
if set(by_id) != set(ids):
    bad.append(f"articles: {len(by_id)} emitted, {len(ids)} expected")
for k, t in ids.items():
    if by_id.get(k) and by_id[k][-1][1] != t:
        bad.append(f"{k}: newest {t} not emitted last ({by_id[k][-1][1]})")
if len(dlq) != len(exp["rejected"]):
    bad.append(f"dead letters: {len(dlq)}, expected {len(exp['rejected'])}")
c = list(map(int, re.match(r"newswire: in=(\d+) emitted=(\d+) duplicate=(\d+) stale=(\d+) rejected=(\d+)$", summary).groups()))
if c[0] != 1500 or c[0] != sum(c[1:]) or c[1] != len(out) or c[4] != len(dlq):
    bad.append(f"counters {c} (output {len(out)}, dead letters {len(dlq)})")
for b in bad[:20]:
    print("  " + b, file=sys.stderr)
print(f"  {len(by_id)} articles, {len(out)} records, {len(dlq)} dead letters")
sys.exit(1 if bad else 0)
PYEOF
done
nw_summary "$NAME"
