"""Benchmark results: wrk output to JSON, one-line summaries, and the Markdown table.

    summarize.py wrk TEST SERVER ROUND < wrk-output   -> one JSON line
    summarize.py brief < json-line                     -> a short human summary
    summarize.py table results.jsonl                   -> the table, medians and same-run ratios

The handlers group's section (issue 17) is written by handlers_section(), below the others.
"""
import json
import re
import statistics
import sys
from collections import defaultdict

PEERS_WS = ["pywebsocket3", "websocketd", "websockets"]
PEERS_STATIC = ["nginx", "caddy"]
UNITS = {"us": 1e-3, "ms": 1, "s": 1000}
SIZE = {"B": 1, "KB": 1 << 10, "MB": 1 << 20, "GB": 1 << 30}


def wrk(test, server, round_):
    text = sys.stdin.read()
    result = {"test": test, "server": server, "round": int(round_)}
    if m := re.search(r"Requests/sec:\s+([\d.]+)", text):
        result["rps"] = float(m.group(1))
    if m := re.search(r"Transfer/sec:\s+([\d.]+)(\w+)", text):
        result["mb_per_second"] = round(float(m.group(1)) * SIZE.get(m.group(2), 1) / 1e6, 1)
    for pct in ("50", "99"):
        if m := re.search(rf"^\s+{pct}%\s+([\d.]+)(us|ms|s)", text, re.M):
            result[f"p{pct}_ms"] = round(float(m.group(1)) * UNITS[m.group(2)], 3)
    errors = 0
    if m := re.search(r"Non-2xx or 3xx responses: (\d+)", text):
        errors += int(m.group(1))
    if m := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text):
        errors += sum(int(g) for g in m.groups())
    result["errors"] = errors
    if "rps" not in result:
        result["errors"] = max(1, errors)
        result["first_error"] = text.strip().splitlines()[-1] if text.strip() else "wrk printed nothing"
    print(json.dumps(result))


def brief():
    r = json.loads(sys.stdin.read() or "{}")
    parts = []
    for key, fmt in [("rps", "{:.0f} req/s"), ("msgs_per_second", "{:.2f} msg/s" if r.get("mode") == "large" else "{:.0f} msg/s"), ("mb_per_second", "{:.1f} MB/s"),
                     ("p50_us", "p50 {:.1f} µs"), ("p99_us", "p99 {:.1f} µs"), ("connections_per_second", "{:.0f} conn/s"),
                     ("answered", "{} answered"), ("server_rss_per_conn_kb", "{:.2f} KB/conn")]:
        if r.get(key) is not None and not (key == "mb_per_second" and "msgs_per_second" in r and r.get("mode") not in ("bulk", "large", "stream")):
            parts.append(fmt.format(r[key]))
    for key, fmt in [("slowest_mb_per_second", "slowest client {:.1f} MB/s"), ("server_own_cpu_seconds", "server process CPU {:.2f} s"),
                     ("get_p99_ms", "GET p99 {:.1f} ms"), ("get_failures", "{} GETs failed"), ("exit_seconds", "exited in {:.3f} s"),
                     ("left_after_2s", "{} handler processes left")]:
        if r.get(key) is not None:
            parts.append(fmt.format(r[key]))
    if r.get("timed_out"):
        parts.append("timed out")
    bad = (r.get("errors") or 0) + (r.get("mismatches") or 0)
    if bad:
        parts.append(f"{r.get('errors', 0)} errors, {r.get('mismatches', 0)} mismatches: {r.get('first_mismatch') or r.get('first_error')}")
    print(", ".join(parts) or "no result")


def load(path):
    rows = defaultdict(list)
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line:
                r = json.loads(line)
                rows[(r["test"], r["server"])].append(r)
    return rows


def clean(r):
    return not (r.get("errors") or r.get("mismatches"))


def median(rows, key):
    values = [r[key] for r in rows if clean(r) and r.get(key) is not None]
    return statistics.median(values) if values else None


