#!/usr/bin/env bash
# Soak (issue 14; not in CI): a release wsdev on a scratch site and handlers folder, under mixed
# traffic with connection churn for SOAK_MINUTES (default 30): static GETs kept alive and with
# Connection: close (wrk), /echo, an `exec cat` script and a pywebsocket `_wsh.py` handler
# (wsdev bench, echo and churn modes in turn), and /chat plus a `# wsdev: broadcast` script
# (rooms.py). Loopback only; every load generator is bounded in time.
#
# Each minute is one round: 45 s of traffic, then 5 s of quiet. It prints wsdev's RSS, open fds,
# threads and child processes from /proc under load (mid-round) and at rest (after the quiet),
# and fails if the at-rest figures grew (Tests/soak/verdict.py says how that is judged), if a
# bench saw a wrong echo, if wsdev died, or if SIGTERM did not stop it cleanly at the end.
#
#   Tests/soak/run.sh                      30 minutes, building the release binary first
#   SOAK_MINUTES=3 Tests/soak/run.sh       a short check
#   WSDEV_BIN=path/to/wsdev Tests/soak/run.sh
# Results (samples.tsv, wsdev.log, each round's generator output): Tests/soak/results/DATE/.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
here=Tests/soak
minutes=${SOAK_MINUTES:-30}
traffic=45
settle=5
python=${SOAK_PYTHON:-$HOME/.cache/wsdev/bench-venv/bin/python}

if [ -z "${WSDEV_BIN:-}" ]; then
    echo "soak: building the release binary (swift build -c release; WSDEV_BIN=... skips this)"
    if ! swift build -c release --product wsdev >/tmp/wsdev-soak-build.log 2>&1; then
        tail -30 /tmp/wsdev-soak-build.log
        echo "soak: the release build failed (log: /tmp/wsdev-soak-build.log)" >&2
        exit 1
    fi
    WSDEV_BIN=.build/release/wsdev
fi
if ! command -v wrk >/dev/null || ! "$python" -c "import websockets" 2>/dev/null; then
    echo "soak: installing wrk and the websockets package (Benchmarks/lib/install.sh)"
    Benchmarks/lib/install.sh
fi

out=$here/results/$(date +%Y%m%d-%H%M%S)
scratch=$(mktemp -d /tmp/wsdev-soak.XXXXXX)
mkdir -p "$out" "$scratch/site" "$scratch/handlers"
echo "<!doctype html><title>soak</title><p>soak page</p>" >"$scratch/site/index.html"
echo "console.log('soak')" >"$scratch/site/app.js"
head -c 307200 /dev/urandom >"$scratch/site/big.bin"  # over 64 KiB: the sendfile path
printf '#!/bin/sh\nexec cat\n' >"$scratch/handlers/cat.sh"
printf '#!/bin/sh\n# wsdev: broadcast\nwhile IFS= read -r line; do echo "$line"; done\n' >"$scratch/handlers/room.sh"
chmod +x "$scratch/handlers/cat.sh" "$scratch/handlers/room.sh"
cp handlers/pyecho_wsh.py "$scratch/handlers/pyecho_wsh.py"  # the tutorial's echo handler

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$WSDEV_BIN" serve "$scratch/site" --host 127.0.0.1 --port "$port" --handlers "$scratch/handlers" --quiet >"$out/wsdev.log" 2>&1 &
wsdev=$!
jobs_running=()
cleanup() {
    for job in "${jobs_running[@]}"; do kill "$job" 2>/dev/null || true; done
    kill "$wsdev" 2>/dev/null || true
    rm -rf "$scratch"
}
trap cleanup EXIT
for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.2; done
echo "soak: wsdev $("$WSDEV_BIN" --version) pid $wsdev on port $port, $minutes rounds of ${traffic} s traffic + ${settle} s quiet; results in $out"

# RSS (KiB), open fds, threads, child processes and zombies among them, from /proc.
sample() {
    local rss threads fds children zombies
    rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$wsdev/status")
    threads=$(awk '/^Threads:/ {print $2}' "/proc/$wsdev/status")
    fds=$(find "/proc/$wsdev/fd" -mindepth 1 -maxdepth 1 | wc -l)
    # ps exits 1 when wsdev has no children, which pipefail would take for a failure.
    children=$({ ps -o stat= --ppid "$wsdev" || true; } | wc -l)
    zombies=$({ ps -o stat= --ppid "$wsdev" || true; } | grep -c '^Z' || true)
    echo "$rss $fds $threads $children $zombies"
}
alive() {
    if ! kill -0 "$wsdev" 2>/dev/null; then
        tail -20 "$out/wsdev.log"
        echo "soak: FAIL: wsdev died in minute $1 (log: $out/wsdev.log)" >&2
        exit 1
    fi
}
bench() {  # bench NAME PATH MODE [args]: one wsdev bench run in the background, its JSON into the round's folder
    local name=$1 path=$2 mode=$3
    shift 3
    timeout $((traffic + 40)) "$WSDEV_BIN" bench "ws://127.0.0.1:$port$path" --mode "$mode" -t "$traffic" --warmup 0 --json "$@" \
        >"$round/$name.json" 2>"$round/$name.err" &
    jobs_running+=($!)
}
number() {  # number FILE KEY [DEFAULT]: an integer field of a JSON line
    local value
    value=$(grep -oE "\"$2\": ?[0-9]+" "$1" 2>/dev/null | head -1 | grep -oE "[0-9]+$" || true)
    echo "${value:-${3:-0}}"
}

