#!/usr/bin/env bash
# Install the Autobahn|Testsuite (wstest) into its own Python 2.7 virtualenv.
#
#   Tests/autobahn/setup.sh [-q]
#
# Idempotent: when the env already has a working wstest it returns in well
# under a second. The last line on stdout is always the absolute path of
# wstest; progress goes to stderr (-q keeps stderr to one notice line),
# pip's output goes to $ROOT/setup.log.
#
# Layout under ${WSDEV_CACHE:-$HOME/.cache/wsdev}/autobahn:
#   venv/       the virtualenv (made from CPython 2.7) holding wstest
#   wheels/     wheelhouse built once from PyPI; later (re)installs are offline
#   bootstrap/  virtualenv 16.7.12, pip-installed with --target (only if the
#               interpreter has no virtualenv module of its own)
#
# Environment:
#   WSDEV_CACHE     cache root (default ~/.cache/wsdev)
#   WSDEV_PYTHON27  a CPython 2.7 interpreter to use instead of the pyenv one
#   PYENV_ROOT      where pyenv lives (default ~/.pyenv)
set -euo pipefail

QUIET=0
for arg in "$@"; do
    case "$arg" in
        -q|--quiet) QUIET=1 ;;
        -h|--help) sed -n '2,21p' "$0"; exit 0 ;;
        *) echo "setup.sh: unknown argument: $arg" >&2; exit 2 ;;
    esac
done

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REQS="$HERE/requirements-py27.txt"
CACHE="${WSDEV_CACHE:-$HOME/.cache/wsdev}"
ROOT="$CACHE/autobahn"
VENV="$ROOT/venv"
WHEELS="$ROOT/wheels"
BOOT="$ROOT/bootstrap"
STAMP="$VENV/.wsdev-setup-ok"
LOG="$ROOT/setup.log"
WSTEST="$VENV/bin/wstest"

# Versions pinned for the env's own tooling (the 2.7 interpreter's bundled pip
# 19.2.3 is too old for some wheels; these are the last that support 2.7).
PIP_PIN="pip==20.3.4"
SETUPTOOLS_PIN="setuptools==44.1.1"
WHEEL_PIN="wheel==0.37.1"
VIRTUALENV_PIN="virtualenv==16.7.12"

say() { [ "$QUIET" = 1 ] || echo "autobahn setup: $*" >&2; }
die() { echo "autobahn setup: ERROR: $*" >&2; exit 1; }

# The stamp records what the env was built from; a change means rebuild.
stamp_value() {
    local sum
    sum="$(cksum < "$REQS" | cut -d' ' -f1)"
    echo "reqs=$sum pins=$PIP_PIN,$SETUPTOOLS_PIN,$WHEEL_PIN"
}

wstest_works() {
    [ -x "$WSTEST" ] && [ -x "$VENV/bin/python" ] || return 1
    # `wstest -a` imports autobahn + the testsuite (~0.3 s); --help is slower.
    "$WSTEST" -a 2>/dev/null | grep -q '^AutobahnTestSuite ' || return 1
}

# ---- fast path -----------------------------------------------------------
if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$(stamp_value)" ] && wstest_works; then
    echo "$WSTEST"
    exit 0
fi

# Don't let the caller's Python/pip settings leak into the env's build.
unset PYTHONPATH PYTHONHOME PIP_USER PIP_TARGET PIP_PREFIX PIP_REQUIRE_VIRTUALENV \
      PIP_NO_INDEX PIP_INDEX_URL PIP_EXTRA_INDEX_URL PIP_CONSTRAINT PIP_REQUIREMENT VIRTUAL_ENV || true
export PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONWARNINGS=ignore

mkdir -p "$ROOT"

# ---- serialize concurrent setups ----------------------------------------
if command -v flock >/dev/null 2>&1; then
    exec 9>"$ROOT/.lock"
    flock 9
    # Someone else may have finished the job while we waited.
    if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$(stamp_value)" ] && wstest_works; then
        echo "$WSTEST"
        exit 0
    fi
fi

: > "$LOG"
START=$(date +%s)

try_logged() {
    # Run a command with its output going to the log only.
    echo "+ $*" >> "$LOG"
    "$@" >> "$LOG" 2>&1
}
run_logged() {
    # Same, but on failure show the log's tail.
    if ! try_logged "$@"; then
        echo "autobahn setup: command failed: $*" >&2
        echo "---- last lines of $LOG ----" >&2
        tail -n 40 "$LOG" >&2
        return 1
    fi
}

# ---- find CPython 2.7 ----------------------------------------------------
is_py27() {
    [ -n "$1" ] && [ -x "$1" ] || return 1
    "$1" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (2, 7) else 1)' 2>/dev/null
}

