# Starting, probing and stopping the servers under test. Sourced by Benchmarks/run, which sets
# BASE_PORT, OUT, SITE, VENV, WSDEV_BIN, NIO_ECHO_BIN, HERE and (handlers group) HANDLERS.
# Everything listens on 127.0.0.1 only.
declare -A PIDS=()

port_of() {
    case $1 in
        wsdev) echo $((BASE_PORT + 1)) ;; nginx) echo $((BASE_PORT + 2)) ;; caddy) echo $((BASE_PORT + 3)) ;;
        pywebsocket3) echo $((BASE_PORT + 4)) ;; websocketd) echo $((BASE_PORT + 5)) ;;
        websockets) echo $((BASE_PORT + 6)) ;; c-echo) echo $((BASE_PORT + 7)) ;; wsdev-1loop) echo $((BASE_PORT + 8)) ;;
        nio-echo) echo $((BASE_PORT + 9)) ;; nio-echo-1loop) echo $((BASE_PORT + 10)) ;;
        wsdev-h) echo $((BASE_PORT + 11)) ;; websocketd-cat) echo $((BASE_PORT + 12)) ;; relay) echo $((BASE_PORT + 13)) ;;
        websocketd-stream) echo $((BASE_PORT + 14)) ;; relay-stream) echo $((BASE_PORT + 15)) ;;
        *) echo "unknown server $1" >&2; return 1 ;;
    esac
}
http_url() { echo "http://127.0.0.1:$(port_of "$1")"; }
ws_url() { echo "ws://127.0.0.1:$(port_of "$1")/echo"; }
server_pid() { echo "${PIDS[$1]}"; }

nginx_conf() {
    mkdir -p "$OUT/nginx/tmp"
    cat > "$OUT/nginx/nginx.conf" <<CONF
worker_processes 2;
worker_rlimit_nofile 65536;
daemon off;
pid $OUT/nginx/nginx.pid;
error_log $OUT/nginx/error.log warn;
events { worker_connections 20000; }
http {
    include /etc/nginx/mime.types;
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    client_body_temp_path $OUT/nginx/tmp;
    proxy_temp_path $OUT/nginx/tmp;
    fastcgi_temp_path $OUT/nginx/tmp;
    uwsgi_temp_path $OUT/nginx/tmp;
    scgi_temp_path $OUT/nginx/tmp;
    server {
        listen 127.0.0.1:$(port_of nginx);
        root $SITE;
    }
}
CONF
    echo "$OUT/nginx/nginx.conf"
}

start_server() {
    local name=$1 port
    port=$(port_of "$name")
    case $name in
        wsdev) "$WSDEV_BIN" serve "$SITE" -p "$port" --host 127.0.0.1 --quiet --no-reload >"$OUT/$name.log" 2>&1 & ;;
        wsdev-1loop) "$WSDEV_BIN" serve "$SITE" -p "$port" --host 127.0.0.1 --quiet --no-reload --threads 1 >"$OUT/$name.log" 2>&1 & ;;
        nginx) /usr/sbin/nginx -c "$(nginx_conf)" -e "$OUT/nginx/error.log" >"$OUT/$name.log" 2>&1 & ;;
        caddy) XDG_DATA_HOME=$OUT/caddy XDG_CONFIG_HOME=$OUT/caddy \
            caddy file-server --root "$SITE" --listen "127.0.0.1:$port" >"$OUT/$name.log" 2>&1 & ;;
        pywebsocket3) "$VENV/bin/python" -m pywebsocket3.standalone -H 127.0.0.1 -p "$port" \
            -w "$HERE/peers/pywebsocket3" -d "$SITE" --log-level error >"$OUT/$name.log" 2>&1 & ;;
        websocketd) websocketd --address=127.0.0.1 --port="$port" --loglevel=fatal cat >"$OUT/$name.log" 2>&1 & ;;
        websockets) "$VENV/bin/python" "$HERE/peers/websockets_echo.py" "$port" >"$OUT/$name.log" 2>&1 & ;;
        c-echo) "$OUT/echo-server" "$port" 2 >"$OUT/$name.log" 2>&1 & ;;
        nio-echo) "$NIO_ECHO_BIN" "$port" 2 >"$OUT/$name.log" 2>&1 & ;;
        nio-echo-1loop) "$NIO_ECHO_BIN" "$port" 1 >"$OUT/$name.log" 2>&1 & ;;
        # The handlers group (lib/handlers.sh): the same handler files under each server.
        wsdev-h) "$WSDEV_BIN" serve "$SITE" -w "$HANDLERS" -p "$port" --host 127.0.0.1 --quiet --no-reload >"$OUT/$name.log" 2>&1 & ;;
        websocketd-cat) (cd "$HANDLERS" && exec websocketd --address=127.0.0.1 --port="$port" --loglevel=fatal ./cat.sh) >"$OUT/$name.log" 2>&1 & ;;
        websocketd-stream) (cd "$HANDLERS" && exec websocketd --address=127.0.0.1 --port="$port" --loglevel=fatal \
            --staticdir="$SITE" ./stream.sh) >"$OUT/$name.log" 2>&1 & ;;
        relay) (cd "$HANDLERS" && exec "$OUT/relay" "$port" ./cat.sh 2) >"$OUT/$name.log" 2>&1 & ;;
        relay-stream) (cd "$HANDLERS" && exec "$OUT/relay" "$port" ./stream.sh 2) >"$OUT/$name.log" 2>&1 & ;;
    esac
    PIDS[$name]=$!
    local deadline=$((SECONDS + 15))
    until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
        if ! kill -0 "${PIDS[$name]}" 2>/dev/null || [ $SECONDS -gt $deadline ]; then
            echo "$name did not start on port $port; its log:" >&2
            cat "$OUT/$name.log" >&2
            return 1
        fi
        sleep 0.05
    done
}

descendants() {  # every descendant PID of $1
    local child
    for child in $(cat /proc/"$1"/task/*/children 2>/dev/null); do echo "$child"; descendants "$child"; done
}

stop_server() {
    local name=$1 pid=${PIDS[$1]:-}
    [ -n "$pid" ] || return 0
    local family
    family="$pid $(descendants "$pid" | tr '\n' ' ')"
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    # shellcheck disable=SC2086
    kill -KILL $family 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    unset "PIDS[$name]"
}

stop_all() {
    local name
    for name in "${!PIDS[@]}"; do stop_server "$name"; done
}

tree_kib() {  # tree_kib PID FIELD: FIELD (VmRSS, VmHWM) of PID and its descendants, in KiB
    local total=0 pid value
    for pid in $1 $(descendants "$1"); do
        value=$(awk -v f="$2:" '$1 == f { print $2 }' /proc/"$pid"/status 2>/dev/null || true)
        total=$((total + ${value:-0}))
    done
    echo "$total"
}

check_static() {  # each file must come back 200 with its exact size, or the run stops
    local name=$1 file
    shift
    for file in "$@"; do
        python3 - "$(http_url "$name")/$file" "$SITE/$file" <<'PY' || { echo "$name serves $file wrongly" >&2; return 1; }
import sys, urllib.request
body = urllib.request.urlopen(sys.argv[1], timeout=10).read()
sys.exit(0 if body == open(sys.argv[2], "rb").read() else 1)
PY
    done
}
