"""The stream part of the handlers group: a handler that prints as fast as it can, read by N clients.

    stream.py run --bench WSDEV --url WS --server-pid PID --seconds S [--page HTTP] ...
        `wsdev bench WS --mode stream` (N clients reading everything for a warm-up and S seconds)
        while, with --page, a further client GETs that page in a loop on one keep-alive connection,
        one request every 10 ms (or as soon as the previous answer came, if later: paced, so that
        the client does not take a core from the server it measures); each request is timed, one
        that takes over 5 s is given up and counted as failed; prints one JSON line: the bench's
        figures plus the GETs' count, p50, p99, max and failures.

    stream.py sigterm --bench WSDEV --url WS --server-pid PID ...
        N clients connected and reading; once the server has N handler processes (or after 3 s)
        and one more second, SIGTERM to the server; prints how long it took to exit (polled every
        2 ms; a zombie counts as exited) and which of its handler processes, or processes in their
        sessions or process groups, were still alive when it exited and 2 s later. A server still
        running after 10 s is killed (SIGKILL, "killed": true) and what that leaves is reported.
        Whatever is left is then killed (by PID, start time checked).
"""
import argparse
import http.client
import json
import os
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse


def proc_stat(pid):
    """(state, ppid, pgid, sid, starttime, comm) from /proc/PID/stat, or None when it is gone."""
    try:
        text = open(f"/proc/{pid}/stat").read()
    except OSError:
        return None
    comm = text[text.index("(") + 1:text.rindex(")")]
    fields = text[text.rindex(")") + 2:].split()
    return fields[0], int(fields[1]), int(fields[2]), int(fields[3]), int(fields[19]), comm


def alive(pid, starttime=None):
    stat = proc_stat(pid)
    return stat is not None and stat[0] != "Z" and (starttime is None or stat[4] == starttime)


def descendants(pid):
    out, queue = [], [pid]
    while queue:
        parent = queue.pop()
        try:
            tasks = os.listdir(f"/proc/{parent}/task")
        except OSError:
            continue
        for task in tasks:
            try:
                children = [int(c) for c in open(f"/proc/{parent}/task/{task}/children").read().split()]
            except OSError:
                continue
            out += children
            queue += children
    return out


class PageLoop(threading.Thread):
    """GETs one page in a loop on a keep-alive connection until stopped, timing each request."""

    def __init__(self, url, timeout=5.0, interval=0.01):
        super().__init__(daemon=True)
        parts = urllib.parse.urlsplit(url)
        self.host, self.port, self.path = parts.hostname, parts.port, parts.path or "/"
        self.timeout, self.interval = timeout, interval
        self.latencies, self.failures, self.first_failure = [], 0, None
        self.done = threading.Event()

    def run(self):
        connection = None
        while not self.done.is_set():
            began = time.perf_counter()
            try:
                if connection is None:
                    connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
                connection.request("GET", self.path)
                response = connection.getresponse()
                body = response.read()
                if response.status != 200 or not body:
                    raise RuntimeError(f"HTTP {response.status}, {len(body)} bytes")
                self.latencies.append(time.perf_counter() - began)
                self.done.wait(max(0.0, began + self.interval - time.perf_counter()))
            except Exception as error:  # a timeout, a refused or reset connection, a bad answer
                self.latencies.append(time.perf_counter() - began)
                self.failures += 1
                self.first_failure = self.first_failure or f"{type(error).__name__}: {error}"
                if connection is not None:
                    connection.close()
                connection = None
                self.done.wait(self.interval)

    def summary(self):
        values = sorted(self.latencies)
        if not values:
            return {"get_requests": 0, "get_failures": self.failures}
        pick = lambda q: values[min(len(values) - 1, int(q * len(values)))]
        result = {"get_requests": len(values), "get_failures": self.failures,
                  "get_p50_ms": round(statistics.median(values) * 1000, 2), "get_p99_ms": round(pick(0.99) * 1000, 2),
                  "get_max_ms": round(values[-1] * 1000, 2)}
        if self.first_failure:
            result["get_first_failure"] = self.first_failure
        return result


