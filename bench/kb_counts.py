#!/usr/bin/env python3
"""Knowledge-base findings before and after a change, on a log set.

Runs `cmdsentry scan --no-incidents --format jsonl` with each binary on the same inputs and
prints, per knowledge-base entry (`rule`) and per input file (`source`), the finding counts that
differ, then the findings (source, record, rule) that only one side reports.

    bench/kb_counts.py /work/main/build/release/cmdsentry build/release/cmdsentry ../shared/data/evtx
"""
import collections
import json
import subprocess
import sys


def findings(binary, inputs):
    out = subprocess.run([binary, "scan", "--no-incidents", "--format", "jsonl", *inputs],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, check=False).stdout
    rows = []
    for line in out.decode("utf-8", "replace").splitlines():
        try:
            r = json.loads(line)
        except ValueError:
            continue
        if r.get("type") == "finding" and r.get("rule"):
            rows.append((r.get("source", "?"), r.get("record"), r["rule"], r.get("args", "")))
    return rows


def table(title, before, after):
    keys = sorted(set(before) | set(after), key=lambda k: (-(after[k] - before[k]), k))
    changed = [k for k in keys if before[k] != after[k]]
    print(f"\n{title}: {len(changed)} changed of {len(keys)}")
    print(f"  {'before':>7} {'after':>7} {'diff':>6}  name")
    for k in changed:
        print(f"  {before[k]:>7} {after[k]:>7} {after[k] - before[k]:>+6}  {k}")


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    before = findings(sys.argv[1], sys.argv[3:])
    after = findings(sys.argv[2], sys.argv[3:])
    print(f"findings: before {len(before)}, after {len(after)}")
    table("per entry", collections.Counter(r[2] for r in before),
          collections.Counter(r[2] for r in after))
    table("per file", collections.Counter(r[0] for r in before),
          collections.Counter(r[0] for r in after))
    b = collections.Counter(r[:3] for r in before)
    a = collections.Counter(r[:3] for r in after)
    gone, new = b - a, a - b
    args = {r[:3]: r[3] for r in before + after}
    for title, rows in (("only before", gone), ("only after", new)):
        print(f"\n{title}: {sum(rows.values())}")
        for k in sorted(rows):
            print(f"  {k[0]}#{k[1]}  {k[2]}  {args[k][:100]!r}")


if __name__ == "__main__":
    main()
