#!/usr/bin/env bash
# The C sources follow the checked-in .clang-format.
set -euo pipefail
SRC=${NW_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$SRC"
mapfile -t files < <(git ls-files --cached --others --exclude-standard '*.c' '*.h' 2>/dev/null || find plugin include tests bench -name '*.[ch]')
[ ${#files[@]} -gt 0 ] || { echo "no C files found" >&2; exit 1; }
bad=0
for f in "${files[@]}"; do
  [ -f "$f" ] || continue
  clang-format --dry-run --Werror "$f" >/dev/null 2>&1 || { echo "not formatted: $f" >&2; bad=$((bad + 1)); }
done
echo "test_format: $((${#files[@]} - bad)) passed, $bad failed"
[ "$bad" -eq 0 ]
