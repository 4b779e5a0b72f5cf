#!/usr/bin/env python3
"""Writes the process-creation logs of a whole organisation, for bench/engine_bench.sh.

    bench/make_org_logs.py --events N [--seed S] [--out-dir DIR] [--interleaved FILE]
                           [--hosts W] [--days D] [--start YYYY-MM-DD] [--attack-share F]

N is the number of log records: N // 2 processes, each logged twice, as Security 4688 and as
Sysmon 1 (same host, PID and image; the 4688 written 0.02-0.9 ms and the Sysmon record 0.8-6 ms
after the creation, Sysmon's UtcTime being the creation time to the millisecond). --out-dir
writes DIR/security.jsonl and DIR/sysmon.jsonl, each in time order; --interleaved writes both
logs in one file in time order; both may be given. Lines are the JSON of the Rust evtx_dump tool
(`evtx_dump -o jsonl`), with the member set and order of its output for the data set's Windows 10
Security and Sysmon 14 logs (../shared/data/expected-evtx_dump/sans-blue-team_DeepBlueCLI/evtx/
sliver-*.jsonl.gz): 4688 version 2, Sysmon 1 version 5 with ParentUser, GUIDs without braces,
Sysmon's ProcessId as a number, 4688's as hex text. EventRecordID counts per host and channel.

The organisation (domain CORP, corp.example): W workstations ws0001..wsNNNN (default N / 16000,
16 at least), each with its user, plus about one server per 25 workstations (dc01, dc02, fs01,
app01, sql01, ...), a few IT admins; D days (default 7) from --start (default Monday
2025-03-10), times UTC, office hours 08-18 on weekdays heavier, nights and weekends carried by
background work. Everyday activity: a logon each morning (userinit, explorer, Teams, OneDrive, a
logon script mapping the home drive with `net use`), Chrome/Edge/Teams children, Office,
Outlook, Notepad..., svchost/DcomLaunch children, the search indexer, scheduled tasks and
updaters, msiexec, service starts, a gatherNetworkInfo-like inventory script (ipconfig /all,
netstat -nao... under cscript.exe), backups and IIS/SQL work on servers, rare helpdesk and user
shells. Consoles get their conhost.exe, net.exe its net1.exe, query.exe its quser.exe.

About --attack-share (default 0.02) of the processes are attacker activity: a few workstations
receive a RAT from an Outlook attachment, which then types the JPCERT/CC 2015 study's recon,
discovery and spread commands (docs/scan.md), mostly as `cmd.exe /c X` or `cmd.exe /c a & b`
chains whose programs are logged as children of that cmd.exe (parent PID = the shell's), now and
then run by the RAT directly; `wmic /node:` and `sc \\\\host create/start` start the RAT on
servers, which then run commands too.

Generation is streamed: activities are made minute by minute of event time, their records wait
in a heap until no later activity can start before them, so memory follows the busiest minute,
not N. The same arguments and seed write the same bytes. Ends with a summary on stderr.
"""
import argparse
import calendar
import hashlib
import heapq
import os
import random
import sys
import time
from json.encoder import encode_basestring as jstr  # the C encoder; keeps non-ASCII as UTF-8

DOMAIN = "CORP"
DNS = "corp.example"
SYS32 = "C:\\Windows\\System32\\"
US = 1_000_000
MS = 1000
SLICE = 60 * US

# --- the two record layouts (evtx_dump JSON) -------------------------------------------------
EVENT = '{"Event":{"#attributes":{"xmlns":"http://schemas.microsoft.com/win/2004/08/events/event"},'
SEC_HEAD = (EVENT + '"System":{"Provider":{"#attributes":{'
            '"Name":"Microsoft-Windows-Security-Auditing",'
            '"Guid":"54849625-5478-4994-A5BA-3E3B0328C30D"}},"EventID":4688,"Version":2,"Level":0,'
            '"Task":13312,"Opcode":0,"Keywords":"0x8020000000000000","TimeCreated":{"#attributes":'
            '{"SystemTime":"')
SYS_HEAD = (EVENT + '"System":{"Provider":{"#attributes":{"Name":"Microsoft-Windows-Sysmon",'
            '"Guid":"5770385F-C22A-43E0-BF4C-06F5698FFBD9"}},"EventID":1,"Version":5,"Level":4,'
            '"Task":1,"Opcode":0,"Keywords":"0x8000000000000000","TimeCreated":{"#attributes":'
            '{"SystemTime":"')
RECORD_ID = '"}},"EventRecordID":'
SEC_TAIL = (',"Correlation":null,"Execution":{"#attributes":{"ProcessID":4,"ThreadID":%d}},'
            '"Channel":"Security","Computer":%s,"Security":null},"EventData":{%s,'
            '"NewProcessId":"0x%x","NewProcessName":%s,"TokenElevationType":"%s",'
            '"ProcessId":"0x%x","CommandLine":%s,"TargetUserSid":"S-1-0-0","TargetUserName":"-",'
            '"TargetDomainName":"-","TargetLogonId":"0x0","ParentProcessName":%s,'
            '"MandatoryLabel":"%s"}}}\n')
SYS_TAIL = (',"Correlation":null,"Execution":{"#attributes":{"ProcessID":%d,"ThreadID":%d}},'
            '"Channel":"Microsoft-Windows-Sysmon/Operational","Computer":%s,'
            '"Security":{"#attributes":{"UserID":"S-1-5-18"}}},"EventData":{"RuleName":"-",'
            '"UtcTime":"%s.%03d","ProcessGuid":"%s","ProcessId":%d,"Image":%s,%s,'
            '"CommandLine":%s,"CurrentDirectory":%s,%s,"Hashes":"%s","ParentProcessGuid":"%s",'
            '"ParentProcessId":%d,"ParentImage":%s,"ParentCommandLine":%s,"ParentUser":%s}}}\n')

# --- programs: version resources as Sysmon reports them --------------------------------------
WIN = ("Microsoft® Windows® Operating System", "Microsoft Corporation",
       "10.0.19041.1 (WinBuild.160101.0800)")
