"""Startup to listening, and RSS at rest, of a server command.

    python3 startup.py PORT RUNS -- COMMAND...

Starts COMMAND RUNS times; each time measures from just before exec until a TCP connect to
127.0.0.1:PORT succeeds (polled every 0.2 ms), waits a second, reads VmRSS from /proc, then
stops it with SIGTERM. Prints one JSON line with the medians and every sample.
"""
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import time


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return None


def once(port, command):
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = started + 10
        while True:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            if time.perf_counter() > deadline or process.poll() is not None:
                raise SystemExit(f"{command[0]} did not listen on {port}")
            time.sleep(0.0002)
        ready = (time.perf_counter() - started) * 1000
        time.sleep(1)
        return ready, rss_kib(process.pid)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def main():
    port, runs = int(sys.argv[1]), int(sys.argv[2])
    command = sys.argv[sys.argv.index("--") + 1:]
    samples = [once(port, command) for _ in range(runs)]
    times = [round(t, 2) for t, _ in samples]
    rss = [r for _, r in samples if r is not None]
    print(json.dumps({
        "startup_ms": round(statistics.median(times), 2),
        "startup_ms_min": min(times),
        "startup_ms_all": times,
        "rss_rest_kib": int(statistics.median(rss)) if rss else None,
    }))


if __name__ == "__main__":
    main()
