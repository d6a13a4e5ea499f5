#!/usr/bin/env python3
"""Whether wsdev grew during the soak, from its per-minute samples taken at rest.

    verdict.py SAMPLES.tsv

SAMPLES.tsv: a header line, then one line per minute: minute rss_kib fds threads children zombies.

The first minutes are warm-up (caches fill, each event loop's first connections, the Python
bridge starts): 5 of a 30-minute run, 1 of a short one. Of the samples after them, the first
third's maximum is the baseline and the last third's maximum is the end (10 and 10 minutes of a
30-minute run). It grew if the end is over the baseline by more than:
  RSS       max(16 MiB, 15 %)   (malloc keeps freed memory; a leak of 1 KiB per connection
                                 at the soak's churn is far more)
  fds       8                   (at rest only the listeners, inotify and the bridges' pipes)
  threads   2
  children  2                   (at rest only the broadcast script and the _wsh.py bridge)
  zombies   0                   (any zombie left at the end is a child not reaped)
"""
import sys

LIMITS = {
    "rss_kib": lambda base: max(16 * 1024, base * 0.15),
    "fds": lambda base: 8,
    "threads": lambda base: 2,
    "children": lambda base: 2,
    "zombies": lambda base: 0,
}


def main():
    with open(sys.argv[1]) as f:
        header = f.readline().split()
        rows = [dict(zip(header, map(int, line.split()))) for line in f if line.strip()]
    warmup = 5 if len(rows) >= 20 else 1
    settled = rows[warmup:]
    if len(settled) < 2:
        print(f"verdict: {len(rows)} samples are too few to judge (need {warmup + 2}); run longer")
        return 1
    third = max(1, len(settled) // 3)
    first, last = settled[:third], settled[-third:]
    print(f"verdict: warm-up {warmup} min; baseline = max of minutes {first[0]['minute']}-{first[-1]['minute']}, "
          f"end = max of minutes {last[0]['minute']}-{last[-1]['minute']}")
    grew = []
    for name, allowance in LIMITS.items():
        base = max(row[name] for row in first)
        end = max(row[name] for row in last)
        limit = allowance(base)
        verdict = "GREW" if end > base + limit else "flat"
        print(f"  {name:9} baseline {base:>8}  end {end:>8}  change {end - base:>+8}  allowed +{limit:.0f}  {verdict}")
        if verdict == "GREW":
            grew.append(name)
    if grew:
        print(f"verdict: FAIL: {', '.join(grew)} grew; look at the per-minute lines above for when")
        return 1
    print("verdict: PASS: RSS, fds, threads and child processes stayed flat")
    return 0


if __name__ == "__main__":
    sys.exit(main())
