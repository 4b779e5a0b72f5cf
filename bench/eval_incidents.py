#!/usr/bin/env python3
"""Evaluates `cmdsentry scan` against organisations simulated by cmdsentry-orgsim (docs/orgsim.md).

    bench/eval_incidents.py [--seeds 1,2,3] [--orgs 12x3,40x2] [--intrusions K]
                            [--orgsim PATH] [--cmdsentry PATH] [--work DIR] [--format evtx|jsonl]

For every seed and organisation size (HOSTSxDAYS) it simulates the organisation, runs
`cmdsentry scan --format jsonl` on it and compares with labels.jsonl. An intrusion *part* is one
intrusion on one host (the entry host, or a host it spread to).

Incident mode (scan emits {"type":"incident"} records): an incident matches the parts whose
labelled records (file + EventRecordID) are among its findings. Recall = parts matched by some
incident / parts; precision = incidents that match a part / incidents; false incidents per 1,000
host-days = unmatched incidents * 1000 / (hosts * days); spread linked = spread targets whose
incident is in the entry incident's `related` (or the reverse).

Fallback (no incident records, e.g. today's main): findings-level detection. A typed command
counts as detected when any finding references one of its records; precision = findings on
labelled records / findings; false findings per 1,000 host-days likewise.
Python 3 standard library only.
"""
import argparse
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def key(path, outdir):
    """Log name relative to the org folder, without extension (EVTX and JSONL agree)."""
    p = os.path.normpath(path)
    try:
        rel = os.path.relpath(p, outdir)
    except ValueError:
        rel = p
    if rel.startswith(".."):
        rel = os.path.basename(os.path.dirname(p)) + "/" + os.path.basename(p)
    return os.path.splitext(rel.replace(os.sep, "/"))[0]


def load_labels(outdir):
    parts, records = {}, {}
    with open(os.path.join(outdir, "labels.jsonl"), encoding="utf-8") as f:
        for line in f:
            o = json.loads(line)
            if o["type"] == "intrusion":
                parts[o["id"]] = o
            else:
                for fn in o["files"]:
                    records[(os.path.splitext(fn)[0], o["record"])] = o
    return parts, records


