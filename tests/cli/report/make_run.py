#!/usr/bin/env python3
"""Writes a synthetic `cmdsentry scan --format jsonl` run of N findings (and one incident per
host) to stdout, for the HTML report's large-run browser test. Deterministic."""
import json
import sys

PHASES = [("recon", ["tasklist", "ipconfig", "systeminfo", "whoami", "ver"]),
          ("discovery", ["net view", "net user", "dir", "ping", "nltest"]),
          ("spread", ["at", "reg", "wmic", "sc", "rundll32"]),
          ("credential-access", ["ntdsutil"]),
          ("defense-evasion", ["wevtutil cl"])]
LEVELS = ["informational", "low", "medium", "high", "critical"]


def main():
    n = int(sys.argv[1])
    hosts = ["WS%04d.corp.example" % h for h in range(50)]
    out = sys.stdout
    for h, host in enumerate(hosts):
        out.write(json.dumps({
            "type": "incident", "id": "inc-%06d" % (h + 1), "host": host, "user": "CORP\\u%03d" % h,
            "start": "2026-03-02T10:00:00.000000Z", "end": "2026-03-02T11:00:00.000000Z",
            "phases": ["recon", "discovery"], "score": 5 + h % 30, "reasons": ["synthetic"],
            "findings_total": 2,
            "findings": [{"source": "s.evtx", "record": h, "timestamp": "2026-03-02T10:00:00.000000Z",
                          "command": "whoami", "phase": "recon", "image": "whoami.exe",
                          "command_line": "whoami /all", "ancestry": "cmd.exe < explorer.exe"}],
            "targets": [], "related": []}) + "\n")
    for i in range(n):
        phase, cmds = PHASES[i % len(PHASES)]
        cmd = cmds[(i // len(PHASES)) % len(cmds)]
        sec = 1772445600 + i * 7  # 2026-03-02T10:00:00Z onwards
        ts = "2026-03-%02dT%02d:%02d:%02d.000000Z" % (2 + sec // 86400 - 1772409600 // 86400,
                                                       sec // 3600 % 24, sec // 60 % 60, sec % 60)
        out.write(json.dumps({
            "type": "finding", "incident": None, "timestamp": ts, "host": hosts[i % len(hosts)],
            "user": "CORP\\u%03d" % (i % 50), "phase": phase, "command": cmd, "rule": cmd,
            "tactic": "discovery", "technique": ["T1057"], "noise": "medium", "study": True,
            "builtin": False, "args": "/v /fo csv", "image": "C:\\Windows\\System32\\x.exe",
            "command_line": "%s /v /fo csv row-%06d" % (cmd, i), "parent_image": "cmd.exe",
            "origin": "process", "via_cmd": False, "obfuscation": {"score": i % 100, "reasons": []},
            "source": "big.evtx", "record": i + 1,
            "matches": [{"engine": "sigma", "rule_id": "x", "title": "x", "level": LEVELS[i % 5]}]}) + "\n")


if __name__ == "__main__":
    main()
