#!/usr/bin/env python3
"""Churn on the soak's shared rooms: /chat (built in) and a `# wsdev: broadcast` script.

    rooms.py PORT SECONDS [CLIENTS]

CLIENTS threads (default 4) per room, each for SECONDS: connect, send a few numbered lines,
read until its own last line comes back through the room, close, and again. Prints one JSON
line: cycles, messages seen, errors (first one quoted). Stops by itself; exits 1 if no cycle
completed at all (the server is gone or the room never echoes). Uses the `websockets` package
(Benchmarks/lib/install.sh puts it in ~/.cache/wsdev/bench-venv)."""
import json
import sys
import threading
import time

from websockets.sync.client import connect

TIMEOUT = 10


def member(url, name, deadline, tally, lock):
    cycle = 0
    while time.monotonic() < deadline:
        cycle += 1
        try:
            with connect(url, open_timeout=TIMEOUT, close_timeout=TIMEOUT) as ws:
                last = ""
                for n in range(3):
                    last = f"{name}-{cycle}-{n}"
                    ws.send(last)
                seen = 0
                while True:
                    message = ws.recv(timeout=TIMEOUT)
                    seen += 1
                    # /chat wraps nothing and adds join/leave notices; the script room echoes lines.
                    if isinstance(message, str) and message.endswith(last):
                        break
            with lock:
                tally["cycles"] += 1
                tally["seen"] += seen
        except Exception as error:  # noqa: BLE001 - every failure is counted, the soak goes on
            with lock:
                tally["errors"] += 1
                tally.setdefault("first_error", f"{url}: {type(error).__name__}: {error}")
            time.sleep(0.5)


def main():
    port, seconds = int(sys.argv[1]), float(sys.argv[2])
    clients = int(sys.argv[3]) if len(sys.argv) > 3 else 4
    deadline = time.monotonic() + seconds
    tally, lock = {"cycles": 0, "seen": 0, "errors": 0}, threading.Lock()
    threads = [threading.Thread(target=member, args=(f"ws://127.0.0.1:{port}{path}", f"{path[1:]}{i}", deadline, tally, lock))
               for path in ("/chat", "/room") for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print(json.dumps(tally))
    sys.exit(0 if tally["cycles"] > 0 else 1)


if __name__ == "__main__":
    main()