def ratio(rows, test, key, peers, lower_is_better=False):
    """Median over rounds of wsdev ÷ the best peer of the same round."""
    by_round = defaultdict(dict)
    for server in ["wsdev"] + peers:
        for r in rows.get((test, server), []):
            if clean(r) and r.get(key) is not None:
                by_round[r["round"]][server] = r[key]
    ratios, best_names = [], []
    for values in by_round.values():
        peer_values = {s: v for s, v in values.items() if s != "wsdev" and v}
        if "wsdev" not in values or not peer_values:
            continue
        best = (min if lower_is_better else max)(peer_values, key=peer_values.get)
        ratios.append(values["wsdev"] / peer_values[best])
        best_names.append(best)
    if not ratios:
        return None, None
    return statistics.median(ratios), max(set(best_names), key=best_names.count)


def fmt(value, spec="{:,.0f}"):
    return "—" if value is None else spec.format(value)


def cell(rows, test, server, key, spec="{:,.0f}"):
    runs = rows.get((test, server), [])
    if not runs:
        return "n/a"
    value = median(runs, key)
    failed = [r for r in runs if not clean(r)]
    note = f" ({len(failed)}/{len(runs)} runs failed)" if failed else ""
    return fmt(value, spec) + note


def table(path):
    rows = load(path)
    out = []
    targets = []

    static_tests = [("static-index.html", "1 KiB HTML"), ("static-app.js", "100 KiB JS"), ("static-big.bin", "10 MiB binary")]
    if any(rows.get((t, "wsdev")) for t, _ in static_tests):
        out += ["### Static files (wrk -t2 -c50, -c10 for 10 MiB; requests/s, median of rounds)", "",
                "| file | wsdev | nginx | caddy | wsdev ÷ nginx | wsdev ÷ best peer |", "| --- | ---: | ---: | ---: | ---: | ---: |"]
        for test, label in static_tests:
            vs_nginx, _ = ratio(rows, test, "rps", ["nginx"])
            vs_best, best = ratio(rows, test, "rps", PEERS_STATIC)
            extra = ""
            if test == "static-big.bin":
                extra = " (" + " / ".join(cell(rows, test, s, "mb_per_second") for s in ["wsdev", "nginx", "caddy"]) + " MB/s)"
            out.append(f"| {label}{extra} | {cell(rows, test, 'wsdev', 'rps')} | {cell(rows, test, 'nginx', 'rps')} | "
                       f"{cell(rows, test, 'caddy', 'rps')} | {fmt(vs_nginx, '{:.2f}×')} | {fmt(vs_best, '{:.2f}×')} ({best or '—'}) |")
            if test == "static-index.html":
                targets.append(("Static 1 KiB ≥ 0.6× nginx", fmt(vs_nginx, "{:.2f}×"), vs_nginx is not None and vs_nginx >= 0.6))
        out.append("")

    servers = ["wsdev"] + PEERS_WS + ["c-echo"] + (["nio-echo"] if rows.get(("echo", "nio-echo")) else [])
    if any(rows.get((t, "wsdev")) for t in ("echo", "latency", "bulk")):
        out += ["### WebSocket echo (wsdev bench; medians of rounds; c-echo = trivial C server, the generator's ceiling; "
                "nio-echo = trivial SwiftNIO server, the library's floor)", "",
                "| test | " + " | ".join(servers) + " | wsdev ÷ best peer |", "| --- |" + " ---: |" * (len(servers) + 1)]
        lines = [("echo", "50 conns × 32 B text, msg/s", "msgs_per_second", "{:,.0f}", False),
                 ("echo", "  … p50 µs", "p50_us", "{:,.0f}", True),
                 ("echo", "  … p99 µs", "p99_us", "{:,.0f}", True),
                 ("latency", "1 conn, p50 µs", "p50_us", "{:.1f}", True),
                 ("latency", "1 conn, p99 µs", "p99_us", "{:.1f}", True),
                 ("latency", "1 conn, p99.9 µs", "p999_us", "{:.1f}", True),
                 ("bulk", "10 conns × 64 KiB binary, MB/s", "mb_per_second", "{:,.0f}", False),
                 ("echo", "server CPU µs/msg (echo)", "server_cpu_us_per_msg", "{:.1f}", True),
                 ("echo", "generator CPU µs/msg (echo)", "client_cpu_us_per_msg", "{:.1f}", True)]
        for test, label, key, spec, lower in lines:
            r, best = ratio(rows, test, key, PEERS_WS, lower_is_better=lower)
            cells = " | ".join(cell(rows, test, s, key, spec) for s in servers)
            out.append(f"| {label} | {cells} | {fmt(r, '{:.2f}×')} ({best or '—'}) |")
        echo_ratio, _ = ratio(rows, "echo", "msgs_per_second", PEERS_WS)
        targets.append(("Echo 50×32 B ≥ 2× best peer", fmt(echo_ratio, "{:.2f}×"), echo_ratio is not None and echo_ratio >= 2))
        p50, p99 = median(rows.get(("latency", "wsdev"), []), "p50_us"), median(rows.get(("latency", "wsdev"), []), "p99_us")
        targets.append(("1-conn p50 ≤ 20 µs", fmt(p50, "{:.1f} µs"), p50 is not None and p50 <= 20))
        targets.append(("1-conn p99 ≤ 80 µs", fmt(p99, "{:.1f} µs"), p99 is not None and p99 <= 80))
        bulk = median(rows.get(("bulk", "wsdev"), []), "mb_per_second")
        targets.append(("64 KiB ≥ 1.5 GB/s", fmt(bulk and bulk / 1000, "{:.2f} GB/s"), bulk is not None and bulk >= 1500))
        mem = [rows.get(("memory", s), [{}])[0] for s in servers]
        out.append("| server RSS after the runs / peak, MiB | " + " | ".join(
            f"{fmt(m.get('rss_kib') and m['rss_kib'] / 1024, '{:.1f}')} / {fmt(m.get('hwm_kib') and m['hwm_kib'] / 1024, '{:.1f}')}"
            for m in mem) + " | |")
        out.append("")

    holders = [s for s in servers if rows.get(("hold", s))]
    if holders:
        out += ["### Held connections, then one echo on each (server RSS from /proc, children included)", "",
                "| | " + " | ".join(holders) + " |", "| --- |" + " ---: |" * len(holders)]
        def hold(s, key, spec):
            r = rows.get(("hold", s), [None])[0]
            return "n/a" if r is None or r.get(key) is None else spec.format(r[key])
        out.append("| opened / answered | " + " | ".join(f"{hold(s, 'opened', '{}')} / {hold(s, 'answered', '{}')}" for s in holders) + " |")
        out.append("| RSS per connection, KB | " + " | ".join(hold(s, "server_rss_per_conn_kb", "{:.2f}") for s in holders) + " |")
        out.append("| seconds to open all | " + " | ".join(hold(s, "open_seconds", "{:.1f}") for s in holders) + " |")
        r = rows.get(("hold", "wsdev"), [{}])[0]
        ok = r.get("answered") == r.get("opened") == r.get("connections") and (r.get("server_rss_per_conn_kb") or 1e9) <= 8
        targets.append((f"{r.get('connections', '?')} conns held, all answer, ≤ 8 KB/conn",
                        f"{r.get('answered', '?')}/{r.get('connections', '?')} answered, {fmt(r.get('server_rss_per_conn_kb'), '{:.2f}')} KB/conn", ok))
        out.append("")

    if any(rows.get(("churn", s)) for s in servers):
        r, best = ratio(rows, "churn", "connections_per_second", PEERS_WS)
        churners = ["wsdev"] + (["wsdev-1loop"] if rows.get(("churn", "wsdev-1loop")) else []) + PEERS_WS + ["c-echo"] + [
            s for s in ("nio-echo", "nio-echo-1loop") if rows.get(("churn", s))]
        out += ["### Churn: connect, one echo, close handshake, 8 lanes (connections/s, medians; wsdev-1loop = `--threads 1`; "
                "nio-echo = trivial SwiftNIO server, -1loop with one event loop)", "",
                "| | " + " | ".join(churners) + " | wsdev ÷ best peer |", "| --- |" + " ---: |" * (len(churners) + 1),
                "| connections/s | " + " | ".join(cell(rows, "churn", s, "connections_per_second") for s in churners)
                + f" | {fmt(r, '{:.2f}×')} ({best or '—'}) |",
                "| server CPU µs/conn | " + " | ".join(cell(rows, "churn", s, "server_cpu_us_per_msg", "{:.0f}") for s in churners) + " | |",
                "| generator CPU µs/conn | " + " | ".join(cell(rows, "churn", s, "client_cpu_us_per_msg", "{:.0f}") for s in churners) + " | |", ""]
        churn = median(rows.get(("churn", "wsdev"), []), "connections_per_second")
        targets.append(("Churn ≥ 10,000 conn/s (default: a loop per core)", fmt(churn, "{:,.0f} conn/s"), churn is not None and churn >= 10000))
        if rows.get(("churn", "wsdev-1loop")):
            one = median(rows[("churn", "wsdev-1loop")], "connections_per_second")
            targets.append(("Churn ≥ 10,000 conn/s (`--threads 1`)", fmt(one, "{:,.0f} conn/s"), one is not None and one >= 10000))

    if rows.get(("startup", "wsdev")):
        r = rows[("startup", "wsdev")][0]
        out += ["### wsdev startup", "", f"- launch to listening: median {r['startup_ms']} ms (min {r['startup_ms_min']} ms, 10 runs)",
                f"- RSS at rest: {fmt(r.get('rss_rest_kib') and r['rss_rest_kib'] / 1024, '{:.1f}')} MiB"]
        if rows.get(("startup-handlers", "wsdev")):
            h = rows[("startup-handlers", "wsdev")][0]
            out += [f"- started from the repository (its ./handlers folder of examples is loaded): median {h['startup_ms']} ms"]
        out += [""]
        targets.append(("Startup ≤ 50 ms", f"{r['startup_ms']} ms", r["startup_ms"] <= 50))
        # 15 MB read strictly: 15,000,000 bytes (14,648 KiB).
        targets.append(("RSS at rest ≤ 15 MB", fmt(r.get("rss_rest_kib"), "{:,.0f} KiB"),
                        r.get("rss_rest_kib") is not None and r["rss_rest_kib"] * 1024 <= 15_000_000))

    if targets:
        out += ["### Targets (issue 5)", "", "| target | measured | |", "| --- | --- | --- |"]
        out += [f"| {name} | {value} | {'met' if ok else '**missed**'} |" for name, value, ok in targets]
    out += handlers_section(rows)
    machine = {r["server"]: r for r in rows.get(("machine", "start"), []) + rows.get(("machine", "end"), [])}
    if machine:
        m = machine.get("start") or machine.get("end")
        out += ["", f"Machine: {m['nproc']} cores, {m['cpu']}, {m['mem_gib']} GiB. Load average at start "
                f"{machine.get('start', {}).get('loadavg', '?')}, at end {machine.get('end', {}).get('loadavg', '?')}; "
                f"other busy processes at start: {machine.get('start', {}).get('busy') or 'none'}; "
                f"at end: {machine.get('end', {}).get('busy') or 'none'}."]
    failed = [r for rs in rows.values() for r in rs if not clean(r) and r["test"] != "machine"]
    if failed:
        out += ["", "Runs with errors or mismatches (left out of the medians):"]
        out += [f"- {r['test']} {r['server']} #{r['round']}: {r.get('errors', 0)} errors, {r.get('mismatches', 0)} mismatches; "
                f"{r.get('first_mismatch') or r.get('first_error')}" for r in failed]
    print("\n".join(out))


