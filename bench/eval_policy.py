#!/usr/bin/env python3
"""Learn -> recommend -> generate -> replay, on a simulated organisation (issue 11's proof).

    bench/eval_policy.py [--hosts 20] [--users 40] [--days 28] [--intrusions 6] [--seed 1]
                         [--learn-days 21] [--work DIR] [--cmdsentry PATH] [--orgsim PATH]

1. cmdsentry-orgsim writes the organisation's logs (EVTX) and labels.jsonl.
2. `baseline learn` on the first --learn-days days, leaving out each intrusion's span on the
   host it touched (`--exclude-host HOST@START..END`; the baseline must come from a clean
   period, docs/baseline.md), or the whole of those hosts with --exclude-whole-hosts. Reports
   how many labelled intrusion records the baseline learned anyway (from its `seen` table).
3. `recommend --format json` -> `policy generate --from-recommendation` (enforce mode).
4. `policy simulate --format jsonl` over all logs; the executions after the learning period are
   judged: an execution on a labelled intrusion record is an attack execution, every other one
   is ordinary work.
5. The same replay with a naive policy that denies every command of the study
   (`policy generate --deny ...`).

Prints, per policy: ordinary executions blocked (the target is 0 for the recommended policy),
split into those blocked because they are a restricted Windows binary and those blocked by the
default rules (a program outside %WINDIR% and %PROGRAMFILES%: per-user installs such as VS Code
or Teams under AppData), attack executions blocked, and intrusion parts (one intrusion on one
host) with at least one attack command blocked. Python 3 standard library only.
"""
import argparse
import datetime
import json
import os
import sqlite3
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
from eval_incidents import load_labels  # noqa: E402
# The study's commands that are programs (builtins such as dir, type, ver cannot be restricted).
NAIVE = ["tasklist", "ipconfig", "systeminfo", "net", "netstat", "whoami", "qprocess", "query",
         "ping", "dsquery", "csvde", "nltest", "nbtstat", "at", "reg", "wmic", "wusa", "netsh",
         "sc", "rundll32", "schtasks"]


def run(cmd, **kw):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)
    if p.returncode not in (0, 1):
        sys.exit(f"{' '.join(cmd[:3])} failed ({p.returncode}): {p.stderr[-2000:]}")
    return p


def key(path, org):
    rel = os.path.relpath(os.path.normpath(path), org)
    return os.path.splitext(rel.replace(os.sep, "/"))[0]


