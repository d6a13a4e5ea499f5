#!/usr/bin/env bash
# Run the Autobahn|Testsuite fuzzing client against a WebSocket echo endpoint.
#
#   Tests/autobahn/run.sh URL OUTDIR [CASES...]
#
#   URL     ws://127.0.0.1:PORT/PATH of an echo endpoint (loopback only)
#   OUTDIR  where spec.json, wstest.log and the reports (index.json,
#           index.html, one JSON/HTML file per case) are written
#   CASES   case patterns such as 1.* 2.1.* 7.1.5 (default: groups 1-10;
#           12.* and 13.* are compression cases and take 7-10 min each)
#
# Exit status: 0 only if every case passed (see check.py); the last line of
# output is `autobahn: N passed, M failed`.
#
# Environment:
#   WSDEV_CACHE              cache root for setup.sh (default ~/.cache/wsdev)
#   WSDEV_AUTOBAHN_TIMEOUT   seconds before wstest is killed (default 1800)
#   WSDEV_AUTOBAHN_EXCLUDE   space-separated case patterns to exclude
#   WSDEV_PYTHON3            python3 used for the spec and check.py (default python3)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

usage() { sed -n '2,20p' "$0" >&2; exit 2; }
[ $# -ge 2 ] || usage
URL="$1"; OUTDIR="$2"; shift 2
[ -n "$OUTDIR" ] || usage

PY3="${WSDEV_PYTHON3:-python3}"
TIMEOUT="${WSDEV_AUTOBAHN_TIMEOUT:-1800}"

# Only ever fuzz a server on this machine.
HOSTPORT="${URL#ws://}"
if [ "$HOSTPORT" = "$URL" ]; then
    echo "run.sh: URL must start with ws:// (got: $URL)" >&2; exit 2
fi
HOSTPORT="${HOSTPORT%%/*}"
case "$HOSTPORT" in
    127.*|localhost|localhost:*|'[::1]'|'[::1]:'*) ;;
    *) echo "run.sh: refusing non-loopback URL $URL (use ws://127.0.0.1:PORT/...)" >&2; exit 2 ;;
esac

mkdir -p "$OUTDIR"
OUTDIR="$(cd "$OUTDIR" && pwd)"
SPEC="$OUTDIR/spec.json"
WSLOG="$OUTDIR/wstest.log"

# setup.sh is quiet when the env is ready; a first-time install says so on stderr.
if ! SETUP_OUT="$("$HERE/setup.sh" -q)"; then
    echo "run.sh: setup.sh failed" >&2; exit 1
fi
WSTEST="$(printf '%s\n' "$SETUP_OUT" | tail -n 1)"
[ -x "$WSTEST" ] || { echo "run.sh: setup.sh did not report a wstest path (got: $WSTEST)" >&2; exit 1; }

# Write the spec (python3 does the JSON quoting).
"$PY3" - "$SPEC" "$URL" "$OUTDIR" "${WSDEV_AUTOBAHN_EXCLUDE:-}" "$@" <<'EOF'
import json, sys
spec_path, url, outdir, exclude = sys.argv[1:5]
cases = sys.argv[5:] or ["%d.*" % i for i in range(1, 11)]
spec = {
    "outdir": outdir,
    "servers": [{"agent": "wsdev", "url": url}],
    "cases": cases,
    "exclude-cases": exclude.split(),
    "exclude-agent-cases": {},
}
with open(spec_path, "w") as f:
    json.dump(spec, f, indent=2)
    f.write("\n")
EOF

# Resolve the case patterns the way wstest will: with no case selected it
# would wait forever, and an unknown literal id makes it crash mid-run.
if ! NCASES="$("$(dirname "$WSTEST")/python" - "$SPEC" <<'EOF'
import json, sys
from autobahntestsuite.case import Cases, CaseCategories, CaseSubCategories, CaseBasename, CaseSetname
from autobahntestsuite.caseset import CaseSet
cs = CaseSet(CaseSetname, CaseBasename, Cases, CaseCategories, CaseSubCategories)
spec = json.load(open(sys.argv[1]))
try:
    cases = cs.parseSpecCases(spec)
except ValueError as e:
    sys.exit("run.sh: bad case pattern in %s: %s" % (spec["cases"], e))
unknown = [c for c in cases if c not in cs.CasesById]
if unknown:
    sys.exit("run.sh: unknown case ids: %s" % " ".join(unknown))
if not cases:
    sys.exit("run.sh: the case patterns %s select no cases" % " ".join(spec["cases"]))
print(len(cases))
EOF
)"; then
    echo "autobahn: 0 passed, 0 failed"
    exit 2
fi

# Stale results must not be mistaken for this run's.
rm -f "$OUTDIR/index.json"

echo "autobahn: running $NCASES cases: $WSTEST -m fuzzingclient -s $SPEC (log: $WSLOG)"
START=$(date +%s)
set +e
# Run from OUTDIR: wstest may drop files in its working directory.
(cd "$OUTDIR" && timeout --kill-after=10 "$TIMEOUT" "$WSTEST" -m fuzzingclient -s "$SPEC") > "$WSLOG" 2>&1
RC=$?
set -e
echo "autobahn: wstest finished in $(( $(date +%s) - START )) s (exit $RC)"
if [ "$RC" -ne 0 ]; then
    [ "$RC" -eq 124 ] && echo "run.sh: wstest timed out after ${TIMEOUT} s (WSDEV_AUTOBAHN_TIMEOUT)" >&2
    echo "---- last lines of $WSLOG ----" >&2
    tail -n 30 "$WSLOG" >&2
fi

# wstest exits 0 with an empty report when it cannot connect at all.
if grep -q "^Connection to .* failed" "$WSLOG"; then
    grep "^Connection to .* failed" "$WSLOG" | head -n 3 >&2
fi

if [ ! -f "$OUTDIR/index.json" ]; then
    echo "run.sh: wstest wrote no $OUTDIR/index.json" >&2
    [ "$RC" -ne 0 ] || { echo "---- last lines of $WSLOG ----" >&2; tail -n 30 "$WSLOG" >&2; }
    echo "autobahn: 0 passed, 0 failed"
    exit 1
fi

set +e
"$PY3" "$HERE/check.py" "$OUTDIR/index.json"
CHECK=$?
set -e
if [ "$CHECK" -eq 0 ] && [ "$RC" -ne 0 ]; then
    exit "$RC"
fi
exit "$CHECK"