find_python27() {
    local cand pyenv_root ver
    if [ -n "${WSDEV_PYTHON27:-}" ]; then
        echo "$WSDEV_PYTHON27"; return 0
    fi
    pyenv_root="${PYENV_ROOT:-$HOME/.pyenv}"
    cand="$pyenv_root/versions/2.7.18/bin/python2.7"
    if is_py27 "$cand"; then echo "$cand"; return 0; fi
    # Ask pyenv (it may live elsewhere, or have another 2.7.x).
    if command -v pyenv >/dev/null 2>&1; then
        pyenv_root="$(pyenv root 2>/dev/null || echo "$pyenv_root")"
        for ver in $(pyenv versions --bare 2>/dev/null | grep -E '^2\.7(\.[0-9]+)?$' | sort -t. -k3,3nr); do
            cand="$pyenv_root/versions/$ver/bin/python2.7"
            if is_py27 "$cand"; then echo "$cand"; return 0; fi
        done
    fi
    # A system python2.7 (not on current Debian, but maybe elsewhere).
    cand="$(command -v python2.7 2>/dev/null || true)"
    if is_py27 "$cand"; then echo "$cand"; return 0; fi
    return 1
}

PY="$(find_python27)" || die "no Python 2.7 interpreter found.
  The Autobahn|Testsuite (PyPI autobahntestsuite 25.10.1) runs only on Python 2.7.
  Looked in: \${WSDEV_PYTHON27}, ${PYENV_ROOT:-$HOME/.pyenv}/versions/2.7.18, 'pyenv versions', python2.7 on PATH.
  Install one with pyenv (Debian build deps first):
    apt-get install -y build-essential libssl-dev zlib1g-dev libbz2-dev libreadline-dev \\
        libsqlite3-dev libffi-dev libncursesw5-dev liblzma-dev
    pyenv install 2.7.18
  or point WSDEV_PYTHON27 at an existing CPython 2.7 (it needs the ssl module to reach PyPI)."
is_py27 "$PY" || die "$PY (from WSDEV_PYTHON27) is not a working Python 2.7 interpreter"
echo "autobahn setup: installing Autobahn|Testsuite into $VENV (first time: about 40 s; log: $LOG)" >&2
say "using $PY"

# ---- virtualenv ----------------------------------------------------------
make_venv() {
    if "$PY" -c 'import virtualenv' >/dev/null 2>&1; then
        run_logged "$PY" -m virtualenv --no-download -p "$PY" "$VENV"
        return
    fi
    if ! PYTHONPATH="$BOOT" "$PY" -c 'import virtualenv' >/dev/null 2>&1; then
        say "bootstrapping $VIRTUALENV_PIN into $BOOT"
        "$PY" -m pip --version >/dev/null 2>&1 || die "$PY has no pip; run: $PY -m ensurepip"
        "$PY" -c 'import ssl' 2>/dev/null || die "$PY was built without the ssl module, so pip can't reach PyPI; rebuild it after: apt-get install libssl-dev"
        rm -rf "$BOOT"
        run_logged "$PY" -m pip install --disable-pip-version-check \
            --no-cache-dir --target "$BOOT" "$VIRTUALENV_PIN"
    fi
    run_logged env PYTHONPATH="$BOOT" "$PY" -m virtualenv --no-download -p "$PY" "$VENV"
}

say "creating virtualenv $VENV"
rm -rf "$VENV"
make_venv
VPY="$VENV/bin/python"
[ -x "$VPY" ] || die "virtualenv creation did not produce $VPY (see $LOG)"

vpip() { run_logged "$VPY" -m pip --no-python-version-warning "$@"; }
vpip_try() { try_logged "$VPY" -m pip --no-python-version-warning "$@"; }

# ---- pip tooling ---------------------------------------------------------
# Bundled wheels in virtualenv 16.7.12 already give pip 20.3.4 / setuptools
# 44.1.1; only wheel needs fetching. Prefer the wheelhouse when it has them.
mkdir -p "$WHEELS"
if ! vpip_try install --no-index --find-links "$WHEELS" -U "$PIP_PIN" "$SETUPTOOLS_PIN" "$WHEEL_PIN"; then
    say "upgrading pip/setuptools/wheel from PyPI"
    vpip install -U "$PIP_PIN" "$SETUPTOOLS_PIN" "$WHEEL_PIN"
    vpip download --no-deps -d "$WHEELS" "$PIP_PIN" "$SETUPTOOLS_PIN" "$WHEEL_PIN" || true
fi

# ---- the suite -----------------------------------------------------------
if vpip_try install --no-index --find-links "$WHEELS" -r "$REQS"; then
    say "installed from wheelhouse $WHEELS"
else
    say "building wheelhouse from PyPI (compiles wsaccel; needs gcc + Python headers)"
    vpip wheel -w "$WHEELS" --find-links "$WHEELS" -r "$REQS" \
        || die "building wheels failed (see $LOG). On Debian: apt-get install -y build-essential"
    vpip install --no-index --find-links "$WHEELS" -r "$REQS" || die "install from wheelhouse failed (see $LOG)"
fi

wstest_works || die "wstest was installed but '$WSTEST -a' does not work (see $LOG)"
stamp_value > "$STAMP"
say "done in $(( $(date +%s) - START )) s: $("$WSTEST" -a 2>/dev/null | tr '\n' ' ')"
echo "$WSTEST"