# --- the handlers group (issue 17) ---------------------------------------------------------

def rate(value):
    """msg/s and MB/s as their size needs: 0.60, 16.7, 12,345."""
    if value is None:
        return "—"
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}" if value >= 10 else f"{value:.2f}"


def hcell(rows, test, server, key, spec=rate):
    """The median over rounds, saying when a run timed out (its figure still counts: `large` mode
    reports what completed) or failed (left out)."""
    runs = rows.get((test, server), [])
    if not runs:
        return "n/a"
    value = median(runs, key)
    failed = [r for r in runs if not clean(r)]
    timed_out = [r for r in runs if r.get("timed_out")]
    if value is None and timed_out:
        return "timed out"
    if value == 0 and timed_out and all(r.get("messages") == 0 for r in timed_out):
        return f"timed out: no echo in {max(r.get('seconds') or 0 for r in timed_out):.0f} s"
    notes = []
    if [r for r in timed_out if clean(r)]:
        notes.append("timed out" if len(runs) == 1 else f"timed out in {len([r for r in timed_out if clean(r)])}/{len(runs)}")
    if failed:
        notes.append(f"{len(failed)}/{len(runs)} runs failed")
    return spec(value) + (f" ({', '.join(notes)})" if notes else "")


def pair_ratio(rows, test, key, a, b):
    """Median over rounds of a ÷ b in the same round (clean runs with a value only)."""
    by_round = defaultdict(dict)
    for server in (a, b):
        for r in rows.get((test, server), []):
            if clean(r) and r.get(key) is not None:
                by_round[r["round"]][server] = r[key]
    ratios = [v[a] / v[b] for v in by_round.values() if a in v and v.get(b)]
    return statistics.median(ratios) if ratios else None


