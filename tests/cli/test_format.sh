#!/usr/bin/env bash
# The C sources follow the checked-in .clang-format, as clang-format 14
# formats them. Formatting differs between clang-format releases, so one major
# version is pinned: 14, Debian 12's (package clang-format-14, which the
# clang-format package scripts/install-deps installs depends on). Another
# version fails here with a clear message instead of reporting files as
# unformatted. NW_CLANG_FORMAT names the binary to use.
set -euo pipefail
SRC=${NW_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
PINNED=14
cd "$SRC"

# The pinned binary by its versioned name first, then the plain one.
cf=${NW_CLANG_FORMAT:-}
if [ -z "$cf" ]; then
  for c in clang-format-$PINNED clang-format; do
    if command -v "$c" > /dev/null; then cf=$c; break; fi
  done
fi
[ -n "$cf" ] && command -v "$cf" > /dev/null || { echo "test_format: clang-format $PINNED not found (Debian: apt-get install clang-format-$PINNED)" >&2; exit 1; }
version=$("$cf" --version)
major=$(sed -nE 's/.*clang-format version ([0-9]+)\..*/\1/p' <<< "$version")
if [ "$major" != "$PINNED" ]; then
  echo "test_format: $cf is major version ${major:-unknown} ('$version');" \
    "the style is pinned to clang-format $PINNED (Debian: apt-get install clang-format-$PINNED," \
    "or set NW_CLANG_FORMAT to a clang-format $PINNED binary)" >&2
  exit 1
fi

mapfile -t files < <(git ls-files --cached --others --exclude-standard '*.c' '*.h' 2>/dev/null || find plugin include tests bench -name '*.[ch]')
[ ${#files[@]} -gt 0 ] || { echo "no C files found" >&2; exit 1; }
bad=0
for f in "${files[@]}"; do
  [ -f "$f" ] || continue
  "$cf" --dry-run --Werror "$f" >/dev/null 2>&1 || { echo "not formatted: $f" >&2; bad=$((bad + 1)); }
done
echo "test_format: $cf $major: $((${#files[@]} - bad)) passed, $bad failed"
[ "$bad" -eq 0 ]
