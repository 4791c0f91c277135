#!/usr/bin/env bash
# scripts/fuzz-nightly's plan, without building or fuzzing (--dry-run): every
# harness tests/fuzz/CMakeLists.txt declares runs, each for at least 10
# minutes by default, MINUTES and NW_FUZZ_NIGHTLY_MINUTES change that, the
# corpus lives in the cache directory (NW_FUZZ_CACHE) and bad arguments exit
# 64. And CI keeps its short run: scripts/test still calls scripts/fuzz.
set -euo pipefail
SRC=${NW_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
NIGHTLY=$SRC/scripts/fuzz-nightly
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fails=0
pass=0
check() { # check NAME CMD...
  local name=$1; shift
  if "$@"; then pass=$((pass + 1)); else echo "FAIL: $name" >&2; fails=$((fails + 1)); fi
}

check "the script exists and is executable" test -x "$NIGHTLY"
declared=$(sed -n 's/^set(NW_FUZZ_TARGETS \(.*\))$/\1/p' "$SRC/tests/fuzz/CMakeLists.txt")
check "tests/fuzz declares its targets" test -n "$declared"

NW_FUZZ_CACHE=$TMP/cache "$NIGHTLY" --dry-run > "$TMP/plan" 2>&1 || true
for t in $declared; do
  secs=$(awk -v t="$t" '$1 == "target" && $2 == t {print $4}' "$TMP/plan")
  check "$t is in the plan" test -n "$secs"
  check "$t runs >= 10 minutes by default" test "${secs:-0}" -ge 600
  check "$t grows a corpus in the cache" grep -q "^target $t .* corpus $TMP/cache/corpus/" "$TMP/plan"
done

NW_FUZZ_CACHE=$TMP/cache "$NIGHTLY" --dry-run 30 > "$TMP/plan30" 2>&1 || true
check "MINUTES sets the time per target" grep -q "^target fuzz_parse seconds 1800 " "$TMP/plan30"
NW_FUZZ_NIGHTLY_MINUTES=15 NW_FUZZ_CACHE=$TMP/cache "$NIGHTLY" --dry-run > "$TMP/plan15" 2>&1 || true
check "NW_FUZZ_NIGHTLY_MINUTES sets it too" grep -q "^target fuzz_html seconds 900 " "$TMP/plan15"

for bad in abc 0 -5; do
  rc=0
  NW_FUZZ_CACHE=$TMP/cache "$NIGHTLY" --dry-run "$bad" > /dev/null 2>&1 || rc=$?
  check "'$bad' is refused with 64" test "$rc" -eq 64
done
check "a dry run creates nothing" test ! -e "$TMP/cache"
check "CI keeps its short run" grep -q 'scripts/fuzz" "${NW_FUZZ_SECONDS:-20}"' "$SRC/scripts/test"
check "README's fuzzing paragraph names it" grep -q 'scripts/fuzz-nightly' "$SRC/README.md"

if [ "$fails" -ne 0 ]; then echo "--- plan"; cat "$TMP/plan"; fi
echo "test_fuzz_nightly: $pass passed, $fails failed"
[ "$fails" -eq 0 ]