def per_run(rows, test, server, value):
    """Median over clean runs of value(run), where it is not None."""
    values = [value(r) for r in rows.get((test, server), []) if clean(r)]
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def own_ms_per_mb(r):
    mb = (r.get("mb_per_second") or 0) * (r.get("seconds") or 0)
    return r["server_own_cpu_seconds"] * 1000 / mb if r.get("server_own_cpu_seconds") is not None and mb > 0 else None


def mb_per_cpu_second(r):
    mb = (r.get("mb_per_second") or 0) * (r.get("seconds") or 0)
    cpu = r.get("server_own_cpu_seconds")
    return mb / cpu if cpu else None


def handlers_section(rows):
    if not any(t.startswith("h-") for t, _ in rows):
        return []
    out = ["### Handlers (issue 17): script `exec cat`, the tutorial's `echo_wsh.py`, a handler that floods", ""]
    targets = []
    # Two decimals, or two significant digits below 0.1 (today's handlers are at 0.002×).
    fmt_ratio = lambda v: fmt(v, "{:.2f}×" if v is None or v >= 0.1 else "{:.2g}×")
    measures = [("echo", "50 conns × 32 B text, msg/s", "msgs_per_second"),
                ("64k", "1 conn × 64 KiB text, msg/s", "msgs_per_second"),
                ("64k", "  … MB/s", "mb_per_second"),
                ("1m", "1 conn × 1 MiB text, msg/s", "msgs_per_second"),
                ("1m", "  … MB/s", "mb_per_second"),
                ("churn", "churn (connect, 1 echo, close), conn/s", "connections_per_second")]
    short = {"echo": "50 × 32 B echo", "64k": "64 KiB messages", "1m": "1 MiB messages", "churn": "churn"}
    cpu_rows = [("echo", "server CPU µs/msg, 32 B echo (handler processes included)"),
                ("churn", "server CPU µs/conn, churn (handler processes included)")]
    goal = {"echo": 1.5, "64k": 2, "1m": 2, "churn": 1.5}

    if any(rows.get((f"h-cat-{m}", "wsdev")) for m in goal):
        out += ["Script handler `#!/bin/sh` + `exec cat`: wsdev `-w` (/cat), websocketd running the same file, relay = "
                "`peers/relay.c` (C, epoll, the same file per connection through pipes: the floor with one process per "
                "connection). Medians of rounds; ratios are medians of same-round ratios.", "",
                "| test | wsdev | websocketd | relay (floor) | wsdev ÷ websocketd | wsdev ÷ relay | relay ÷ websocketd | target |",
                "| --- |" + " ---: |" * 6 + " --- |"]
        for m, label, key in measures:
            test = f"h-cat-{m}"
            vs_d = pair_ratio(rows, test, key, "wsdev", "websocketd")
            vs_r = pair_ratio(rows, test, key, "wsdev", "relay")
            floor = pair_ratio(rows, test, key, "relay", "websocketd")
            target = ""
            if not label.startswith("  "):
                # Where the floor itself is below the target, the target becomes 0.8× the floor.
                if floor is not None and floor < goal[m]:
                    ok = vs_r is not None and vs_r >= 0.8
                    target = f"≥ 0.8× relay (relay is {floor:.2f}× websocketd, below {goal[m]}×)"
                    measured = f"{fmt_ratio(vs_r)} relay ({fmt_ratio(vs_d)} websocketd)"
                else:
                    ok = vs_d is not None and vs_d >= goal[m]
                    target = f"≥ {goal[m]}× websocketd"
                    measured = f"{fmt_ratio(vs_d)} websocketd" if vs_d is not None else "— (no clean run)"
                targets.append((f"Script {short[m]} {target}", measured, ok))
            out.append(f"| {label} | " + " | ".join(hcell(rows, test, s, key) for s in ("wsdev", "websocketd", "relay"))
                       + f" | {fmt_ratio(vs_d)} | {fmt_ratio(vs_r)} | {fmt_ratio(floor)} | {target} |")
        for m, label in cpu_rows:
            out.append(f"| {label} | " + " | ".join(hcell(rows, f"h-cat-{m}", s, "server_cpu_us_per_msg", lambda v: fmt(v, "{:,.0f}"))
                                                  for s in ("wsdev", "websocketd", "relay")) + " | | | | |")
        out.append("")

    wsh_goal = {"echo": 2, "64k": 1, "1m": 1, "churn": 2}
    if any(rows.get((f"h-wsh-{m}", "wsdev")) for m in wsh_goal):
        out += ["`_wsh.py` echo (`peers/pywebsocket3/echo_wsh.py`, the tutorial's echo handler): wsdev `-w` (its Python bridge) "
                "and pywebsocket3's standalone server, the same file.", "",
                "| test | wsdev | pywebsocket3 | wsdev ÷ pywebsocket3 | target |", "| --- | ---: | ---: | ---: | --- |"]
        for m, label, key in measures:
            test = f"h-wsh-{m}"
            r = pair_ratio(rows, test, key, "wsdev", "pywebsocket3")
            target = ""
            if not label.startswith("  "):
                target = f"≥ {wsh_goal[m]}× pywebsocket3"
                targets.append((f"`_wsh.py` {short[m]} {target}", fmt_ratio(r), r is not None and r >= wsh_goal[m]))
            out.append(f"| {label} | {hcell(rows, test, 'wsdev', key)} | {hcell(rows, test, 'pywebsocket3', key)} | {fmt_ratio(r)} | {target} |")
        for m, label in cpu_rows:
            out.append(f"| {label.replace('handler processes', 'Python bridge')} | " + " | ".join(
                hcell(rows, f"h-wsh-{m}", s, "server_cpu_us_per_msg", lambda v: fmt(v, "{:,.0f}")) for s in ("wsdev", "pywebsocket3")) + " | | |")
        out.append("")

    streamers = [s for s in ("wsdev", "websocketd", "relay") if rows.get(("h-stream", s))]
    if streamers:
        out += ["Stream: `handlers/stream.sh` (`exec yes` with a 1000-byte line) read by 5 clients (`wsdev bench -m stream`), "
                "while a sixth GETs a page every 10 ms on one keep-alive connection (wsdev `/index.html`, websocketd `/`; "
                "relay serves no pages). CPU is the server process's own, from /proc (the `yes` processes not included).", "",
                "| | " + " | ".join(streamers) + " |", "| --- |" + " ---: |" * len(streamers)]
        ms = lambda v: fmt(v, "{:,.1f}")
        out.append("| MB/s delivered (5 clients, summed) | " + " | ".join(hcell(rows, "h-stream", s, "mb_per_second") for s in streamers) + " |")
        out.append("| slowest client, MB/s | " + " | ".join(hcell(rows, "h-stream", s, "slowest_mb_per_second") for s in streamers) + " |")
        out.append("| server process CPU, ms per MB | " + " | ".join(ms(per_run(rows, "h-stream", s, own_ms_per_mb)) for s in streamers) + " |")
        out.append("| MB per server CPU-second | " + " | ".join(rate(per_run(rows, "h-stream", s, mb_per_cpu_second)) for s in streamers) + " |")
        out.append("| GET p50 / p99, ms | " + " | ".join(
            f"{ms(median(rows['h-stream', s], 'get_p50_ms'))} / {ms(median(rows['h-stream', s], 'get_p99_ms'))}"
            if median(rows["h-stream", s], "get_p99_ms") is not None else "n/a" for s in streamers) + " |")
        out.append("| GETs done / failed (over 5 s or refused) | " + " | ".join(
            f"{sum(r.get('get_requests', 0) for r in rows['h-stream', s])} / {sum(r.get('get_failures', 0) for r in rows['h-stream', s])}"
            if any("get_requests" in r for r in rows["h-stream", s]) else "n/a" for s in streamers) + " |")
        if "wsdev" in streamers:
            per_core = per_run(rows, "h-stream", "wsdev", mb_per_cpu_second)
            targets.append(("Stream ≥ 200 MB/s per server core (MB per wsdev CPU-second)", rate(per_core), per_core is not None and per_core >= 200))
            p99 = median(rows["h-stream", "wsdev"], "get_p99_ms")
            failed = sum(r.get("get_failures", 0) for r in rows["h-stream", "wsdev"])
            targets.append(("GET p99 < 50 ms with 5 flooding clients", f"{ms(p99)} ms" + (f", {failed} GETs failed" if failed else ""),
                            p99 is not None and p99 < 50 and not failed))
        out.append("")

    if rows.get(("h-sigterm", "wsdev")):
        r = rows["h-sigterm", "wsdev"][0]
        exited = r.get("exit_seconds")
        left = r.get("left_after_2s")
        names = ", ".join(f"{p['comm']} (pid {p['pid']}, parent {p['ppid']})" for p in r.get("left", []))
        how = "exited" if exited is not None else "was killed (SIGKILL)"
        out += [f"SIGTERM to wsdev with {r.get('clients', 5)} streaming clients connected ({r.get('handlers_before', '?')} handler "
                f"processes): {'exited in ' + format(exited, '.3f') + ' s' if exited is not None else 'still running after 10 s, then killed'}; "
                f"handler processes left behind: {r.get('left_at_exit', '?')} when it {how}, {left if left is not None else '?'} 2 s later"
                + (f" ({names})" if names else "") + ".", ""]
        targets.append(("SIGTERM with 5 flooding clients: exit < 1 s, no handler left",
                        (f"{exited:.3f} s" if exited is not None else "no exit in 10 s") + f", {left} left",
                        exited is not None and exited < 1 and left == 0))

    if targets:
        out += ["### Targets (issue 17: handlers)", "", "| target | measured | |", "| --- | --- | --- |"]
        out += [f"| {name} | {value} | {'met' if ok else '**missed**'} |" for name, value, ok in targets]
        out.append("")
    return out


if __name__ == "__main__":
    command = sys.argv[1]
    if command == "wrk":
        wrk(*sys.argv[2:5])
    elif command == "brief":
        brief()
    elif command == "table":
        table(sys.argv[2])
