#!/usr/bin/env bash
# The librdkafka newswire runs with is one it can rely on: `newswire --version` reports 2.6.1 or
# later (older clients fail SASL/SCRAM against Kafka 4), and when the build used the prefix that
# scripts/install-deps builds into (CMake's NW_RDKAFKA_PREFIX), the binary carries it as RUNPATH
# and the dynamic loader resolves librdkafka.so.1 there, not to the system's older copy.
# Prints `test_rdkafka_version: N passed, M failed`.
set -uo pipefail
: "${NEWSWIRE:?path to the newswire binary}"
pass=0 fail=0
check() { # check DESC CMD...
  local desc=$1
  shift
  if "$@"; then
    pass=$((pass + 1))
    echo "ok - $desc"
  else
    fail=$((fail + 1))
    echo "not ok - $desc" >&2
  fi
}

version=$("$NEWSWIRE" --version | sed -nE 's/.*\(librdkafka ([0-9]+\.[0-9]+\.[0-9]+).*/\1/p')
echo "librdkafka at run time: ${version:-unknown}"
at_least() { # at_least HAVE WANT
  [ -n "$1" ] && [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n 1)" = "$2" ]
}
check "newswire --version names librdkafka >= 2.6.1 (got '${version:-none}')" at_least "$version" 2.6.1

cache=$(dirname "$NEWSWIRE")/CMakeCache.txt
prefix=$(sed -n 's/^NW_RDKAFKA_PREFIX:PATH=//p' "$cache" 2>/dev/null)
if [ -n "$prefix" ] && [ -f "$prefix/lib/pkgconfig/rdkafka.pc" ]; then
  runpath=$(readelf -d "$NEWSWIRE" 2>/dev/null | sed -nE 's/.*R(UN)?PATH.*\[(.*)\]/\2/p')
  check "the binary's RUNPATH names $prefix/lib" \
    bash -c 'case ":$1:" in *":$2:"*) exit 0 ;; esac; exit 1' _ "$runpath" "$prefix/lib"
  resolved=$(ldd "$NEWSWIRE" | awk '$1 == "librdkafka.so.1" { print $3 }')
  check "librdkafka.so.1 resolves into the prefix ($resolved)" \
    bash -c '[ "$(realpath "$1")" = "$(realpath "$2")" ]' _ "$resolved" "$prefix/lib/librdkafka.so.1"
else
  echo "skip - no project librdkafka prefix in this build (the system's is new enough)"
fi

echo "test_rdkafka_version: $pass passed, $fail failed"
[ "$fail" = 0 ]