# lower-case file name -> (Description, OriginalFileName, (Product, Company, FileVersion))
PE_INFO = {
    "cmd.exe": ("Windows Command Processor", "Cmd.Exe", WIN),
    "conhost.exe": ("Console Window Host", "CONHOST.EXE", WIN),
    "svchost.exe": ("Host Process for Windows Services", "svchost.exe", WIN),
    "services.exe": ("Services and Controller app", "services.exe", WIN),
    "explorer.exe": ("Windows Explorer", "EXPLORER.EXE", WIN),
    "userinit.exe": ("Userinit Logon Application", "USERINIT.EXE", WIN),
    "winlogon.exe": ("Windows Logon Application", "WINLOGON.EXE", WIN),
    "runtimebroker.exe": ("Runtime Broker", "RuntimeBroker.exe", WIN),
    "dllhost.exe": ("COM Surrogate", "dllhost.exe", WIN),
    "backgroundtaskhost.exe": ("Background Task Host", "backgroundTaskHost.exe", WIN),
    "smartscreen.exe": ("Windows Defender SmartScreen", "smartscreen.exe", WIN),
    "wmiprvse.exe": ("WMI Provider Host", "Wmiprvse.exe", WIN),
    "sppextcomobj.exe": ("KMS Connection Broker", "sppextcomobj.exe", WIN),
    "searchindexer.exe": ("Microsoft Windows Search Indexer", "SearchIndexer.exe", WIN),
    "searchprotocolhost.exe": ("Microsoft Windows Search Protocol Host", "SearchProtocolHost.exe",
                               WIN),
    "searchfilterhost.exe": ("Microsoft Windows Search Filter Host", "SearchFilterHost.exe", WIN),
    "taskhostw.exe": ("Host Process for Windows Tasks", "taskhostw.exe", WIN),
    "usoclient.exe": ("UsoClient", "USOCLIENT.EXE", WIN),
    "sihclient.exe": ("SIH Client", "sihclient.exe", WIN),
    "compattelrunner.exe": ("Microsoft Compatibility Telemetry", "CompatTelRunner.exe", WIN),
    "defrag.exe": ("Disk Defragmenter Module", "Defrag.EXE", WIN),
    "cleanmgr.exe": ("Disk Space Cleanup Manager for Windows", "CLEANMGR.EXE", WIN),
    "msiexec.exe": ("Windows® installer", "msiexec.exe", WIN),
    "trustedinstaller.exe": ("Windows Modules Installer", "TrustedInstaller.exe", WIN),
    "tiworker.exe": ("Windows Modules Installer Worker", "TiWorker.exe", WIN),
    "gpscript.exe": ("Script for Group Policy", "GPSCRIPT.EXE", WIN),
    "gpupdate.exe": ("Microsoft® Windows Group Policy Update Utility", "gpupdate.exe", WIN),
    "cscript.exe": ("Microsoft ® Console Based Script Host", "cscript.exe", WIN),
    "powershell.exe": ("Windows PowerShell", "PowerShell.EXE", WIN),
    "notepad.exe": ("Notepad", "NOTEPAD.EXE", WIN),
    "mspaint.exe": ("Paint", "MSPAINT.EXE", WIN),
    "snippingtool.exe": ("Snipping Tool", "SnippingTool.exe", WIN),
    "calc.exe": ("Windows Calculator", "CALC.EXE", WIN),
    "mstsc.exe": ("Remote Desktop Connection", "mstsc.exe", WIN),
    "mmc.exe": ("Microsoft Management Console", "mmc.exe", WIN),
    "taskmgr.exe": ("Task Manager", "Taskmgr.exe", WIN),
    "servermanager.exe": ("Server Manager", "ServerManager.exe", WIN),
    "splwow64.exe": ("Print driver host for applications", "splwow64.exe", WIN),
    "werfault.exe": ("Windows Problem Reporting", "WerFault.exe", WIN),
    "securityhealthsystray.exe": ("Windows Security notification icon",
                                  "SecurityHealthSystray.exe", WIN),
    "robocopy.exe": ("Microsoft Robocopy", "robocopy.exe", WIN),
    "w3wp.exe": ("IIS Worker Process", "w3wp.exe", WIN),
    "tasklist.exe": ("Lists the current running tasks", "tasklist.exe", WIN),
    "ipconfig.exe": ("IP Configuration Utility", "ipconfig.exe", WIN),
    "systeminfo.exe": ("Displays system information", "sysinfo.exe", WIN),
    "net.exe": ("Net Command", "net.exe", WIN),
    "net1.exe": ("Net Command", "net1.exe", WIN),
    "netstat.exe": ("TCP/IP Netstat Command", "netstat.exe", WIN),
    "whoami.exe": ("whoami - displays logged on user information", "whoami.exe", WIN),
    "qprocess.exe": ("Query Process Utility", "qprocess.exe", WIN),
    "query.exe": ("Query Utility", "query.exe", WIN),
    "quser.exe": ("Query User Utility", "quser.exe", WIN),
    "ping.exe": ("TCP/IP Ping Command", "ping.exe", WIN),
    "nltest.exe": ("Logon Server Test Utility", "nltestrk.exe", WIN),
    "at.exe": ("Schedule service command line interface", "AT.EXE", WIN),
    "reg.exe": ("Registry Console Tool", "reg.exe", WIN),
    "wmic.exe": ("WMI Commandline Utility", "wmic.exe", WIN),
    "wusa.exe": ("Windows Update Standalone Installer", "wusa.exe", WIN),
    "netsh.exe": ("Network Command Shell", "netsh.exe", WIN),
    "sc.exe": ("Service Control Manager Configuration Tool", "sc.exe", WIN),
    "rundll32.exe": ("Windows host process (Rundll32)", "RUNDLL32.EXE", WIN),
    "route.exe": ("TCP/IP Route Command", "route.exe", WIN),
    "arp.exe": ("TCP/IP Arp Command", "arp.exe", WIN),
    "nbtstat.exe": ("TCP/IP NetBios Information", "nbtstat.exe", WIN),
    "certutil.exe": ("CertUtil.exe", "CertUtil.exe", WIN),
    "dsquery.exe": ("Microsoft AD DS/LDS query command line utility", "dsquery.exe", WIN),
    "csvde.exe": ("Active Directory Import Export utility", "csvde.exe", WIN),
    "mpcmdrun.exe": ("Microsoft Malware Protection Command Line Utility", "MpCmdRun.exe",
                     ("Microsoft® Windows® Operating System", "Microsoft Corporation",
                      "4.18.24010.12 (WinBuild.160101.0800)")),
    "chrome.exe": ("Google Chrome", "chrome.exe",
                   ("Google Chrome", "Google LLC", "122.0.6261.112")),
    "msedge.exe": ("Microsoft Edge", "msedge.exe",
                   ("Microsoft Edge", "Microsoft Corporation", "122.0.2365.80")),
    "msedgewebview2.exe": ("Microsoft Edge WebView2", "msedgewebview2.exe",
                           ("Microsoft Edge WebView2", "Microsoft Corporation", "122.0.2365.80")),
    "ms-teams.exe": ("Microsoft Teams", "ms-teams.exe",
                     ("Microsoft Teams", "Microsoft Corporation", "24033.811.2738.2546")),
    "onedrive.exe": ("Microsoft OneDrive", "OneDrive.exe",
                     ("Microsoft OneDrive", "Microsoft Corporation", "24.040.0225.0001")),
    "onedrivestandaloneupdater.exe": ("Standalone Updater", "OneDriveStandaloneUpdater.exe",
                                      ("Microsoft OneDrive", "Microsoft Corporation",
                                       "24.040.0225.0001")),
    "outlook.exe": ("Microsoft Outlook", "Outlook.exe",
                    ("Microsoft Outlook", "Microsoft Corporation", "16.0.17328.20162")),
    "winword.exe": ("Microsoft Word", "WinWord.exe",
                    ("Microsoft Office", "Microsoft Corporation", "16.0.17328.20162")),
    "excel.exe": ("Microsoft Excel", "Excel.exe",
                  ("Microsoft Office", "Microsoft Corporation", "16.0.17328.20162")),
    "powerpnt.exe": ("Microsoft PowerPoint", "POWERPNT.EXE",
                     ("Microsoft Office", "Microsoft Corporation", "16.0.17328.20162")),
    "officeclicktorun.exe": ("Microsoft Office Click-to-Run", "OfficeClickToRun.exe",
                             ("Microsoft Office", "Microsoft Corporation", "16.0.17328.20162")),
    "microsoftedgeupdate.exe": ("Microsoft Edge Update", "MicrosoftEdgeUpdate.exe",
                                ("Microsoft Edge Update", "Microsoft Corporation", "1.3.185.17")),
    "googleupdate.exe": ("Google Installer", "GoogleUpdate.exe",
                         ("Google Update", "Google LLC", "1.3.36.372")),
    "acrord32.exe": ("Adobe Acrobat Reader", "AcroRd32.exe",
                     ("Adobe Acrobat Reader", "Adobe Systems Incorporated", "23.8.20470.0")),
    "adobearm.exe": ("Adobe Reader and Acrobat Manager", "AdobeARM.exe",
                     ("Adobe Reader and Acrobat Manager", "Adobe Inc.", "1.824.460.1042")),
    "7zfm.exe": ("7-Zip File Manager", "7zFM.exe", ("7-Zip", "Igor Pavlov", "23.01")),
    "sqlagent.exe": ("SQL Server Agent", "SQLAGENT.EXE",
                     ("Microsoft SQL Server", "Microsoft Corporation", "2019.0150.4345.05")),
    "csc.exe": ("Visual C# Command Line Compiler", "csc.exe",
                ("Microsoft® .NET Framework", "Microsoft Corporation", "4.8.4084.0")),
}
UNKNOWN_PE = ("-", "-", ("-", "-", "-"))


def basename(path):
    return path.rsplit("\\", 1)[-1]


class Image:
    """One executable: its path (raw and as JSON) and the Sysmon fields of its file."""
    __slots__ = ("path", "j", "pe", "hashes")

    def __init__(self, path, pe=None):
        self.path = path
        self.j = jstr(path)
        desc, orig, (product, company, version) = pe or PE_INFO.get(basename(path).lower(),
                                                                    UNKNOWN_PE)
        self.pe = ('"FileVersion":%s,"Description":%s,"Product":%s,"Company":%s,'
                   '"OriginalFileName":%s' % (jstr(version), jstr(desc), jstr(product),
                                              jstr(company), jstr(orig)))
        seed = ("cmdsentry-bench:" + path.lower()).encode()
        self.hashes = "MD5=%s,SHA256=%s,IMPHASH=%s" % (
            hashlib.md5(seed).hexdigest().upper(), hashlib.sha256(seed).hexdigest().upper(),
            hashlib.md5(seed + b"imp").hexdigest().upper())


_images = {}


def image(path):
    img = _images.get(path)
    if img is None:
        img = _images[path] = Image(path)
    return img


class Account:
    """A token: who (4688 Subject*, Sysmon User/Logon*) and at what integrity."""
    __slots__ = ("name", "sec", "sysmon", "j_user", "elevation", "label")

    def __init__(self, host, sid, domain, name, logon_id, session, level, logon_time):
        self.name = name
        self.sec = ('"SubjectUserSid":"%s","SubjectUserName":%s,"SubjectDomainName":%s,'
                    '"SubjectLogonId":"0x%x"' % (sid, jstr(name), jstr(domain), logon_id))
        le = logon_id.to_bytes(8, "little").hex().upper()
        guid = "%s-%04X-%04X-%s-%s" % (host.gid, logon_time & 0xFFFF, (logon_time >> 16) & 0xFFFF,
                                       le[:4], le[4:16])
        self.j_user = jstr(("NT AUTHORITY" if sid in SERVICE_SIDS else domain) + "\\" +
                           SERVICE_SIDS.get(sid, name))
        integrity, self.label, self.elevation = LEVELS[level]
        self.sysmon = ('"User":%s,"LogonGuid":"%s","LogonId":"0x%x","TerminalSessionId":%d,'
                       '"IntegrityLevel":"%s"' % (self.j_user, guid, logon_id, session, integrity))