def scan(cmdsentry, outdir):
    t0 = time.monotonic()
    p = subprocess.run([cmdsentry, "scan", "--format", "jsonl", "--no-summary", "-q", outdir],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if p.returncode not in (0, 1):
        sys.exit(f"cmdsentry scan failed ({p.returncode}): {p.stderr[-2000:]}")
    incidents, findings = [], []
    for line in p.stdout.splitlines():
        line = line.strip()
        if not line.startswith("{"):
            continue
        o = json.loads(line)
        t = o.get("type")
        if t == "incident":
            incidents.append(o)
        elif t == "finding" or (t is None and "source" in o and "record" in o):
            findings.append(o)
    return incidents, findings, time.monotonic() - t0


def prf(tp_p, n_p, tp_r, n_r):
    precision = tp_p / n_p if n_p else 1.0
    recall = tp_r / n_r if n_r else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def evaluate(outdir, cmdsentry):
    org = json.load(open(os.path.join(outdir, "org.json"), encoding="utf-8"))
    host_days = org["host_days"]
    parts, records = load_labels(outdir)
    incidents, findings, secs = scan(cmdsentry, os.path.join(outdir, "logs"))
    res = {"host_days": host_days, "parts": len(parts), "findings": len(findings),
           "incidents": len(incidents), "scan_s": secs}
    if incidents:
        part_incidents = {}
        matched = 0
        for inc in incidents:
            hit = set()
            for fd in inc.get("findings", []):
                lab = records.get((key(fd["source"], outdir), fd["record"]))
                if lab:
                    hit.add(lab["intrusion"])
            if hit:
                matched += 1
            for pid in hit:
                part_incidents.setdefault(pid, set()).add(str(inc["id"]))
        related = {str(i["id"]): {str(r) for r in i.get("related", [])} for i in incidents}
        targets = [p for p in parts.values() if p.get("parent")]
        linked = 0
        for t in targets:
            a = part_incidents.get(t["id"], set())
            b = part_incidents.get(t["parent"], set())
            if any(y in related.get(x, ()) or x in related.get(y, ()) for x in a for y in b):
                linked += 1
        p, r, f1 = prf(matched, len(incidents), len(part_incidents), len(parts))
        res.update(mode="incidents", precision=p, recall=r, f1=f1,
                   false_per_1k=(len(incidents) - matched) * 1000.0 / host_days,
                   spread=f"{linked}/{len(targets)}")
    else:
        commands = {}
        for (_, _), lab in records.items():
            if lab.get("role") == "command" and lab.get("event") in (4688, 1):
                commands.setdefault((lab["intrusion"], lab["command"]), False)
        on_label = 0
        parts_hit = set()
        for fd in findings:
            lab = records.get((key(fd["source"], outdir), fd["record"]))
            if not lab:
                continue
            on_label += 1
            parts_hit.add(lab["intrusion"])
            if lab.get("command") is not None:
                commands[(lab["intrusion"], lab["command"])] = True
        detected = sum(1 for v in commands.values() if v)
        p, r, f1 = prf(on_label, len(findings), detected, len(commands))
        res.update(mode="findings", precision=p, recall=r, f1=f1,
                   false_per_1k=(len(findings) - on_label) * 1000.0 / host_days,
                   parts_hit=f"{len(parts_hit)}/{len(parts)}")
    return res


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seeds", default="1,2,3")
    ap.add_argument("--orgs", default="12x3,40x2", help="HOSTSxDAYS list")
    ap.add_argument("--intrusions", type=int, default=0, help="per org (0: hosts / 4, at least 2)")
    ap.add_argument("--orgsim", default=os.path.join(ROOT, "build/release/cmdsentry-orgsim"))
    ap.add_argument("--cmdsentry", default=os.path.join(ROOT, "build/release/cmdsentry"))
    ap.add_argument("--work", default="/tmp/cmdsentry-eval-incidents")
    ap.add_argument("--format", default="evtx", choices=["evtx", "jsonl"])
    a = ap.parse_args()
    rows = []
    for size in a.orgs.split(","):
        hosts, days = (int(x) for x in size.lower().split("x"))
        for seed in a.seeds.split(","):
            out = os.path.join(a.work, f"s{seed}-{hosts}x{days}")
            k = a.intrusions or max(2, hosts // 4)
            subprocess.run([a.orgsim, "--out", out, "--seed", seed, "--hosts", str(hosts),
                            "--users", str(hosts * 2), "--days", str(days), "--intrusions", str(k),
                            "--format", a.format, "-q"], check=True)
            r = evaluate(out, a.cmdsentry)
            r.update(seed=seed, org=size)
            rows.append(r)
    mode = rows[0]["mode"]
    if mode == "findings":
        print("no incident records in `cmdsentry scan --format jsonl` output: evaluating "
              "findings-level detection of intrusion commands instead")
        print(f"{'org':>7} {'seed':>4} {'host-days':>9} {'findings':>8} {'precision':>9} "
              f"{'recall':>6} {'F1':>5} {'false/1k host-days':>18} {'parts hit':>9} {'scan s':>6}")
        for r in rows:
            print(f"{r['org']:>7} {r['seed']:>4} {r['host_days']:>9} {r['findings']:>8} "
                  f"{r['precision']:>9.3f} {r['recall']:>6.3f} {r['f1']:>5.3f} "
                  f"{r['false_per_1k']:>18.1f} {r['parts_hit']:>9} {r['scan_s']:>6.1f}")
    else:
        print(f"{'org':>7} {'seed':>4} {'host-days':>9} {'incidents':>9} {'precision':>9} "
              f"{'recall':>6} {'F1':>5} {'false/1k host-days':>18} {'spread linked':>13}")
        for r in rows:
            print(f"{r['org']:>7} {r['seed']:>4} {r['host_days']:>9} {r['incidents']:>9} "
                  f"{r['precision']:>9.3f} {r['recall']:>6.3f} {r['f1']:>5.3f} "
                  f"{r['false_per_1k']:>18.1f} {r['spread']:>13}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