def bench_command(args, seconds, warmup):
    return [args.bench, "bench", args.url, "--mode", "stream", "-c", str(args.clients), "-s", str(args.size),
            "--text", "-t", str(seconds), "--warmup", str(warmup), "--json", "--server-pid", str(args.server_pid)]


def run(args):
    page = PageLoop(args.page) if args.page else None
    if page:
        page.start()
    try:
        done = subprocess.run(bench_command(args, args.seconds, 1), capture_output=True, text=True, timeout=args.limit)
        lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
        result = json.loads(lines[-1]) if lines else {
            "errors": 1, "first_error": (done.stderr.strip().splitlines() or [f"wsdev bench exited {done.returncode}"])[-1]}
    except subprocess.TimeoutExpired:
        result = {"errors": 1, "timed_out": True, "first_error": f"no result within {args.limit} s: killed"}
    if page:
        page.done.set()
        page.join(page.timeout + 1)
        result.update(page.summary())
    print(json.dumps({"test": args.test, "server": args.server, "round": args.round, **result}))


def sigterm(args):
    server = args.server_pid
    # Long enough that the clients are still there when the signal comes; killed afterwards.
    clients = subprocess.Popen(bench_command(args, 60, 0), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    result = {"test": args.test, "server": args.server, "round": 1, "clients": args.clients, "errors": 0}
    try:
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline and len(descendants(server)) < args.clients:
            time.sleep(0.02)
        time.sleep(1)  # the handlers flood for a second
        own = proc_stat(server)
        handlers = {pid: proc_stat(pid) for pid in descendants(server)}
        handlers = {pid: stat for pid, stat in handlers.items() if stat}
        result["handlers_before"] = len(handlers)
        # Sessions and process groups of the handlers, unless they are the server's own.
        groups = {stat[2] for stat in handlers.values()} | {stat[3] for stat in handlers.values()}
        groups -= {own[2], own[3]} if own else set()
        began = time.monotonic()
        os.kill(server, signal.SIGTERM)
        while alive(server) and time.monotonic() - began < 10:
            time.sleep(0.002)
        exited = not alive(server)
        result["exited"] = exited
        result["exit_seconds"] = round(time.monotonic() - began, 3) if exited else None
        if not exited:  # what is left behind is then what a SIGKILL leaves
            os.kill(server, signal.SIGKILL)
            while alive(server) and time.monotonic() - began < 12:
                time.sleep(0.002)
            result["killed"] = True

        def left():
            found = {pid: stat for pid, stat in handlers.items() if alive(pid, stat[4])}
            for name in os.listdir("/proc"):
                if name.isdigit() and int(name) not in found and int(name) != server:
                    stat = proc_stat(int(name))
                    if stat and stat[0] != "Z" and (stat[2] in groups or stat[3] in groups):
                        found[int(name)] = stat
            return found

        at_exit = left()
        time.sleep(2)
        later = left()
        result["left_at_exit"] = len(at_exit)
        result["left_after_2s"] = len(later)
        result["left"] = [{"pid": pid, "comm": stat[5], "ppid": (proc_stat(pid) or stat)[1]} for pid, stat in later.items()]
        for pid, stat in later.items():
            if alive(pid, stat[4]):
                os.kill(pid, signal.SIGKILL)
    finally:
        clients.kill()
        clients.wait()
    print(json.dumps(result))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("command", choices=["run", "sigterm"])
    parser.add_argument("--bench", required=True)
    parser.add_argument("--url", required=True)
    parser.add_argument("--server-pid", type=int, required=True)
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--clients", type=int, default=5)
    parser.add_argument("--size", type=int, default=1000)
    parser.add_argument("--page", default="")
    parser.add_argument("--test", default="h-stream")
    parser.add_argument("--server", default="wsdev")
    parser.add_argument("--round", type=int, default=1)
    parser.add_argument("--limit", type=float, default=60)
    args = parser.parse_args()
    {"run": run, "sigterm": sigterm}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
