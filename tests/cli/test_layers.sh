#!/usr/bin/env bash
# The engine's include layers (scripts/check-layers): the tree passes with its
# known debt only, and the check itself fails on an upward include, on a peer
# include and on a folder with no layer, in a scratch copy of the tree.
set -euo pipefail
SRC=${NW_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
CHECK=$SRC/scripts/check-layers
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "test_layers: $*" >&2; exit 1; }

"$CHECK" "$SRC" > "$tmp/out" 2> "$tmp/err" || { cat "$tmp/out" "$tmp/err" >&2; fail "the tree has a new upward include"; }
grep -q '^check-layers: ok' "$tmp/out" || fail "no ok line: $(cat "$tmp/out")"

# A minimal tree: parse includes core (down), which is fine.
mk() { rm -rf "$tmp/t"; mkdir -p "$tmp/t/plugin/engine/core" "$tmp/t/plugin/engine/parse" "$tmp/t/plugin/engine/encode" "$tmp/t/plugin/engine/dedupe"
  echo '#include "core/buf.h"' > "$tmp/t/plugin/engine/parse/a.c"; : > "$tmp/t/plugin/engine/core/buf.h"; }
mk
NW_LAYERS_ALLOW=/dev/null "$CHECK" "$tmp/t" > /dev/null || fail "a downward include was rejected"

# Upward: core includes parse.
mk; echo '#include "parse/a.h"' > "$tmp/t/plugin/engine/core/b.c"
if NW_LAYERS_ALLOW=/dev/null "$CHECK" "$tmp/t" > /dev/null 2> "$tmp/err"; then fail "core -> parse passed"; fi
grep -q 'plugin/engine/core/b.c:1: core includes parse/a.h (up: parse)' "$tmp/err" || fail "unexpected message: $(cat "$tmp/err")"
# ... and passes once allowlisted, printed as debt.
echo 'plugin/engine/core/b.c -> parse/a.h' > "$tmp/allow"
NW_LAYERS_ALLOW=$tmp/allow "$CHECK" "$tmp/t" > "$tmp/out" || fail "an allowlisted include failed"
grep -q '^debt: plugin/engine/core/b.c:1:' "$tmp/out" || fail "debt not printed: $(cat "$tmp/out")"

# A system include of librdkafka counts as the kafka layer.
mk; echo '#include <librdkafka/rdkafka.h>' > "$tmp/t/plugin/engine/parse/k.c"
if NW_LAYERS_ALLOW=/dev/null "$CHECK" "$tmp/t" > /dev/null 2>&1; then fail "parse -> librdkafka passed"; fi

# Peers: encode and dedupe share a layer and may not include each other.
mk; echo '#include "dedupe/vstore.h"' > "$tmp/t/plugin/engine/encode/e.c"
if NW_LAYERS_ALLOW=/dev/null "$CHECK" "$tmp/t" > /dev/null 2>&1; then fail "encode -> dedupe passed"; fi

# A new folder must be given a layer.
mk; mkdir "$tmp/t/plugin/engine/extra"; : > "$tmp/t/plugin/engine/extra/x.c"
if NW_LAYERS_ALLOW=/dev/null "$CHECK" "$tmp/t" > /dev/null 2> "$tmp/err"; then fail "an unlayered folder passed"; fi
grep -q 'plugin/engine/extra/: folder has no layer' "$tmp/err" || fail "unexpected message: $(cat "$tmp/err")"
# The built-in enrichers sit below the enricher host: one may not include it.
mk; mkdir -p "$tmp/t/plugin/enrichers/examples" "$tmp/t/plugin/engine/enrich"
echo '#include "enrich/host.h"' > "$tmp/t/plugin/enrichers/x.c"
if NW_LAYERS_ALLOW=/dev/null "$CHECK" "$tmp/t" > /dev/null 2>&1; then fail "enrichers -> enrich passed"; fi
# ... while the loadable examples, built against include/newswire only, are not checked.
mk; mkdir -p "$tmp/t/plugin/enrichers/examples"
echo '#include "pipeline/runner.h"' > "$tmp/t/plugin/enrichers/examples/p.c"
NW_LAYERS_ALLOW=/dev/null "$CHECK" "$tmp/t" > /dev/null || fail "an example plugin was checked"
echo "test_layers: ok"
