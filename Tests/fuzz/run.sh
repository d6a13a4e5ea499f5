#!/usr/bin/env bash
# Builds the libFuzzer harnesses (Tests/fuzz/Harness) and runs each one for SECONDS (default 600)
# from its seeds (Tests/fuzz/seeds.py) and what earlier runs found, then prints executions and
# coverage per harness. Fails if any harness crashed; the input that did it is kept.
#
#   Tests/fuzz/run.sh [SECONDS] [HARNESS...]    harnesses: request-head frame-header session
#                                               session-deflate range directives deflate-offer
#
# Environment:
#   WSDEV_FUZZ_SCRATCH   build folder (default .build-fuzz; Tests/run passes .build so that
#                        only WSDevKit and the harness are compiled again)
#   WSDEV_FUZZ_FINDINGS  where crashing inputs are kept (default Tests/fuzz/findings)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

seconds=${1:-600}
shift || true
harnesses=("$@")
[ ${#harnesses[@]} -gt 0 ] || harnesses=(request-head frame-header session session-deflate range directives deflate-offer)
scratch=${WSDEV_FUZZ_SCRATCH:-.build-fuzz}
findings=${WSDEV_FUZZ_FINDINGS:-Tests/fuzz/findings}
work="$scratch/fuzz"
mkdir -p "$work" "$findings"

echo "fuzz: building the harnesses into $scratch (WSDEV_FUZZ=1: coverage for WSDevKit, WSWire and the harness)"
started=$SECONDS
if ! WSDEV_FUZZ=1 swift build --product wsdev-fuzz --scratch-path "$scratch" >"$work/build.log" 2>&1; then
    tail -40 "$work/build.log"
    echo "fuzz: the build failed (whole log: $work/build.log). A plain 'swift build' shows whether WSDevKit" >&2
    echo "      itself compiles; otherwise the harness (Tests/fuzz/Harness) lags behind an API change." >&2
    exit 1
fi
binary="$scratch/debug/wsdev-fuzz"
echo "fuzz: built $binary in $((SECONDS - started)) s"

python3 Tests/fuzz/seeds.py "$work/seeds"

crashed=0
summary=()
for harness in "${harnesses[@]}"; do
    seeds="$work/seeds/$harness"
    [ -d "$seeds" ] || { echo "fuzz: no harness named $harness" >&2; exit 2; }
    corpus="$work/corpus/$harness"  # grows from run to run
    mkdir -p "$corpus"
    options=(-max_total_time="$seconds" -timeout=20 -rss_limit_mb=2048 -print_final_stats=1
        -artifact_prefix="$findings/$harness-")
    [ -f "$work/seeds/$harness.dict" ] && options+=(-dict="$work/seeds/$harness.dict")
    case $harness in session*) options+=(-max_len=8192) ;; esac
    log="$work/$harness.log"
    echo "fuzz: $harness for $seconds s (log: $log)"
    set +e
    # Swift's own crash reporter would catch the trap first and libFuzzer would keep no input.
    SWIFT_BACKTRACE=enable=no WSDEV_FUZZ_TARGET="$harness" "$binary" "${options[@]}" "$corpus" "$seeds" >"$log" 2>&1
    status=$?
    set -e
    runs=$(sed -nE 's/^stat::number_of_executed_units: *([0-9]+).*/\1/p' "$log" | tail -1 || true)
    coverage=$(grep -oE "cov: [0-9]+ ft: [0-9]+" "$log" | tail -1 || true)
    corpus_size=$(find "$corpus" -type f | wc -l)
    line="$harness: ${runs:-?} executions, ${coverage:-cov: ?}, corpus $corpus_size"
    if [ "$status" -ne 0 ]; then
        crashed=$((crashed + 1))
        artifact=$(sed -nE 's/.*Test unit written to (.*)$/\1/p' "$log" | tail -1 || true)
        line="$line, CRASHED (exit $status)"
        grep -E "Fatal error|invariant broken|ERROR: libFuzzer" "$log" | head -3 | sed 's/^/    /' || true
        echo "    input kept: ${artifact:-none; see $log}"
        echo "    reproduce:  SWIFT_BACKTRACE=enable=no WSDEV_FUZZ_TARGET=$harness $binary ${artifact:-INPUT}"
    fi
    summary+=("$line")
done

echo "fuzz: summary ($seconds s each)"
for line in "${summary[@]}"; do echo "  $line"; done
if [ "$crashed" -gt 0 ]; then
    echo "fuzz: $crashed of ${#harnesses[@]} harnesses crashed; fix the code (not the harness, unless its invariant is wrong)," >&2
    echo "      add a regression test in Tests/WSDevTests, and run again" >&2
    exit 1
fi
echo "fuzz: ${#harnesses[@]} harnesses, no crash"
