#!/usr/bin/env python3
"""Judge an Autobahn|Testsuite fuzzingclient report.

    python3 Tests/autobahn/check.py OUTDIR/index.json

index.json maps agent -> case id -> {behavior, behaviorClose, remoteCloseCode,
duration, reportfile}. A case passes when

  behavior      is OK, NON-STRICT or INFORMATIONAL, and
  behaviorClose is OK or INFORMATIONAL.

Other values wstest writes: behavior UNIMPLEMENTED, FAILED; behaviorClose
FAILED, WRONG CODE, UNCLEAN, FAILED BY CLIENT, NO_CLOSE (and UNIMPLEMENTED).

Prints one line per non-passing case (with the description and result text
from the per-case report file), the counts per behavior, and last a line
`autobahn: N passed, M failed`. Exit status 0 only when M == 0 and N > 0.
"""

import json
import os
import sys
from collections import Counter

PASS_BEHAVIOR = {"OK", "NON-STRICT", "INFORMATIONAL"}
PASS_CLOSE = {"OK", "INFORMATIONAL"}


def case_key(case_id):
    """Sort '9.10.2' after '9.2.1'."""
    return [int(p) if p.isdigit() else p for p in case_id.split(".")]


def one_line(text, limit=300):
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def case_details(outdir, info):
    """Description and result texts from the per-case JSON report, if any."""
    name = info.get("reportfile")
    if not name:
        return {}
    try:
        with open(os.path.join(outdir, name), encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        return {}


def main(argv):
    if len(argv) != 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    index_path = argv[1]
    try:
        with open(index_path, encoding="utf-8") as f:
            index = json.load(f)
    except (OSError, ValueError) as e:
        print("check.py: cannot read %s: %s" % (index_path, e), file=sys.stderr)
        print("autobahn: 0 passed, 0 failed")
        return 2
    outdir = os.path.dirname(os.path.abspath(index_path))

    passed = failed = 0
    behaviors = Counter()
    closes = Counter()
    multi_agent = len(index) > 1
    for agent in sorted(index):
        cases = index[agent]
        for case_id in sorted(cases, key=case_key):
            info = cases[case_id]
            beh = info.get("behavior", "?")
            close = info.get("behaviorClose", "?")
            behaviors[beh] += 1
            closes[close] += 1
            if beh in PASS_BEHAVIOR and close in PASS_CLOSE:
                passed += 1
                continue
            failed += 1
            det = case_details(outdir, info)
            label = "%s %s" % (agent, case_id) if multi_agent else case_id
            parts = [
                "FAIL %s" % label,
                "behavior=%s" % beh,
                "behaviorClose=%s" % close,
                "remoteCloseCode=%s" % info.get("remoteCloseCode"),
            ]
            line = " ".join(parts)
            if det.get("description"):
                line += " | case: " + one_line(det["description"], 200)
            if det.get("result"):
                line += " | result: " + one_line(det["result"])
            if close not in PASS_CLOSE and det.get("resultClose"):
                line += " | close: " + one_line(det["resultClose"])
            print(line)

    def fmt(counter):
        return " ".join("%s=%d" % kv for kv in sorted(counter.items())) or "none"

    print("autobahn: behavior: %s; behaviorClose: %s" % (fmt(behaviors), fmt(closes)))
    if passed + failed == 0:
        print("check.py: %s lists no cases" % index_path, file=sys.stderr)
    print("autobahn: %d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 and passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