echo -e "minute\trss_kib\tfds\tthreads\tchildren\tzombies" >"$out/samples.tsv"
read -r rss fds threads children zombies < <(sample)
echo "soak: at start: RSS $((rss / 1024)) MiB, $fds fds, $threads threads, $children children"
mismatches=0
errors=0
for minute in $(seq "$minutes"); do
    round=$out/round-$minute
    mkdir -p "$round"
    jobs_running=()
    # Modes alternate so that every endpoint sees both long connections and churn.
    if ((minute % 2)); then echo_mode=(churn --lanes 2 -s 32 --text); other=(echo -c 4 -s 64 --text); else echo_mode=(echo -c 8 -s 128 --text); other=(churn --lanes 1 -s 32 --text); fi
    bench echo /echo "${echo_mode[@]}"
    bench cat /cat "${other[@]}"
    bench pyecho /pyecho "${echo_mode[@]}"
    timeout $((traffic + 20)) wrk -t1 -c2 -d"${traffic}s" "http://127.0.0.1:$port/$( ((minute % 2)) && echo big.bin || echo app.js)" >"$round/static.txt" 2>&1 &
    jobs_running+=($!)
    timeout $((traffic + 20)) wrk -t1 -c2 -d"${traffic}s" -H "Connection: close" "http://127.0.0.1:$port/" >"$round/static-close.txt" 2>&1 &
    jobs_running+=($!)
    timeout $((traffic + 30)) "$python" "$here/rooms.py" "$port" "$traffic" 3 >"$round/rooms.json" 2>"$round/rooms.err" &
    jobs_running+=($!)
    sleep $((traffic / 2))
    alive "$minute"
    read -r brss bfds bthreads bchildren _ < <(sample)
    for job in "${jobs_running[@]}"; do wait "$job" || true; done
    jobs_running=()
    sleep "$settle"
    alive "$minute"
    read -r rss fds threads children zombies < <(sample)
    echo -e "$minute\t$rss\t$fds\t$threads\t$children\t$zombies" >>"$out/samples.tsv"
    # What the round carried, and what went wrong in it.
    round_errors=0 round_mismatches=0 echoes=0
    for json in "$round"/{echo,cat,pyecho}.json; do
        echoes=$((echoes + $(number "$json" verified)))
        round_errors=$((round_errors + $(number "$json" errors 1)))  # no JSON at all: the bench failed
        round_mismatches=$((round_mismatches + $(number "$json" mismatches)))
    done
    requests=$(awk '/ requests in / {sum += $1} END {print sum + 0}' "$round/static.txt" "$round/static-close.txt")
    room_cycles=$(number "$round/rooms.json" cycles)
    round_errors=$((round_errors + $(number "$round/rooms.json" errors 1)))
    errors=$((errors + round_errors))
    mismatches=$((mismatches + round_mismatches))
    printf 'soak: minute %2d/%d  rest: RSS %5d KiB, %4d fds, %2d threads, %3d children (%d zombie)  busy: RSS %6d KiB, %4d fds, %3d children  traffic: %d echoes checked, %d GETs, %d room cycles, %d errors, %d mismatches\n' \
        "$minute" "$minutes" "$rss" "$fds" "$threads" "$children" "$zombies" "$brss" "$bfds" "$bchildren" \
        "$echoes" "$requests" "${room_cycles:-0}" "$round_errors" "$round_mismatches"
done

echo "soak: SIGTERM to wsdev"
children=$({ ps -o pid= --ppid "$wsdev" || true; } | tr -d " " | tr "\n" " ")
kill -TERM "$wsdev"
stopped=no
for _ in $(seq 50); do kill -0 "$wsdev" 2>/dev/null || { stopped=yes; break; }; sleep 0.1; done
wait "$wsdev" 2>/dev/null || true
left=""
for child in $children; do  # a zombie the init process has not reaped yet is not left behind
    state=$(ps -o stat=,args= -p "$child" || true)
    [ -n "$state" ] && [[ $state != Z* ]] && left="$left
    $child $state"
done
status=0
python3 "$here/verdict.py" "$out/samples.tsv" || status=1
[ "$stopped" = yes ] || { echo "soak: FAIL: wsdev still running 5 s after SIGTERM" >&2; status=1; }
[ -z "$left" ] || { echo "soak: FAIL: handler processes still running after wsdev stopped:$left" >&2; status=1; }
[ "$mismatches" -eq 0 ] || { echo "soak: FAIL: $mismatches echoes differed from what was sent (see $out/round-*/*.json)" >&2; status=1; }
[ "$errors" -eq 0 ] || echo "soak: note: $errors connection errors in all (timeouts or resets under load; first ones in $out/round-*/*.json)"
echo "soak: $minutes minutes, $([ $status -eq 0 ] && echo PASS || echo FAIL); samples in $out/samples.tsv"
exit $status
