#!/usr/bin/env bash
# The whole Autobahn|Testsuite against a fresh release build of wsdev's /echo, compression included:
# groups 1–10 and 12–13 (about 15 minutes). Reports land in OUTDIR (default /tmp/wsdev-autobahn-full).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
OUTDIR="${1:-/tmp/wsdev-autobahn-full}"
swift build -c release >/dev/null
log=$(mktemp)
.build/release/wsdev serve public --host 127.0.0.1 --port 0 --quiet >"$log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; rm -f "$log"' EXIT
for _ in $(seq 100); do grep -q "http://" "$log" && break; sleep 0.1; done
port=$(grep -o 'http://[^ ]*:[0-9]*/' "$log" | head -1 | sed 's/.*:\([0-9]*\)\//\1/')
Tests/autobahn/run.sh "ws://127.0.0.1:$port/echo" "$OUTDIR" '1.*' '2.*' '3.*' '4.*' '5.*' '6.*' '7.*' '8.*' '9.*' '10.*' '12.*' '13.*'
