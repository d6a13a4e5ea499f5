#!/usr/bin/env bash
# Installs what Benchmarks/run needs and is missing: Debian packages (wrk, nginx-light, caddy,
# websocketd, gcc, the static archives Release/build links) and a venv with pywebsocket3 and websockets under $WSDEV_CACHE/bench-venv.
set -euo pipefail
CACHE=${WSDEV_CACHE:-$HOME/.cache/wsdev}
VENV=$CACHE/bench-venv
PYWEBSOCKET3_VERSION=4.0.2
WEBSOCKETS_VERSION=17.4

sudo_() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

missing=()
command -v wrk >/dev/null || missing+=(wrk)
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx-light)
command -v caddy >/dev/null || missing+=(caddy)
command -v websocketd >/dev/null || missing+=(websocketd)
command -v cc >/dev/null || missing+=(gcc)
for dev in libmagic-dev:libmagic.a zlib1g-dev:libz.a libbz2-dev:libbz2.a liblzma-dev:liblzma.a; do
    [ -f "/usr/lib/$(uname -m)-linux-gnu/${dev#*:}" ] || missing+=("${dev%%:*}")
done
command -v python3 >/dev/null || missing+=(python3 python3-venv)
if [ ${#missing[@]} -gt 0 ]; then
    echo "installing ${missing[*]} (Debian)" >&2
    sudo_ apt-get update -qq
    DEBIAN_FRONTEND=noninteractive sudo_ apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    # Debian starts nginx (and caddy) as services on install where systemd runs; the benchmark
    # starts its own on loopback, so stop any that came up.
    sudo_ systemctl stop nginx caddy 2>/dev/null || true
fi

if ! "$VENV/bin/python" -c "import pywebsocket3, websockets" 2>/dev/null; then
    echo "installing pywebsocket3==$PYWEBSOCKET3_VERSION websockets==$WEBSOCKETS_VERSION into $VENV" >&2
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q "pywebsocket3==$PYWEBSOCKET3_VERSION" "websockets==$WEBSOCKETS_VERSION"
fi
