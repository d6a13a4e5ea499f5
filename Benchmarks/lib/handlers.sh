# The handlers group of Benchmarks/run (issue 17): users' endpoints, not the built-in /echo.
# Sourced by Benchmarks/run after servers.sh; uses its SECS, ROUNDS, OUT, SITE, HERE, RESULTS,
# SOURCES, WSDEV_BIN, rotate, log, start_server and stop_server. See Benchmarks/README.md.
#
# - script echo: handlers/cat.sh (`exec cat`) under wsdev (-w, /cat), websocketd running the same
#   file, and relay (peers/relay.c: the floor for one process per connection);
# - _wsh.py echo: peers/pywebsocket3/echo_wsh.py under wsdev (a copy in the same -w folder,
#   /echo) and under pywebsocket3's standalone server;
# - stream: handlers/stream.sh prints 1000-byte lines as fast as it can to 5 clients while a
#   sixth fetches a page in a loop (lib/stream.py); then SIGTERM to wsdev with the 5 connected.
# Not $OUT/handlers: the other servers run in $OUT, and wsdev serves ./handlers when it exists, so
# every wsdev started after this group (the hold test) served these files, its /echo the Python
# bridge's (31 KB per held connection in the full runs of 2026-12-06 up to 15:00).
HANDLERS=$OUT/handler-files

# The handler files every server runs.
make_handlers() {
    mkdir -p "$HANDLERS"
    printf '#!/bin/sh\nexec cat\n' > "$HANDLERS/cat.sh"
    # 1000 × "a" per line, as fast as `yes` writes (it fills large buffers with copies of the line).
    printf '#!/bin/sh\nexec yes "$(head -c 1000 /dev/zero | tr '"'"'\\0'"'"' a)"\n' > "$HANDLERS/stream.sh"
    chmod +x "$HANDLERS/cat.sh" "$HANDLERS/stream.sh"
    cp "$HERE/peers/pywebsocket3/echo_wsh.py" "$HANDLERS/echo_wsh.py"
}

# The name a server has in the results and the table: the program, not our start-up variant.
hlabel() {
    case $1 in
        wsdev-h) echo wsdev ;; websocketd-cat | websocketd-stream) echo websocketd ;;
        relay | relay-stream) echo relay ;; *) echo "$1" ;;
    esac
}

# Every run is bounded: open (handshakes give up after 10 s), warm-up, window, the echo mode's
# 10 s wait for what is outstanding (large: --grace), the close handshakes.
HLIMIT=$((SECS + 45))

hbench() {  # hbench TEST SERVER PATH ROUND MODE [args]: one wsdev bench run, one JSON line into $RESULTS
    local test=$1 server=$2 path=$3 round=$4 mode=$5 label json rc=0
    shift 5
    label=$(hlabel "$server")
    json=$(timeout "$HLIMIT" "$WSDEV_BIN" bench "ws://127.0.0.1:$(port_of "$server")$path" --mode "$mode" --json \
        --server-pid "$(server_pid "$server")" "$@" 2>"$OUT/hbench-stderr" | tail -n1) || rc=$?
    cat "$OUT/hbench-stderr" >> "$OUT/bench-errors.log"
    if [[ $json != "{"* ]]; then
        json=$(python3 -c 'import json, sys
rc, limit, stderr = int(sys.argv[1]), sys.argv[2], sys.argv[3].strip().splitlines()
if rc == 124:
    print(json.dumps({"errors": 1, "timed_out": True, "first_error": f"no result within {limit} s: killed"}))
else:
    print(json.dumps({"errors": 1, "first_error": stderr[-1] if stderr else f"wsdev bench exited {rc}"}))' \
            "$rc" "$HLIMIT" "$(tail -n3 "$OUT/hbench-stderr")")
    fi
    printf '{"test":"%s","server":"%s","round":%s,%s\n' "$test" "$label" "$round" "${json:1}" >> "$RESULTS"
    log "$test $label #$round: $(python3 "$HERE/lib/summarize.py" brief <<< "${json}")"
}

# The four echo measurements of one endpoint, servers alternating within each measurement.
echo_set() {  # echo_set PREFIX PATH_OF_FUNCTION ROUND SERVER...
    local prefix=$1 path_of=$2 round=$3 s
    shift 3
    for s in $(rotate "$*" "$round"); do hbench "$prefix-echo" "$s" "$($path_of "$s")" "$round" echo -c 50 -s 32 --text -t "$SECS"; done
    for s in $(rotate "$*" "$round"); do hbench "$prefix-64k" "$s" "$($path_of "$s")" "$round" large -s 64K --text -t "$SECS" --grace 10; done
    for s in $(rotate "$*" "$round"); do hbench "$prefix-1m" "$s" "$($path_of "$s")" "$round" large -s 1M --text -t "$SECS" --grace 10; done
    for s in $(rotate "$*" "$round"); do
        hbench "$prefix-churn" "$s" "$($path_of "$s")" "$round" churn --lanes 8 -s 32 --text -t "$SECS" --source "$SOURCES"
        sleep 1  # handler processes of the last connections exit, TIME_WAIT settles
    done
}
cat_path() { [ "$1" = wsdev-h ] && echo /cat || echo /; }
wsh_path() { echo /echo; }
stream_path() { [ "$1" = wsdev-h ] && echo /stream || echo /; }

handlers_group() {
    make_handlers
    local servers="wsdev-h websocketd-cat relay pywebsocket3 websocketd-stream relay-stream" s round
    for s in $servers; do start_server "$s"; done
    for ((round = 1; round <= ROUNDS; round++)); do
        echo_set h-cat cat_path "$round" wsdev-h websocketd-cat relay
        echo_set h-wsh wsh_path "$round" wsdev-h pywebsocket3
        for s in $(rotate "wsdev-h websocketd-stream relay-stream" "$round"); do
            local page=""  # relay serves no pages; websocketd's file server answers /index.html with a redirect to /
            case $s in
                wsdev-h) page="http://127.0.0.1:$(port_of "$s")/index.html" ;;
                websocketd-stream) page="http://127.0.0.1:$(port_of "$s")/" ;;
            esac
            python3 "$HERE/lib/stream.py" run --bench "$WSDEV_BIN" --url "ws://127.0.0.1:$(port_of "$s")$(stream_path "$s")" \
                --server-pid "$(server_pid "$s")" --seconds "$SECS" --clients 5 --size 1000 --page "$page" \
                --test h-stream --server "$(hlabel "$s")" --round "$round" --limit "$HLIMIT" >> "$RESULTS"
            log "h-stream $(hlabel "$s") #$round: $(tail -n1 "$RESULTS" | python3 "$HERE/lib/summarize.py" brief)"
        done
    done
    # SIGTERM with 5 flooding clients connected, to a fresh wsdev: how long it takes to exit, and
    # whether any handler process outlives it.
    stop_server wsdev-h
    start_server wsdev-h
    python3 "$HERE/lib/stream.py" sigterm --bench "$WSDEV_BIN" --url "ws://127.0.0.1:$(port_of wsdev-h)/stream" \
        --server-pid "$(server_pid wsdev-h)" --clients 5 --size 1000 --test h-sigterm --server wsdev >> "$RESULTS"
    log "h-sigterm wsdev: $(tail -n1 "$RESULTS")"
    stop_all
}