def learned_intrusion_records(db, records):
    """Labelled process-creation records (4688, Sysmon 1) the baseline counted."""
    con = sqlite3.connect(db)
    seen = {(h, log.lower(), r) for h, log, r in con.execute("SELECT host, log, record FROM seen")}
    con.close()
    n = 0
    for lab in {(o["host"], o["event"], o["record"]) for o in records.values()}:
        host, event, record = lab
        log = "security" if event == 4688 else "microsoft-windows-sysmon/operational"
        if event in (4688, 1) and (host.split(".")[0].lower(), log, record) in seen:
            n += 1
    return n


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--hosts", type=int, default=20)
    ap.add_argument("--users", type=int, default=40)
    ap.add_argument("--days", type=int, default=28)
    ap.add_argument("--learn-days", type=int, default=21)
    ap.add_argument("--intrusions", type=int, default=6)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--work", default="/tmp/cmdsentry-eval-policy")
    ap.add_argument("--cmdsentry", default=os.path.join(ROOT, "build/release/cmdsentry"))
    ap.add_argument("--orgsim", default=os.path.join(ROOT, "build/release/cmdsentry-orgsim"))
    ap.add_argument("--exclude-whole-hosts", action="store_true",
                    help="leave out every host an intrusion touched, not only the intrusion's span")
    a = ap.parse_args()

    org = os.path.join(a.work, "org")
    os.makedirs(a.work, exist_ok=True)
    if not os.path.exists(os.path.join(org, "labels.jsonl")):
        run([a.orgsim, "--out", org, "--seed", str(a.seed), "--hosts", str(a.hosts), "--users",
             str(a.users), "--days", str(a.days), "--intrusions", str(a.intrusions), "-q"])
    meta = json.load(open(os.path.join(org, "org.json"), encoding="utf-8"))

    # Labels: intrusion parts and their records (the reader of eval_incidents.py).
    parts, records = load_labels(org)
    starts = sorted(p["start"] for p in parts.values())
    first_day = min(starts)[:10] if starts else "2026-03-02"
    day0 = datetime.date.fromisoformat(meta.get("start", first_day)[:10])
    cut = (day0 + datetime.timedelta(days=a.learn_days)).isoformat()
    early = [p for p in parts.values() if p["start"][:10] < cut]
    dirty = sorted({p["host"].split(".")[0] for p in early})

    groups = os.path.join(a.work, "groups.csv")
    with open(groups, "w", encoding="utf-8") as f:
        f.write("member,group,group_sid\n")
        for u in meta["users"]:
            sid = u["sid"]
            gsid = sid.rsplit("-", 1)[0] + "-512" if u["group"] == "domain-admins" else ""
            f.write(f"{sid},{u['group']},{gsid}\nCORP\\{u['name']},{u['group']},{gsid}\n")

    db = os.path.join(a.work, "org.db")
    if os.path.exists(db):
        os.remove(db)
    learn = [a.cmdsentry, "baseline", "learn", os.path.join(org, "logs"), "--db", db, "--groups",
             groups, "--until", cut, "-q"]
    if a.exclude_whole_hosts:
        for h in dirty:
            learn += ["--exclude-host", h]
    else:
        for p in early:
            # TO is exclusive: one second past the part's last record.
            end = datetime.datetime.fromisoformat(p["end"].replace("Z", "+00:00"))
            end += datetime.timedelta(seconds=1)
            learn += ["--exclude-host",
                      f"{p['host'].split('.')[0]}@{p['start']}..{end.strftime('%Y-%m-%dT%H:%M:%SZ')}"]
    run(learn)
    leaked = learned_intrusion_records(db, records)
    rec = os.path.join(a.work, "recommendation.json")
    p = run([a.cmdsentry, "recommend", "--db", db, "--format", "json", "--admin-group",
             "domain-admins", "--service-group", "service-accounts"])
    open(rec, "w", encoding="utf-8").write(p.stdout)
    recommendation = json.loads(p.stdout)

    policies = {}
    policies["recommended"] = os.path.join(a.work, "recommended.xml")
    run([a.cmdsentry, "policy", "generate", "--from-recommendation", rec, "--mode", "enforce",
         "-o", policies["recommended"], "--force"])
    policies["naive"] = os.path.join(a.work, "naive.xml")
    run([a.cmdsentry, "policy", "generate", "--deny", ",".join(NAIVE), "--mode", "enforce",
         "--force", "-o", policies["naive"]])

    what = (f"{len(dirty)} host(s) an intrusion touched then" if a.exclude_whole_hosts else
            f"the spans of {len(early)} intrusion part(s) on {len(dirty)} host(s)")
    print(f"organisation: {a.hosts} hosts, {a.users} users, {a.days} days, {len(parts)} intrusion "
          f"parts; learned days 1-{a.learn_days} without {what}; labelled intrusion records "
          f"learned: {leaked}; recommended restrictions: {len(recommendation['restrictions'])}, "
          f"per-user programs: {len(recommendation.get('user_programs', []))}")
    print(f"{'policy':>12} {'ordinary':>9} {'blocked':>8} {'(restricted':>12} {'outside)':>9} "
          f"{'attack':>7} {'blocked':>8} {'parts hit':>10}")
    for name, xml in policies.items():
        p = run([a.cmdsentry, "policy", "simulate", xml, os.path.join(org, "logs"), "--format",
                 "jsonl", "--groups", groups, "-q"])
        ordinary = ordinary_blocked = ordinary_restricted = attack = attack_blocked = 0
        parts_hit = set()
        for line in p.stdout.splitlines():
            if not line.startswith("{"):
                continue
            o = json.loads(line)
            if o.get("timestamp", "")[:10] < cut:
                continue
            lab = records.get((key(o["source"], org), o["record"]))
            blocked = o["decision"] == "blocked"
            if lab and lab.get("role") == "command":
                attack += 1
                attack_blocked += blocked
                if blocked:
                    parts_hit.add(lab["intrusion"])
            elif not lab:
                ordinary += 1
                ordinary_blocked += blocked
                ordinary_restricted += blocked and "\\windows\\" in o.get("image", "").lower()
        later = [i for i, pt in parts.items() if pt["start"][:10] >= cut]
        print(f"{name:>12} {ordinary:>9} {ordinary_blocked:>8} {ordinary_restricted:>12} "
              f"{ordinary_blocked - ordinary_restricted:>9} {attack:>7} {attack_blocked:>8} "
              f"{len(parts_hit & set(later)):>5}/{len(later)}")


if __name__ == "__main__":
    main()
