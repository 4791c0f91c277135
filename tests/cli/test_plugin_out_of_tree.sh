#!/usr/bin/env bash
# A plugin author builds an enricher without the source tree: `cmake
# --install` into a temporary prefix, then plugin/enrichers/examples/keywords.c, copied
# out of the tree, is built twice against the installed files only, with
# CMake's find_package(newswire) and newswire::enricher, and with
# `pkg-config --cflags newswire-enricher` and cc. Each module is loaded by
# `newswire parse -X enrichers.paths=...` and its keywords must appear in
# the record.
set -euo pipefail
: "${NEWSWIRE:?path to the newswire binary}"
: "${NW_BUILD_DIR:?the build directory to install from}"
SRC=${NW_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fails=0
pass=0
check() { # check NAME CMD...
  local name=$1; shift
  if "$@"; then pass=$((pass + 1)); else echo "FAIL: $name" >&2; fails=$((fails + 1)); fi
}

PREFIX=$TMP/prefix
cmake --install "$NW_BUILD_DIR" --prefix "$PREFIX" > "$TMP/install.log" \
  || { cat "$TMP/install.log" >&2; exit 1; }
pc=$(find "$PREFIX" -name newswire-enricher.pc)
config=$(find "$PREFIX" -name newswireConfig.cmake)
check "pkg-config file installed" test -n "$pc"
check "CMake package installed" test -n "$config" -a -f "${config%/*}/newswireConfigVersion.cmake"
check "enricher.h installed" test -f "$PREFIX/include/newswire/enricher.h"

# The plugin's source alone, away from the tree: nothing can reach include/.
mkdir -p "$TMP/plugin"
cp "$SRC/plugin/enrichers/examples/keywords.c" "$TMP/plugin/"
cat > "$TMP/plugin/CMakeLists.txt" <<'CMAKE'
cmake_minimum_required(VERSION 3.20)
project(keywords_plugin LANGUAGES C)
find_package(newswire 0.1 REQUIRED)
add_library(keywords MODULE keywords.c)
target_link_libraries(keywords PRIVATE newswire::enricher)
set_target_properties(keywords PROPERTIES PREFIX "" C_VISIBILITY_PRESET hidden)
CMAKE

# 1. CMake: find_package through CMAKE_PREFIX_PATH.
cmake_ok() {
  cmake -S "$TMP/plugin" -B "$TMP/plugin-build" -G Ninja -DCMAKE_PREFIX_PATH="$PREFIX" \
    -DCMAKE_EXPORT_COMPILE_COMMANDS=ON > "$TMP/cmake.log" 2>&1 &&
    cmake --build "$TMP/plugin-build" >> "$TMP/cmake.log" 2>&1 ||
    { cat "$TMP/cmake.log" >&2; return 1; }
}
check "find_package build" cmake_ok
check "compiled against the installed header, not the tree" \
  bash -c "grep -q -- ' $PREFIX/include ' '$TMP/plugin-build/compile_commands.json' &&
           ! grep -q -- '$SRC/include' '$TMP/plugin-build/compile_commands.json'"
# The version file: a request for another major version is refused.
mkdir -p "$TMP/other-major"
sed 's/find_package(newswire 0.1 REQUIRED)/find_package(newswire 1 REQUIRED)/' \
  "$TMP/plugin/CMakeLists.txt" > "$TMP/other-major/CMakeLists.txt"
cp "$TMP/plugin/keywords.c" "$TMP/other-major/"
refused() {
  ! cmake -S "$TMP/other-major" -B "$TMP/other-major/build" -G Ninja \
    -DCMAKE_PREFIX_PATH="$PREFIX" > "$TMP/other.log" 2>&1 &&
    grep -q "version: 0\." "$TMP/other.log"
}
check "version file refuses another major" refused

# 2. pkg-config and cc.
export PKG_CONFIG_PATH="${pc%/*}"
cflags=$(pkg-config --cflags newswire-enricher)
check "pkg-config --cflags names the installed include dir" \
  test -f "$(sed -E 's/.*-I([^ ]*).*/\1/' <<< "${cflags%% }")/newswire/enricher.h"
check "pkg-config + cc build" bash -c "cc -std=c11 -shared -fPIC -Wall -Werror $cflags \
  -o '$TMP/keywords-pc.so' '$TMP/plugin/keywords.c' $(pkg-config --libs newswire-enricher)"

# 3. Both modules load and add their keywords to the record.
loads() { # loads MODULE
  local out
  out=$("$NEWSWIRE" parse -X "enrichers.paths=$1" "$SRC/tests/data/seed.txt") || return 1
  grep -q '"keywords":\[{"term":"ukraine","count":9}' <<< "$out" &&
    grep -q '"keywords":{"status":"ok"' <<< "$out" ||
    { echo "  $1: no keywords in the record" >&2; return 1; }
}
check "find_package module loads" loads "$TMP/plugin-build/keywords.so"
check "pkg-config module loads" loads "$TMP/keywords-pc.so"

echo "test_plugin_out_of_tree: $pass passed, $fails failed"
[ "$fails" -eq 0 ]
