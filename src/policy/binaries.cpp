#include "policy/binaries.h"

#include <array>

#include <fmt/format.h>

#include "core/ascii.h"

namespace cmdsentry::policy {
namespace {

struct Entry {
  std::string_view command;
  std::array<Binary, 3> binaries;  // unused slots have an empty file_name
};

constexpr std::string_view kSys = "%SYSTEM32%";
constexpr std::string_view kWbem = "%SYSTEM32%\\wbem";

constexpr Entry kTable[] = {
    {"net", {{{"net.exe", "net.exe", kSys}, {"net1.exe", "net1.exe", kSys}}}},
    {"wmic", {{{"wmic.exe", "wmic.exe", kWbem}}}},
    {"at", {{{"at.exe", "at.exe", kSys}}}},
    {"sc", {{{"sc.exe", "sc.exe", kSys}}}},
    {"reg", {{{"reg.exe", "reg.exe", kSys}}}},
    {"schtasks", {{{"schtasks.exe", "schtasks.exe", kSys}}}},
    {"tasklist", {{{"tasklist.exe", "tasklist.exe", kSys}}}},
    {"ipconfig", {{{"ipconfig.exe", "ipconfig.exe", kSys}}}},
    {"systeminfo", {{{"systeminfo.exe", "sysinfo.exe", kSys}}}},
    {"netstat", {{{"netstat.exe", "netstat.exe", kSys}}}},
    {"whoami", {{{"whoami.exe", "whoami.exe", kSys}}}},
    {"query",
     {{{"query.exe", "query.exe", kSys},
       {"quser.exe", "quser.exe", kSys},
       {"qprocess.exe", "qprocess.exe", kSys}}}},
    {"qprocess",
     {{{"qprocess.exe", "qprocess.exe", kSys},
       {"query.exe", "query.exe", kSys},
       {"quser.exe", "quser.exe", kSys}}}},
    {"quser", {{{"quser.exe", "quser.exe", kSys}}}},
    {"qwinsta", {{{"qwinsta.exe", "qwinsta.exe", kSys}}}},
    {"nltest", {{{"nltest.exe", "nltestrk.exe", kSys}}}},
    {"dsquery", {{{"dsquery.exe", "dsquery.exe", kSys}}}},
    {"csvde", {{{"csvde.exe", "csvde.exe", kSys}}}},
    {"ldifde", {{{"ldifde.exe", "ldifde.exe", kSys}}}},
    {"netsh", {{{"netsh.exe", "netsh.exe", kSys}}}},
    {"wusa", {{{"wusa.exe", "wusa.exe", kSys}}}},
    {"rundll32", {{{"rundll32.exe", "RUNDLL32.EXE", kSys}}}},
    {"ntdsutil", {{{"ntdsutil.exe", "ntdsutil.exe", kSys}}}},
    {"vssadmin", {{{"vssadmin.exe", "VSSADMIN.EXE", kSys}}}},
    {"wevtutil", {{{"wevtutil.exe", "wevtutil.exe", kSys}}}},
    {"bcdedit", {{{"bcdedit.exe", "bcdedit.exe", kSys}}}},
    {"certutil", {{{"certutil.exe", "CertUtil.exe", kSys}}}},
    {"bitsadmin", {{{"bitsadmin.exe", "bitsadmin.exe", kSys}}}},
    {"nslookup", {{{"nslookup.exe", "nslookup.exe", kSys}}}},
    {"arp", {{{"arp.exe", "arp.exe", kSys}}}},
    {"route", {{{"route.exe", "route.exe", kSys}}}},
    {"nbtstat", {{{"nbtstat.exe", "nbtstat.exe", kSys}}}},
    {"mshta", {{{"mshta.exe", "MSHTA.EXE", kSys}}}},
    {"regsvr32", {{{"regsvr32.exe", "REGSVR32.EXE", kSys}}}},
    {"ping", {{{"ping.exe", "ping.exe", kSys}}}},
    {"hostname", {{{"hostname.exe", "hostname.exe", kSys}}}},
    {"gpresult", {{{"gpresult.exe", "gprslt.exe", kSys}}}},
    {"findstr", {{{"findstr.exe", "findstr.exe", kSys}}}},
    {"cmdkey", {{{"cmdkey.exe", "cmdkey.exe", kSys}}}},
    {"klist", {{{"klist.exe", "klist.exe", kSys}}}},
    {"fsutil", {{{"fsutil.exe", "fsutil.exe", kSys}}}},
    {"winrs", {{{"winrs.exe", "winrs.exe", kSys}}}},
};

bool names(const Binary& b, std::string_view s) {
  return iequals(b.file_name, s) || iequals(b.original_file_name, s);
}

}  // namespace

std::vector<Binary> binaries_for(std::string_view command) {
  std::vector<Binary> out;
  for (const Entry& e : kTable) {
    bool hit = iequals(e.command, command);
    for (const Binary& b : e.binaries) hit = hit || (!b.file_name.empty() && names(b, command));
    if (!hit) continue;
    for (const Binary& b : e.binaries) {
      if (!b.file_name.empty()) out.push_back(b);
    }
    // "net.exe" asked by file name: only that binary and its helpers of the same entry.
    return out;
  }
  return out;
}

std::vector<std::string_view> known_commands() {
  std::vector<std::string_view> out;
  for (const Entry& e : kTable) out.push_back(e.command);
  return out;
}

std::vector<std::string> binary_paths(const Binary& b) {
  std::vector<std::string> out{fmt::format("{}\\{}", b.directory, b.file_name)};
  std::string_view rest = b.directory;
  rest.remove_prefix(kSys.size());
  out.push_back(fmt::format("%WINDIR%\\SysWOW64{}\\{}", rest, b.file_name));
  return out;
}

}  // namespace cmdsentry::policy