SERVICE_SIDS = {"S-1-5-18": "SYSTEM", "S-1-5-19": "LOCAL SERVICE", "S-1-5-20": "NETWORK SERVICE"}
# level -> (Sysmon IntegrityLevel, 4688 MandatoryLabel, 4688 TokenElevationType)
LEVELS = {"medium": ("Medium", "S-1-16-8192", "%%1938"), "high": ("High", "S-1-16-12288", "%%1937"),
          "system": ("System", "S-1-16-16384", "%%1936"), "low": ("Low", "S-1-16-4096", "%%1938")}


class Proc:
    __slots__ = ("pid", "guid", "img", "j_cmd", "acct", "j_cwd")

    def __init__(self, pid, guid, img, j_cmd, acct, j_cwd):
        self.pid, self.guid, self.img, self.j_cmd, self.acct, self.j_cwd = (
            pid, guid, img, j_cmd, acct, j_cwd)


class Session:
    """A user's logon on a workstation for one day and the programs it has open."""
    __slots__ = ("day", "acct", "high", "explorer", "chrome", "edge", "teams", "outlook",
                 "client_id", "cmd")

    def __init__(self, day, acct, high, explorer):
        self.day, self.acct, self.high, self.explorer = day, acct, high, explorer
        self.chrome = self.edge = self.teams = self.outlook = self.cmd = None
        self.client_id = 5


class Host:
    def __init__(self, rng, index, name, role, t0):
        self.index, self.name, self.role = index, name, role
        self.fqdn = name + "." + DNS
        self.j_fqdn = jstr(self.fqdn)
        self.gid = "%08X" % rng.getrandbits(32)
        self.boot = rng.randrange(1, 250)
        self.guid_counter = rng.randrange(0x1000, 0x8000)
        self.next_pid = 4 * rng.randrange(300, 2000)
        self.sec_tids = [4 * rng.randrange(20, 4000) for _ in range(3)]
        self.sysmon_pid = 4 * rng.randrange(500, 1200)
        self.sysmon_tid = 4 * rng.randrange(500, 2000)
        self.reserved = set()
        self.user = None
        self.session = None
        self.rat = None           # the attacker's process on this host, once there
        self.attacks = 0
        boot_time = t0 // US - rng.randrange(3600, 20 * 86400)
        self.system = Account(self, "S-1-5-18", DOMAIN, name.upper() + "$", 0x3e7, 0, "system",
                              boot_time)
        self.local_service = Account(self, "S-1-5-19", "NT AUTHORITY", "LOCAL SERVICE", 0x3e5, 0,
                                     "system", boot_time)
        self.network_service = Account(self, "S-1-5-20", "NT AUTHORITY", "NETWORK SERVICE", 0x3e4,
                                       0, "system", boot_time)
        self.boot_time = boot_time


FIRST = ["aiko", "ben", "chloe", "daniel", "emma", "farid", "grace", "hiro", "ines", "jonas",
         "kenji", "lena", "marco", "nadia", "oscar", "priya", "quentin", "rosa", "sven", "tomoko",
         "umar", "vera", "wei", "xavier", "yuki", "zoe", "akira", "bianca", "carlos", "dmitri"]
LAST = ["kimura", "smith", "chen", "garcia", "patel", "nguyen", "muller", "tanaka", "dubois",
        "kowalski", "rossi", "silva", "jensen", "novak", "sato", "brown", "ito", "martin", "weber",
        "costa", "fischer", "suzuki", "lopez", "moreau", "nakamura", "hansen", "yamamoto", "kaya",
        "walsh", "okafor", "berg", "ferrari", "haddad", "ivanova", "lindqvist", "mori", "park",
        "quinn", "reyes", "schmidt"]
SERVER_ROLES = ["dc01", "fs01", "app01", "sql01", "dc02", "exch01", "web01", "fs02", "backup01",
                "print01", "app02", "sql02", "web02", "dc03", "fs03"]
DOCS = ["Budget 2025.xlsx", "Q1 report.docx", "Team offsite.pptx", "Invoice 4711.pdf",
        "報告書_Q4.docx", "Contract draft v3.docx", "Forecast.xlsx", "Onboarding.pptx",
        "Réunion compte rendu.docx", "Travel expenses.xlsx", "Roadmap.pptx", "Minutes.docx"]
CLSIDS = ["{3EB3C877-1F16-487C-9050-104DBCD66683}", "{AB8902B4-09CA-4BB6-B78D-A8F59079A8D5}",
          "{973D20D7-562D-44B9-B70B-5A0F49CCDF3F}", "{E10F6C3A-F1AE-4ADC-AA9D-2FE65525666E}"]
SERVICES = ["BITS", "wuauserv", "DsSvc", "lfsvc", "WpnUserService_%x", "TrustedInstaller",
            "DoSvc", "UsoSvc", "CDPUserSvc_%x", "PcaSvc", "WinHttpAutoProxySvc", "TokenBroker"]
SVC_GROUPS = ["netsvcs -p", "LocalServiceNetworkRestricted -p", "LocalSystemNetworkRestricted -p",
              "UnistackSvcGroup", "NetworkService -p"]
CONHOST = "\\??\\C:\\Windows\\system32\\conhost.exe 0xffffffff -ForceV1"

# --- attacker commands: JPCERT/CC 2015 recon, discovery, spread ------------------------------
RECON = ["tasklist", "tasklist /v", "ver", "ipconfig /all", "systeminfo", "net time",
         "netstat -ano", "whoami", "whoami /all", "net start", "qprocess *", "query user", "set"]
DISCOVERY = ["dir \\\\{host}\\c$", "dir C:\\Users\\{user}\\Documents", "net view",
             "net view \\\\{fs}", "ping -n 1 {host}.corp.example", "net use",
             "net use \\\\{host}\\c$ /user:CORP\\{admin} {pw}",
             "type C:\\Users\\{user}\\Desktop\\pw.txt",
             "net user /domain", "net user {admin} /domain", "net localgroup administrators",
             'net group "domain admins" /domain', 'net group "domain computers" /domain',
             "dsquery computer -limit 0", "dsquery user -name adm* -limit 50",
             'csvde -f {tmp}\\ad.csv -r "(objectClass=user)" -l sAMAccountName,memberOf',
             "nltest /dclist:corp.example", "n^et us^er /domain"]
SPREAD = ["at \\\\{host} {hhmm} C:\\Windows\\Temp\\{ratname}",
          'reg query "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run"',
          "reg add HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run /v MsUpdate /t REG_SZ "
          '/d "{rat}" /f',
          "wmic /node:{target} /user:CORP\\{admin} /password:{pw} process call create "
          '"C:\\Windows\\Temp\\{ratname} -k 4443"',
          "wusa {tmp}\\kb.msu /extract:{tmp}\\kb /quiet",
          'netsh advfirewall firewall add rule name="Windows Update" dir=in action=allow '
          "protocol=TCP localport=4443",
          "netsh advfirewall set allprofiles state off",
          'sc \\\\{target} create {svc} binpath= "C:\\Windows\\Temp\\{ratname} -svc" start= auto',
          "rundll32.exe {tmp}\\wlbsctrl.dll,DllRegisterServer"]
CHAINABLE = ["ver", "ipconfig /all", "net view", "whoami", "systeminfo", "tasklist",
             "net user /domain", "net time", "netstat -ano", "net localgroup administrators"]
BUILTINS = {"ver", "set", "dir", "type", "copy", "del", "echo"}
# typed program -> (image, how long it runs in ms: low, high)
TOOLS = {"tasklist": ("tasklist.exe", 150, 900), "ipconfig": ("ipconfig.exe", 30, 200),
         "systeminfo": ("systeminfo.exe", 1500, 4000), "net": ("net.exe", 60, 1200),
         "netstat": ("NETSTAT.EXE", 100, 700), "whoami": ("whoami.exe", 20, 120),
         "qprocess": ("qprocess.exe", 30, 150), "query": ("query.exe", 40, 200),
         "ping": ("PING.EXE", 40, 1100), "nltest": ("nltest.exe", 80, 600),
         "at": ("at.exe", 50, 300), "reg": ("reg.exe", 20, 150),
         "wmic": ("wbem\\WMIC.exe", 500, 2500),
         "wusa": ("wusa.exe", 400, 2000), "netsh": ("netsh.exe", 80, 600),
         "sc": ("sc.exe", 40, 400), "rundll32.exe": ("rundll32.exe", 100, 900),
         "route": ("ROUTE.EXE", 20, 80), "arp": ("ARP.EXE", 20, 80),
         "nbtstat": ("nbtstat.exe", 30, 200)}
RAT_NAMES = ["mstsc_upd.exe", "RasTls.exe", "wuauclt32.exe", "AdobeARMHelper.exe",
             "OneDriveSync.exe"]


