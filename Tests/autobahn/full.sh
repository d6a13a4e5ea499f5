#!/usr/bin/env bash
# The whole Autobahn|Testsuite against the shipped build of wsdev (Release/build), compression included (groups
# 1–10 and 12–13; the suite has no 11), against two echo endpoints of one server at once: the
# built-in /echo, and /pyecho, a pywebsocket handler (Tests/autobahn/handlers/pyecho_wsh.py) run
# through the Python bridge. Strict: a NON-STRICT case counts as failed, as in CI.
#
#   Tests/autobahn/full.sh [OUTDIR]    reports in OUTDIR/echo and OUTDIR/pyecho (default /tmp/wsdev-autobahn-full)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
OUTDIR="${1:-/tmp/wsdev-autobahn-full}"
mkdir -p "$OUTDIR"
bin=$(Release/build | tail -n1)
# Each wstest run may take longer than run.sh's default limit on a busy machine.
export WSDEV_AUTOBAHN_TIMEOUT="${WSDEV_AUTOBAHN_TIMEOUT:-3600}"
log=$(mktemp)
"$bin" serve public --host 127.0.0.1 --port 0 --quiet --handlers Tests/autobahn/handlers >"$log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; rm -f "$log"' EXIT
for _ in $(seq 100); do grep -q "http://" "$log" && break; sleep 0.1; done
port=$(grep -o 'http://[^ ]*:[0-9]*/' "$log" | head -1 | sed 's/.*:\([0-9]*\)\//\1/')
cases=('1.*' '2.*' '3.*' '4.*' '5.*' '6.*' '7.*' '8.*' '9.*' '10.*' '12.*' '13.*')
start=$(date +%s)
# The two runs share the machine: each wstest is a single-threaded Python 2 client, so on two
# cores they take little more than one of them alone.
pids=()
for endpoint in echo pyecho; do
    Tests/autobahn/run.sh "ws://127.0.0.1:$port/$endpoint" "$OUTDIR/$endpoint" "${cases[@]}" >"$OUTDIR/$endpoint.log" 2>&1 &
    pids+=($!)
done
status=0
for i in 0 1; do wait "${pids[$i]}" || status=1; done
for endpoint in echo pyecho; do
    echo "== /$endpoint (report: $OUTDIR/$endpoint/index.html)"
    grep -E "^(FAIL|autobahn:)" "$OUTDIR/$endpoint.log" || true
    if grep -q "NON-STRICT" "$OUTDIR/$endpoint.log"; then
        echo "autobahn: /$endpoint has NON-STRICT cases, which count as failed"
        status=1
    fi
done
echo "autobahn: both endpoints in $(( ($(date +%s) - start) / 60 )) min $(( ($(date +%s) - start) % 60 )) s"
kill -0 $server 2>/dev/null || { echo "autobahn: the server died during the run" >&2; status=1; }
exit $status
