#!/usr/bin/env bash
# newswire end to end against the secured Kafka 4 broker (scripts/kafka-local start --secure)
# over SSL with a client certificate (mTLS), the principal taken from its CN: run -e over the samples as User:newswire,
# whose ACLs allow it, and the records and dead letters read back with kcat.
set -euo pipefail
NAME=test_security_mtls
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$HERE/lib.sh"
# shellcheck source-path=SCRIPTDIR source=security_lib.sh
. "$HERE/security_lib.sh"
nw_newswire
nw_tmpdir
nw_secure_broker
nw_sec_pipeline "$NAME" mtls
nw_summary "$NAME"