class Generator:
    def __init__(self, args, outs):
        self.rng = rng = random.Random(args.seed)
        self.outs = outs  # channel -> list of (file, buffer)
        self.limit = args.events // 2
        self.processes = 0
        self.attack_processes = 0
        self.attack_commands = 0
        self.attacking = False
        self.share = args.attack_share
        self.heap = []
        self.seq = 0
        self.rids = [{}, {}]
        self.written = [0, 0]
        self.t0 = calendar.timegm(time.strptime(args.start, "%Y-%m-%d")) * US
        self.days = args.days
        self.sec_cache = {}
        n_ws = args.hosts or max(16, args.events // 16000)
        n_srv = max(4, n_ws // 25)
        self.domain_sid = "S-1-5-21-%d-%d-%d" % (rng.randrange(10**9, 4 * 10**9),
                                                 rng.randrange(10**9, 4 * 10**9),
                                                 rng.randrange(10**9, 4 * 10**9))
        self.ws, self.servers = [], []
        for i in range(n_ws):
            self.ws.append(Host(rng, len(self.ws), "ws%04d" % (i + 1), "ws", self.t0))
        for i in range(n_srv):
            name = SERVER_ROLES[i] if i < len(SERVER_ROLES) else "srv%02d" % (i + 1)
            self.servers.append(Host(rng, n_ws + i, name, name.rstrip("0123456789"), self.t0))
        self.hosts = self.ws + self.servers
        self.fs = [h for h in self.servers if h.role == "fs"] or self.servers
        # users: one per workstation, a few IT admins with their adm- accounts
        names, self.users = set(), []
        for i in range(n_ws + max(3, n_ws // 40)):
            base = FIRST[rng.randrange(len(FIRST))][0] + LAST[rng.randrange(len(LAST))]
            name, k = base, 1
            while name in names:
                k += 1
                name = "%s%d" % (base, k)
            names.add(name)
            self.users.append((name, "%s-%d" % (self.domain_sid, 1104 + i)))
        for i, h in enumerate(self.ws):
            h.user = self.users[i]
        self.admins = [("adm-" + n, "%s-%d" % (self.domain_sid, 5100 + i))
                       for i, (n, _) in enumerate(self.users[n_ws:])]
        for h in self.hosts:
            self.boot_processes(h)
        # compromised workstations, each starting at its own time
        victims = rng.sample(self.ws, max(2, n_ws // 12))
        span = self.days * 86400 * US
        self.victims = sorted(((self.t0 + span * (0.05 + 0.6 * i / len(victims)) +
                                rng.randrange(3600 * US), h) for i, h in enumerate(victims)),
                              key=lambda v: v[0])
        self.infected = []

    # --- processes and records ---------------------------------------------------------------
    def pid(self, h):
        while True:
            h.next_pid += 4 * self.rng.randrange(1, 16)
            if h.next_pid > 0xFFF0:
                h.next_pid = 4 * self.rng.randrange(100, 400)
            if h.next_pid not in h.reserved:
                return h.next_pid

    def proc(self, h, t, path, cmd, acct, cwd):
        """A process that exists; emit() logs one."""
        h.guid_counter = (h.guid_counter + 1) & 0xFFFF
        s = t // US
        c = h.guid_counter
        guid = "%s-%04X-%04X-%02X%02X-0000000000%02X" % (h.gid, s & 0xFFFF, (s >> 16) & 0xFFFF,
                                                        c & 0xFF, c >> 8, h.boot)
        return Proc(self.pid(h), guid, image(path), jstr(cmd), acct, cwd)

    def stamp(self, t):
        s, us = divmod(t, US)
        pair = self.sec_cache.get(s)
        if pair is None:
            if len(self.sec_cache) > 8192:
                self.sec_cache.clear()
            tm = time.gmtime(s)
            pair = self.sec_cache[s] = (time.strftime("%Y-%m-%dT%H:%M:%S", tm),
                                        time.strftime("%Y-%m-%d %H:%M:%S", tm))
        return pair, us

    def emit(self, h, t, path, cmd, parent, acct=None, cwd=None, keep=False):
        """Starts a process at time t (microseconds) and logs it in both channels."""
        acct = acct or parent.acct
        p = self.proc(h, t, path, cmd, acct, cwd or parent.j_cwd)
        if keep:
            h.reserved.add(p.pid)
        if self.processes >= self.limit:
            return p
        self.processes += 1
        if self.attacking:
            self.attack_processes += 1
        rng = self.rng
        img, pimg = p.img, parent.img
        ts = t + rng.randrange(20, 900)
        (iso, _), us = self.stamp(ts)
        self.seq += 1
        heapq.heappush(self.heap, (ts, self.seq, 0, h, SEC_HEAD + iso + ".%06dZ" % us + RECORD_ID,
                                   SEC_TAIL % (h.sec_tids[self.seq % 3], h.j_fqdn, acct.sec, p.pid,
                                               img.j, acct.elevation, parent.pid, p.j_cmd,
                                               pimg.j, acct.label)))
        (_, utc), us = self.stamp(t)
        ms = us // MS
        ts = t + rng.randrange(800, 6000)
        (iso, _), us = self.stamp(ts)
        self.seq += 1
        heapq.heappush(self.heap, (ts, self.seq, 1, h, SYS_HEAD + iso + ".%06dZ" % us + RECORD_ID,
                                   SYS_TAIL % (h.sysmon_pid, h.sysmon_tid, h.j_fqdn, utc, ms,
                                               p.guid, p.pid, img.j, img.pe, p.j_cmd, p.j_cwd,
                                               acct.sysmon, img.hashes, parent.guid, parent.pid,
                                               pimg.j, parent.j_cmd, parent.acct.j_user)))
        return p

    def flush(self, until):
        """Writes every record older than until: no activity still to come starts before it."""
        heap, rids, outs, written = self.heap, self.rids, self.outs, self.written
        while heap and heap[0][0] < until:
            _, _, ch, h, head, tail = heapq.heappop(heap)
            ids = rids[ch]
            rid = ids.get(h.index)
            rid = ids[h.index] = (rid + 1) if rid else 1000 + 7919 * h.index % 90000
            line = head + str(rid) + tail
            written[ch] += 1
            for f, buf in outs[ch]:
                buf.append(line)
                if len(buf) >= 2048:
                    f.write("".join(buf))
                    buf.clear()

    # --- the hosts' standing processes (started before the window, not logged) --------------
    def boot_processes(self, h):
        t = h.boot_time * US
        cwd = jstr(SYS32)
        root = Proc(4, "%s-0000-0000-0000-000000000000" % h.gid, image("System"), jstr(""),
                    h.system, cwd)
        mk = lambda path, cmd, acct=h.system: self.keep(h, t, path, cmd, acct, cwd)
        h.services = mk(SYS32 + "services.exe", "C:\\Windows\\system32\\services.exe")
        h.winlogon = mk(SYS32 + "winlogon.exe", "winlogon.exe")
        h.dcom = mk(SYS32 + "svchost.exe", "C:\\Windows\\system32\\svchost.exe -k DcomLaunch -p")
        h.schedule = mk(SYS32 + "svchost.exe",
                        "C:\\Windows\\system32\\svchost.exe -k netsvcs -p -s Schedule")
        h.gpsvc = mk(SYS32 + "svchost.exe",
                     "C:\\Windows\\system32\\svchost.exe -k netsvcs -p -s gpsvc")
        h.indexer = mk(SYS32 + "SearchIndexer.exe",
                       "C:\\Windows\\system32\\SearchIndexer.exe /Embedding")
        h.wmiprvse = None
        if h.role == "app" or h.role == "web":
            h.w3wp = mk("C:\\Windows\\System32\\inetsrv\\w3wp.exe",
                        'c:\\windows\\system32\\inetsrv\\w3wp.exe -ap "DefaultAppPool" -v "v4.0" '
                        '-l "webengine4.dll" -a \\\\.\\pipe\\iisipm%08x -h '
                        '"C:\\inetpub\\temp\\apppools\\DefaultAppPool\\DefaultAppPool.config" '
                        '-w "" '
                        "-m 0" % self.rng.getrandbits(32), h.network_service)
        h.root = root

    def keep(self, h, t, path, cmd, acct, cwd):
        p = self.proc(h, t, path, cmd, acct, cwd)
        h.reserved.add(p.pid)
        return p

    def release(self, h, p):
        if p is not None:
            h.reserved.discard(p.pid)

    # --- everyday activity -------------------------------------------------------------------
    def user_session(self, h, t):
        """Today's logon of the workstation's user, made (and logged) at the first need."""
        day = (t - self.t0) // (86400 * US)
        s = h.session
        if s is not None and s.day == day:
            return s, t
        rng = self.rng
        if s is not None:
            for p in (s.explorer, s.chrome, s.edge, s.teams, s.outlook, s.cmd):
                self.release(h, p)
        name, sid = h.user
        logon_id = rng.randrange(0x100000, 0x4000000)
        session_id = rng.randrange(1, 4)
        acct = Account(h, sid, DOMAIN, name, logon_id, session_id, "medium", t // US)
        high = Account(h, sid, DOMAIN, name, logon_id + rng.randrange(1, 200), session_id, "high",
                       t // US)
        home = jstr("C:\\Users\\%s\\" % name)
        ui = self.emit(h, t, SYS32 + "userinit.exe", "C:\\Windows\\system32\\userinit.exe",
                       h.winlogon, acct, jstr(SYS32))
        t += rng.randrange(300, 1500) * MS
        ex = self.emit(h, t, "C:\\Windows\\explorer.exe", "C:\\Windows\\Explorer.EXE", ui, acct,
                       jstr(SYS32), keep=True)
        s = h.session = Session(day, acct, high, ex)
        t += rng.randrange(2000, 6000) * MS
        self.emit(h, t, SYS32 + "SecurityHealthSystray.exe",
                  '"C:\\Windows\\System32\\SecurityHealthSystray.exe" ', ex)
        t += rng.randrange(100, 900) * MS
        self.emit(h, t, "C:\\Users\\%s\\AppData\\Local\\Microsoft\\OneDrive\\OneDrive.exe" % name,
                  '"C:\\Users\\%s\\AppData\\Local\\Microsoft\\OneDrive\\OneDrive.exe" /background'
                  % name, ex, cwd=home)
        t += rng.randrange(100, 900) * MS
        s.teams = self.emit(h, t, "C:\\Program Files\\WindowsApps\\MSTeams_24033.811.2738.2546_x64"
                            "__8wekyb3d8bbwe\\ms-teams.exe",
                            '"C:\\Program Files\\WindowsApps\\MSTeams_24033.811.2738.2546_x64__'
                            '8wekyb3d8bbwe\\ms-teams.exe" msteams:system-initiated', ex, keep=True)
        if rng.random() < 0.6:
            # the domain logon script maps the home drive
            t += rng.randrange(200, 2000) * MS
            gp = self.emit(h, t, SYS32 + "gpscript.exe", "gpscript.exe /Logon", h.gpsvc, acct, home)
            t += rng.randrange(30, 200) * MS
            sh = self.emit(h, t, SYS32 + "cmd.exe",
                           'C:\\Windows\\system32\\cmd.exe /c '
                           '""\\\\corp.example\\NETLOGON\\logon.bat" "',
                           gp)
            self.emit(h, t + 2 * MS, SYS32 + "conhost.exe", CONHOST, sh)
            t += rng.randrange(20, 90) * MS
            net = self.emit(h, t, SYS32 + "net.exe",
                            "net  use H: \\\\%s\\home$\\%s /persistent:no"
                            % (self.fs[h.index % len(self.fs)].fqdn, name), sh)
            self.emit(h, t + rng.randrange(5, 20) * MS, SYS32 + "net1.exe",
                      "C:\\Windows\\system32\\net1  use H: \\\\%s\\home$\\%s /persistent:no"
                      % (self.fs[h.index % len(self.fs)].fqdn, name), net)
        return s, t + rng.randrange(1, 30) * US

    def browser(self, h, s, t, edge):
        rng = self.rng
        if edge:
            path = "C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe"
        else:
            path = "C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe"
        main = s.edge if edge else s.chrome
        if main is None:
            main = self.emit(h, t, path, '"%s" ' % path, s.explorer, keep=True,
                             cwd=jstr(path.rsplit("\\", 1)[0] + "\\"))
            if edge:
                s.edge = main
            else:
                s.chrome = main
            t += rng.randrange(50, 400) * MS
        s.client_id += 1
        kind = rng.random()
        common = ("--field-trial-handle=1992,i,%d,%d,262144 --mojo-platform-channel-handle=%d"
                  % (rng.getrandbits(62), rng.getrandbits(62), rng.randrange(1000, 9000)))
        if kind < 0.75:
            cmd = ('"%s" --type=renderer --lang=en-US --device-scale-factor=1 '
                   "--num-raster-threads=2 --enable-main-frame-before-activation "
                   "--renderer-client-id=%d --time-ticks-at-unix-epoch=-%d "
                   "--launch-time-ticks=%d %s /prefetch:1"
                   % (path, s.client_id, rng.getrandbits(50), rng.getrandbits(36), common))
        elif kind < 0.92:
            cmd = ('"%s" --type=utility --utility-sub-type=network.mojom.NetworkService '
                   "--lang=en-US --service-sandbox-type=none %s /prefetch:3" % (path, common))
        elif kind < 0.98:
            cmd = ('"%s" --type=gpu-process '
                   "--gpu-preferences=WAAAAAAAAADgAAAMAAAAAAAAAAAAAAAAAABgAAA"
                   "AAAA4AAAAAAAAAAAAAAAEAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA %s "
                   "/prefetch:2" % (path, common))
        else:
            cmd = ('"%s" --type=crashpad-handler "--user-data-dir=C:\\Users\\%s\\AppData\\Local\\'
                   'Google\\Chrome\\User Data" /prefetch:4 '
                   "--monitor-self-annotation=ptype=crashpad-"
                   "handler --database=C:\\Users\\%s\\AppData\\Local\\Google\\Chrome\\User Data\\"
                   "Crashpad" % (path, h.user[0], h.user[0]))
        self.emit(h, t, path, cmd, main)

    def teams(self, h, s, t):
        rng = self.rng
        path = ("C:\\Program Files (x86)\\Microsoft\\EdgeWebView\\Application\\122.0.2365.80\\"
                "msedgewebview2.exe")
        for _ in range(rng.choice((1, 1, 1, 2, 3))):
            self.emit(h, t, path,
                      '"%s" --type=renderer --noerrdialogs '
                      '--user-data-dir="C:\\Users\\%s\\AppData\\'
                      'Local\\Packages\\MSTeams_8wekyb3d8bbwe\\LocalCache\\Microsoft\\MSTeams\\'
                      'EBWebView" --webview-exe-name=ms-teams.exe --webview-exe-version=24033.811.'
                      "2738.2546 --embedded-browser-webview=1 --renderer-client-id=%d "
                      "--mojo-platform-channel-handle=%d /prefetch:1"
                      % (path, h.user[0], rng.randrange(4, 400), rng.randrange(1000, 9000)),
                      s.teams)
            t += rng.randrange(5, 800) * MS

    def office(self, h, s, t):
        rng = self.rng
        name = h.user[0]
        root = "C:\\Program Files\\Microsoft Office\\root\\Office16\\"
        if s.outlook is None:
            s.outlook = self.emit(h, t, root + "OUTLOOK.EXE", '"%sOUTLOOK.EXE" ' % root,
                                  s.explorer, keep=True)
            return
        doc = DOCS[rng.randrange(len(DOCS))]
        ext = doc.rsplit(".", 1)[1]
        app = {"xlsx": "EXCEL.EXE", "docx": "WINWORD.EXE", "pptx": "POWERPNT.EXE"}.get(ext)
        if rng.random() < 0.35:
            where = ("C:\\Users\\%s\\AppData\\Local\\Microsoft\\Windows\\INetCache\\Content.Outlook"
                     "\\%08X\\" % (name, rng.getrandbits(32)))
            parent = s.outlook
        else:
            where = rng.choice(("C:\\Users\\%s\\Documents\\", "C:\\Users\\%s\\OneDrive - Corp\\",
                                "C:\\Users\\%s\\Downloads\\")) % name
            parent = s.explorer
        if app is None:
            path = "C:\\Program Files (x86)\\Adobe\\Acrobat Reader DC\\Reader\\AcroRd32.exe"
            p = self.emit(h, t, path, '"%s" "%s%s"' % (path, where, doc), parent)
        elif app == "WINWORD.EXE":
            p = self.emit(h, t, root + app, '"%s%s" /n "%s%s" /o ""' % (root, app, where, doc),
                          parent)
        else:
            p = self.emit(h, t, root + app, '"%s%s" "%s%s"' % (root, app, where, doc), parent)
        if rng.random() < 0.05:
            self.emit(h, t + rng.randrange(5, 600) * US, "C:\\Windows\\splwow64.exe",
                      "C:\\Windows\\splwow64.exe 12288", p)

    def desktop(self, h, s, t):
        rng = self.rng
        name = h.user[0]
        r = rng.random()
        if r < 0.3:
            self.emit(h, t, SYS32 + "notepad.exe", '"C:\\Windows\\system32\\NOTEPAD.EXE" '
                      "C:\\Users\\%s\\Desktop\\notes.txt" % name, s.explorer)
        elif r < 0.45:
            self.emit(h, t, SYS32 + "SnippingTool.exe",
                      '"C:\\Windows\\system32\\SnippingTool.exe" ', s.explorer)
        elif r < 0.55:
            self.emit(h, t, SYS32 + "mspaint.exe", '"C:\\Windows\\system32\\mspaint.exe" ',
                      s.explorer)
        elif r < 0.67:
            self.emit(h, t, SYS32 + "calc.exe", '"C:\\Windows\\system32\\calc.exe" ', s.explorer)
        elif r < 0.77:
            path = "C:\\Program Files\\7-Zip\\7zFM.exe"
            self.emit(h, t, path, '"%s" "C:\\Users\\%s\\Downloads\\photos.zip"' % (path, name),
                      s.explorer)
        elif r < 0.95:
            self.emit(h, t, SYS32 + "Taskmgr.exe", '"C:\\Windows\\system32\\taskmgr.exe" /4',
                      s.explorer, s.high)
        elif r < 0.97:
            self.emit(h, t, SYS32 + "mstsc.exe", '"C:\\Windows\\system32\\mstsc.exe" /v:%s'
                      % self.servers[rng.randrange(len(self.servers))].fqdn, s.explorer)
        elif r < 0.99:
            path = "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe"
            ps = self.emit(h, t, path, '"%s" ' % path, s.explorer)
            self.emit(h, t + 3 * MS, SYS32 + "conhost.exe", CONHOST, ps)
        else:
            # a user's own console: the odd harmless command (findings, noise high)
            if s.cmd is None:
                s.cmd = self.emit(h, t, SYS32 + "cmd.exe", '"C:\\Windows\\system32\\cmd.exe" ',
                                  s.explorer, cwd=jstr("C:\\Users\\%s\\" % name), keep=True)
                self.emit(h, t + 2 * MS, SYS32 + "conhost.exe", CONHOST, s.cmd)
                t += rng.randrange(2, 30) * US
            line = rng.choice(("ipconfig  /flushdns", "ping  intranet.corp.example",
                               "ipconfig", "gpupdate  /force"))
            self.emit(h, t, SYS32 + line.split(" ", 1)[0] + ".exe", line, s.cmd)

    def background(self, h, t):
        rng = self.rng
        r = rng.random()
        sys_cwd = jstr(SYS32)
        if r < 0.42:
            # DcomLaunch's COM servers and brokers
            k = rng.random()
            if k < 0.3 and h.session is not None:
                s = h.session
                self.emit(h, t, SYS32 + "RuntimeBroker.exe",
                          "C:\\Windows\\System32\\RuntimeBroker.exe -Embedding", h.dcom, s.acct)
            elif k < 0.55:
                self.emit(h, t, SYS32 + "dllhost.exe", "C:\\Windows\\system32\\DllHost.exe "
                          "/Processid:" + CLSIDS[rng.randrange(len(CLSIDS))], h.dcom,
                          h.session.acct if h.session is not None and rng.random() < 0.5
                          else h.system)
            elif k < 0.7 and h.session is not None:
                self.emit(h, t, SYS32 + "backgroundTaskHost.exe",
                          '"C:\\Windows\\system32\\backgroundTaskHost.exe" -ServerName:'
                          "BackgroundTaskHost.WebAccountBackgroundManagerTask", h.dcom,
                          h.session.acct)
            elif k < 0.8 and h.session is not None:
                self.emit(h, t, SYS32 + "smartscreen.exe",
                          "C:\\Windows\\System32\\smartscreen.exe -Embedding", h.dcom,
                          h.session.acct)
            elif k < 0.92:
                self.emit(h, t, SYS32 + "wbem\\WmiPrvSE.exe",
                          "C:\\Windows\\system32\\wbem\\wmiprvse.exe -secured -Embedding", h.dcom,
                          h.network_service)
            else:
                self.emit(h, t, SYS32 + "SppExtComObj.Exe",
                          "C:\\Windows\\system32\\SppExtComObj.Exe -Embedding", h.dcom,
                          h.network_service)
        elif r < 0.57:
            # the search indexer's hosts
            n = rng.randrange(2, 10)
            if rng.random() < 0.6:
                self.emit(h, t, SYS32 + "SearchProtocolHost.exe",
                          '"C:\\Windows\\system32\\SearchProtocolHost.exe" Global\\UsGthrFltPipeMss'
                          "GthrPipe%d Global\\UsGthrCtrlFltPipeMssGthrPipe%d 1 -2147483646 "
                          '"Software\\Microsoft\\Windows Search" "Mozilla/4.0 (compatible; MSIE '
                          '6.0; Windows NT; MS Search 4.0 Robot)" "C:\\ProgramData\\Microsoft\\'
                          'Search\\Data\\Temp\\usgthrsvc" "DownLevelDaemon" ' % (n, n), h.indexer)
            else:
                a = 4 * rng.randrange(100, 400)
                self.emit(h, t, SYS32 + "SearchFilterHost.exe",
                          '"C:\\Windows\\system32\\SearchFilterHost.exe" 0 %d %d %d 8192 %d '
                          % (a, a + 4, a + 12, a + 8), h.indexer, h.local_service)
        elif r < 0.82:
            self.scheduled_task(h, t)
        elif r < 0.94:
            svc = SERVICES[rng.randrange(len(SERVICES))]
            if "%" in svc:
                svc %= rng.getrandbits(20)
            grp = SVC_GROUPS[rng.randrange(len(SVC_GROUPS))]
            self.emit(h, t, SYS32 + "svchost.exe",
                      "C:\\Windows\\system32\\svchost.exe -k %s -s %s" % (grp, svc), h.services,
                      h.system if rng.random() < 0.6 else h.local_service, sys_cwd)
        elif r < 0.98:
            self.updater(h, t)
        elif r < 0.983:
            mi = self.emit(h, t, SYS32 + "msiexec.exe", "C:\\Windows\\system32\\msiexec.exe /V",
                           h.services, h.system, sys_cwd)
            for _ in range(rng.randrange(1, 3)):
                t += rng.randrange(100, 3000) * MS
                self.emit(h, t, SYS32 + "msiexec.exe",
                          "C:\\Windows\\System32\\MsiExec.exe -Embedding %032X"
                          % rng.getrandbits(128),
                          mi)
        elif r < 0.998:
            ti = self.emit(h, t, "C:\\Windows\\servicing\\TrustedInstaller.exe",
                           "C:\\Windows\\servicing\\TrustedInstaller.exe", h.services, h.system,
                           sys_cwd)
            self.emit(h, t + rng.randrange(200, 2000) * MS,
                      "C:\\Windows\\WinSxS\\amd64_microsoft-windows-servicingstack_31bf3856ad364e35"
                      "_10.0.19041.3920_none_7e1c3b1d1e0c1a2b\\TiWorker.exe",
                      "C:\\Windows\\winsxs\\amd64_microsoft-windows-servicingstack_31bf3856ad364e35"
                      "_10.0.19041.3920_none_7e1c3b1d1e0c1a2b\\TiWorker.exe -Embedding", h.dcom,
                      h.system)
        else:
            self.gather_network_info(h, t)

    def scheduled_task(self, h, t):
        rng = self.rng
        r = rng.random()
        sch = h.schedule
        if r < 0.35:
            acct = h.session.acct if h.session is not None and rng.random() < 0.5 else h.system
            self.emit(h, t, SYS32 + "taskhostw.exe",
                      rng.choice(("taskhostw.exe {%08X-%04X-%04X-%04X-%012X}"
                                  % (rng.getrandbits(32), rng.getrandbits(16), rng.getrandbits(16),
                                     rng.getrandbits(16), rng.getrandbits(48)),
                                  "taskhostw.exe SYSTEM", "taskhostw.exe Install $(Arg0)",
                                  "taskhostw.exe -RegisterDevice -ProtectionStateChanged "
                                  "-FreeNetworkOnly")),
                      sch, acct)
        elif r < 0.5:
            path = ("C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.24010.12-0\\"
                    "MpCmdRun.exe")
            p = self.emit(h, t, path, '"%s" -IdleTask -TaskName WdCacheMaintenance' % path, sch,
                          h.system)
            self.emit(h, t + 3 * MS, SYS32 + "conhost.exe", CONHOST, p)
        elif r < 0.6:
            self.emit(h, t, SYS32 + "usoclient.exe",
                      "C:\\Windows\\system32\\usoclient.exe StartScan", sch, h.system)
        elif r < 0.68:
            self.emit(h, t, SYS32 + "sihclient.exe", "C:\\Windows\\System32\\sihclient.exe  /cv "
                      "%022x.0.1" % rng.getrandbits(88), sch, h.system)
        elif r < 0.76:
            self.emit(h, t, SYS32 + "CompatTelRunner.exe",
                      "C:\\Windows\\system32\\compattelrunner.exe "
                      "-m:appraiser.dll -f:DoScheduledTelemetryRun -cv:%s.2" % rng.getrandbits(40),
                      sch, h.system)
        elif r < 0.8:
            p = self.emit(h, t, SYS32 + "defrag.exe",
                          "C:\\Windows\\system32\\defrag.exe -c -h -o -$", sch, h.system)
            self.emit(h, t + 2 * MS, SYS32 + "conhost.exe", CONHOST, p)
        elif r < 0.9 and h.role == "ws" and h.session is not None:
            name = h.user[0]
            path = ("C:\\Users\\%s\\AppData\\Local\\Microsoft\\OneDrive\\24.040.0225.0001\\"
                    "OneDriveStandaloneUpdater.exe" % name)
            self.emit(h, t, path, '"%s" /reporting' % path, sch, h.session.acct)
        elif r < 0.94 and h.role == "fs" and 1 <= (t - self.t0) // US % 86400 // 3600 < 4:
            p = self.emit(h, t, SYS32 + "Robocopy.exe",
                          "robocopy D:\\Shares \\\\backup01.corp.example\\%s$ /MIR /R:1 /W:1 /NP "
                          "/LOG+:C:\\Logs\\robocopy.log" % h.name, sch, h.system)
            self.emit(h, t + 2 * MS, SYS32 + "conhost.exe", CONHOST, p)
        elif r > 0.99:
            # IT's inventory script
            path = "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe"
            p = self.emit(h, t, path, '"%s" -NoProfile -NonInteractive -ExecutionPolicy Bypass '
                          "-File \\\\corp.example\\NETLOGON\\inventory.ps1" % path, sch, h.system)
            self.emit(h, t + 2 * MS, SYS32 + "conhost.exe", CONHOST, p)
        else:
            self.emit(h, t, SYS32 + "taskhostw.exe", "taskhostw.exe", sch, h.system)

    def updater(self, h, t):
        rng = self.rng
        r = rng.random()
        if r < 0.4:
            path = "C:\\Program Files (x86)\\Microsoft\\EdgeUpdate\\MicrosoftEdgeUpdate.exe"
            p = self.emit(h, t, path, '"%s" /ua /installsource scheduler' % path, h.schedule,
                          h.system)
            self.emit(h, t + rng.randrange(300, 3000) * MS, path,
                      '"%s" /ping PD94bWwgdmVyc2lvbj0iMS4wIiBlbmNvZGluZz0iVVRGLTgiPz48cmVxdWVzdA=='
                      % path, p)
        elif r < 0.7:
            path = "C:\\Program Files (x86)\\Google\\Update\\GoogleUpdate.exe"
            self.emit(h, t, path, '"%s" /ua /installsource scheduler' % path, h.schedule, h.system)
        elif r < 0.85:
            path = ("C:\\Program Files\\Common Files\\Microsoft Shared\\ClickToRun\\"
                    "OfficeClickToRun.exe")
            self.emit(h, t, path, '"%s" /frequentupdate SCHEDULEDTASK displaylevel=False' % path,
                      h.schedule, h.system)
        else:
            path = "C:\\Program Files (x86)\\Common Files\\Adobe\\ARM\\1.0\\AdobeARM.exe"
            self.emit(h, t, path, '"%s" ' % path, h.schedule,
                      h.session.acct if h.session is not None else h.system)

    def gather_network_info(self, h, t):
        """A network diagnostics script: JPCERT's recon commands with a harmless parent."""
        rng = self.rng
        sc = self.emit(h, t, SYS32 + "cscript.exe", '"C:\\Windows\\system32\\cscript.exe" /nologo '
                       "C:\\Windows\\system32\\gatherNetworkInfo.vbs", h.schedule, h.system)
        t += 2 * MS
        self.emit(h, t, SYS32 + "conhost.exe", CONHOST, sc)
        for line in ('"C:\\Windows\\system32\\ipconfig.exe" /all',
                     '"C:\\Windows\\system32\\netsh.exe" interface ipv4 show subinterfaces',
                     '"C:\\Windows\\system32\\NETSTAT.EXE" -nao',
                     '"C:\\Windows\\system32\\ROUTE.EXE" print',
                     '"C:\\Windows\\system32\\ARP.EXE" -a',
                     '"C:\\Windows\\system32\\nbtstat.exe" -n',
                     '"C:\\Windows\\system32\\net.exe" config workstation'):
            t += rng.randrange(60, 700) * MS
            exe = line.split('"')[1]
            p = self.emit(h, t, SYS32 + basename(exe), line, sc)
            if exe.endswith("net.exe"):
                self.emit(h, t + 9 * MS, SYS32 + "net1.exe",
                          "C:\\Windows\\system32\\net1 config workstation", p)

    def server_work(self, h, t):
        rng = self.rng
        r = rng.random()
        if r < 0.3 and (h.role == "app" or h.role == "web"):
            self.emit(h, t, "C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319\\csc.exe",
                      '"C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319\\csc.exe" /noconfig '
                      '/fullpaths @"C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319\\'
                      "Temporary "
                      'ASP.NET Files\\root\\%08x\\%08x\\%s.cmdline"'
                      % (rng.getrandbits(32), rng.getrandbits(32), "".join(
                          rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(8))),
                      h.w3wp)
        elif r < 0.3 and h.role == "sql":
            path = ("C:\\Program Files\\Microsoft SQL Server\\MSSQL15.MSSQLSERVER\\MSSQL\\Binn\\"
                    "SQLAGENT.EXE")
            self.emit(h, t, path, '"%s" -i MSSQLSERVER' % path, h.services, h.network_service)
        elif 0.3 <= r < 0.32 and self.admins:
            # an admin's RDP session: consoles and snap-ins (the odd `net user` on a DC)
            name, sid = self.admins[rng.randrange(len(self.admins))]
            acct = Account(h, sid, DOMAIN, name, rng.randrange(0x100000, 0x4000000), 2, "high",
                           t // US)
            root = Proc(4 * rng.randrange(200, 3000), "%s-0000-0000-0000-000000000001" % h.gid,
                        image("C:\\Windows\\explorer.exe"), jstr("C:\\Windows\\Explorer.EXE"), acct,
                        jstr(SYS32))
            k = rng.random()
            if k < 0.6:
                self.emit(h, t, SYS32 + "mmc.exe", '"C:\\Windows\\system32\\mmc.exe" "C:\\Windows\\'
                          'system32\\%s"' % rng.choice(("dsa.msc", "gpmc.msc", "dnsmgmt.msc",
                                                        "eventvwr.msc", "services.msc")), root)
            elif k < 0.9:
                self.emit(h, t, SYS32 + "ServerManager.exe",
                          '"C:\\Windows\\system32\\ServerManager.exe" ', root)
            else:
                sh = self.emit(h, t, SYS32 + "cmd.exe", '"C:\\Windows\\system32\\cmd.exe" ', root)
                self.emit(h, t + 2 * MS, SYS32 + "conhost.exe", CONHOST, sh)
                t += rng.randrange(3, 40) * US
                target = self.users[rng.randrange(len(self.users))][0]
                net = self.emit(h, t, SYS32 + "net.exe", "net  user %s /domain" % target, sh)
                self.emit(h, t + 11 * MS, SYS32 + "net1.exe",
                          "C:\\Windows\\system32\\net1  user %s /domain" % target, net)
        else:
            self.background(h, t)

    # --- the attacker ------------------------------------------------------------------------
    def fill(self, h, text):
        rng = self.rng
        others = self.hosts
        target = self.servers[rng.randrange(len(self.servers))] if rng.random() < 0.7 else \
            self.ws[rng.randrange(len(self.ws))]
        user = h.user[0] if h.user else self.users[0][0]
        admin = self.admins[h.index % len(self.admins)][0] if self.admins else "administrator"
        return text.format(
            host=others[rng.randrange(len(others))].name,
            fs=self.fs[rng.randrange(len(self.fs))].name, user=user, admin=admin,
            pw=rng.choice(("Winter2025!", "P@ssw0rd1", "Corp#2025", "Spring25$")),
            tmp="C:\\Users\\%s\\AppData\\Local\\Temp" % user, target=target.name,
            rat=h.rat.img.path, ratname=basename(h.rat.img.path),
            svc=rng.choice(("WinUpdSvc", "MsSyncSvc", "DiagTrk2")),
            hhmm="%02d:%02d" % (rng.randrange(24), rng.randrange(60)))

    def infect(self, h, t):
        """An Outlook attachment starts the RAT on a workstation."""
        rng = self.rng
        s, t = self.user_session(h, t)
        if s.outlook is None:
            self.office(h, s, t)
            t += rng.randrange(5, 300) * US
        name = h.user[0]
        drop = self.emit(h, t, "C:\\Users\\%s\\AppData\\Local\\Microsoft\\Windows\\INetCache\\"
                         "Content.Outlook\\%08X\\Invoice_%04d.exe" % (name, rng.getrandbits(32),
                                                                      rng.randrange(10000)),
                         '"C:\\Users\\%s\\AppData\\Local\\Microsoft\\Windows\\INetCache\\Content.'
                         'Outlook\\Q8ZK2M1L\\Invoice.exe" ' % name, s.outlook)
        t += rng.randrange(500, 4000) * MS
        path = "C:\\Users\\%s\\AppData\\Local\\Temp\\%s" % (name,
                                                          RAT_NAMES[h.index % len(RAT_NAMES)])
        h.rat = self.emit(h, t, path, '"%s" -k 4443' % path, drop,
                          cwd=jstr("C:\\Users\\%s\\AppData\\Local\\Temp\\" % name), keep=True)
        self.infected.append(h)
        return t + rng.randrange(30, 600) * US

    def spawn(self, h, t, typed, shell):
        """The processes cmd.exe starts for one typed command; returns when it ends."""
        rng = self.rng
        clean = typed.replace("^", "")
        word, _, rest = clean.partition(" ")
        key = word.lower()
        if key in BUILTINS or key.strip('"') in BUILTINS:
            return t + rng.randrange(1, 40) * MS
        tool = TOOLS.get(key)
        if key in ("dsquery", "csvde"):
            path = "C:\\Users\\%s\\AppData\\Local\\Temp\\%s.exe" % (
                h.user[0] if h.user else "Public", key)
            low, high = 200, 1500
        elif tool:
            path, low, high = SYS32 + tool[0], tool[1], tool[2]
        else:
            path, low, high = SYS32 + word, 50, 500
        p = self.emit(h, t, path, word + "  " + rest if rest else word, shell)
        end = t + rng.randrange(low, high) * MS
        if key == "net":
            self.emit(h, t + rng.randrange(5, 25) * MS, SYS32 + "net1.exe",
                      "C:\\Windows\\system32\\net1  " + rest, p)
        elif key == "query" and rest.startswith("user"):
            self.emit(h, t + rng.randrange(5, 25) * MS, SYS32 + "quser.exe",
                      '"C:\\Windows\\system32\\quser.exe" ', p)
        elif key == "wmic" and "/node:" in rest:
            self.remote(rest.split("/node:", 1)[1].split(" ", 1)[0], end, "wmi")
        elif key == "sc" and " create " in rest:
            self.remote(rest.split("\\\\", 1)[1].split(" ", 1)[0], end, "service")
        return end

    def remote(self, name, t, how):
        """Lateral movement: the RAT starts on the named host (WMI or a new service)."""
        h = next((x for x in self.hosts if x.name == name), None)
        if h is None or h.rat is not None:
            return
        rng = self.rng
        ratname = RAT_NAMES[h.index % len(RAT_NAMES)]
        if how == "wmi":
            if h.wmiprvse is None:
                h.wmiprvse = self.emit(h, t, SYS32 + "wbem\\WmiPrvSE.exe",
                                       "C:\\Windows\\system32\\wbem\\wmiprvse.exe -secured "
                                       "-Embedding",
                                       h.dcom, h.network_service, keep=True)
                t += rng.randrange(50, 400) * MS
            admin, sid = (self.admins[0] if self.admins
                          else ("administrator", self.domain_sid + "-500"))
            acct = Account(h, sid, DOMAIN, admin, rng.randrange(0x100000, 0x4000000), 0, "high",
                           t // US)
            h.rat = self.emit(h, t, "C:\\Windows\\Temp\\" + ratname,
                              "C:\\Windows\\Temp\\%s -k 4443" % ratname, h.wmiprvse, acct,
                              keep=True)
        else:
            h.rat = self.emit(h, t + rng.randrange(1, 20) * US, "C:\\Windows\\Temp\\" + ratname,
                              "C:\\Windows\\Temp\\%s -svc" % ratname, h.services, h.system,
                              jstr(SYS32), keep=True)
        self.infected.append(h)

    def attack(self, t):
        rng = self.rng
        self.attacking = True
        while self.victims and self.victims[0][0] <= t:
            t = self.infect(self.victims.pop(0)[1], t)
        if not self.infected:
            self.attacking = False
            return False
        h = self.infected[rng.randrange(len(self.infected))]
        n = h.attacks
        phase = rng.random()
        if n < 12:
            pool = RECON if phase < 0.8 else DISCOVERY
        elif n < 40:
            pool = RECON if phase < 0.2 else DISCOVERY if phase < 0.9 else SPREAD
        else:
            pool = RECON if phase < 0.15 else DISCOVERY if phase < 0.65 else SPREAD
        form = rng.random()
        if form < 0.3:
            typed = [self.fill(h, c) for c in rng.sample(CHAINABLE, rng.randrange(2, 5))]
        else:
            typed = [self.fill(h, pool[rng.randrange(len(pool))])]
        h.attacks += 1
        self.attack_commands += len(typed)
        word = typed[0].split(" ", 1)[0].replace("^", "").lower()
        if form > 0.9 and len(typed) == 1 and word not in BUILTINS:
            # the RAT runs the program itself
            self.spawn(h, t, typed[0], h.rat)
        else:
            shell = self.emit(h, t, SYS32 + "cmd.exe",
                              rng.choice(("cmd.exe /c ", "C:\\Windows\\system32\\cmd.exe /c ",
                                          "cmd /c ")) + " & ".join(typed), h.rat)
            self.emit(h, t + rng.randrange(1, 4) * MS, SYS32 + "conhost.exe", CONHOST, shell)
            t += rng.randrange(15, 60) * MS
            for c in typed:
                t = self.spawn(h, t, c, shell) + rng.randrange(5, 30) * MS
        self.attacking = False
        return True

    # --- the clock ---------------------------------------------------------------------------
    def office_level(self, t):
        """How busy people are at t: 0 at night and on weekends, 1 mid-morning."""
        rem = (t - self.t0) // US % 86400
        weekday = (time.gmtime(t // US).tm_wday)
        hour = rem / 3600
        if weekday >= 5:
            return 0.03
        curve = [0, 0, 0, 0, 0, 0, 0.02, 0.25, 0.85, 1, 1, 1, 0.6, 0.95, 1, 1, 0.9, 0.65, 0.3,
                 0.12, 0.08, 0.05, 0.02, 0]
        return curve[int(hour)]

    def server_level(self, t):
        hour = ((t - self.t0) // US % 86400) / 3600
        return 1.0 + (0.6 if 1 <= hour < 4 else 0) + 0.5 * self.office_level(t)

    def run(self):
        rng = self.rng
        n_ws, n_srv = len(self.ws), len(self.servers)
        slices = self.days * 86400 * US // SLICE
        weights = []
        for i in range(slices):
            t = self.t0 + i * SLICE
            inter = n_ws * 1.6 * self.office_level(t)
            bg = n_ws * 0.18
            srv = n_srv * 1.5 * self.server_level(t)
            weights.append((inter, bg, srv))
        total = sum(a + b + c for a, b, c in weights)
        cum = 0.0
        for i, (inter, bg, srv) in enumerate(weights):
            cum += inter + bg + srv
            due = min(self.limit, round(self.limit * cum / total))
            start = self.t0 + i * SLICE
            while self.processes < due:
                t = start + rng.randrange(SLICE)
                if (self.share * self.processes > self.attack_processes and rng.random() < 0.3
                        and (self.infected or (self.victims and self.victims[0][0] <= t))):
                    if self.attack(t):
                        continue
                x = rng.random() * (inter + bg + srv)
                if x < inter:
                    h = self.ws[rng.randrange(n_ws)]
                    s, t = self.user_session(h, t)
                    k = rng.random()
                    if k < 0.48:
                        self.browser(h, s, t, k < 0.1)
                    elif k < 0.66:
                        self.teams(h, s, t)
                    elif k < 0.84:
                        self.office(h, s, t)
                    else:
                        self.desktop(h, s, t)
                elif x < inter + bg:
                    self.background(self.ws[rng.randrange(n_ws)], t)
                else:
                    self.server_work(self.servers[rng.randrange(n_srv)], t)
            self.flush(start + SLICE)
        self.flush(float("inf"))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--events", type=int, required=True,
                    help="log records to write (N // 2 processes, each in both logs)")
    ap.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    ap.add_argument("--out-dir", help="write DIR/security.jsonl and DIR/sysmon.jsonl")
    ap.add_argument("--interleaved", help="write both logs, interleaved in time order, to FILE")
    ap.add_argument("--hosts", type=int, default=0,
                    help="workstations (default: events / 16000, at least 16)")
    ap.add_argument("--days", type=int, default=7, help="days of event time (default 7)")
    ap.add_argument("--start", default="2025-03-10", help="first day, UTC (default 2025-03-10)")
    ap.add_argument("--attack-share", type=float, default=0.02,
                    help="share of processes that are the attacker's (default 0.02)")
    args = ap.parse_args()
    if not args.out_dir and not args.interleaved:
        ap.error("give --out-dir, --interleaved or both")
    if args.events < 2:
        ap.error("--events must be at least 2")
    begin = time.monotonic()
    files = []

    def open_out(path):
        f = open(path, "w", encoding="utf-8", newline="\n", buffering=1 << 20)
        files.append((f, path))
        return (f, [])

    outs = [[], []]
    if args.out_dir:
        os.makedirs(args.out_dir, exist_ok=True)
        outs[0].append(open_out(os.path.join(args.out_dir, "security.jsonl")))
        outs[1].append(open_out(os.path.join(args.out_dir, "sysmon.jsonl")))
    if args.interleaved:
        both = open_out(args.interleaved)
        outs[0].append(both)
        outs[1].append(both)
    gen = Generator(args, outs)
    gen.run()
    for ch in outs:
        for f, buf in ch:
            if buf:
                f.write("".join(buf))
                buf.clear()
    size = 0
    for f, path in files:
        f.close()
        size += os.path.getsize(path)
    took = time.monotonic() - begin
    records = sum(gen.written)
    if args.events % 2:
        print("make_org_logs: --events %d is odd: %d records written" % (args.events, records),
              file=sys.stderr)
    print("make_org_logs: %d records (%d processes in Security 4688 and Sysmon 1) from %d hosts "
          "(%d workstations, %d servers), %d users, %d days from %s; attacker: %d processes "
          "(%.2f %%), %d commands typed, %d hosts reached; %.1f MB written in %.1f s "
          "(%.0f records/s)"
          % (records, gen.processes, len(gen.hosts), len(gen.ws), len(gen.servers),
             len(gen.users) + len(gen.admins), args.days, args.start, gen.attack_processes,
             100.0 * gen.attack_processes / max(1, gen.processes), gen.attack_commands,
             len(gen.infected), size / 1e6, took, records / max(took, 1e-9)), file=sys.stderr)


if __name__ == "__main__":
    main()
