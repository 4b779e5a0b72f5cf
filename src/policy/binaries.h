#pragma once
/// The Windows binaries behind the command names of the study (JPCERT/CC 2015) and the
/// knowledge base: `net` runs net.exe, which re-launches net1.exe; `query` runs query.exe,
/// which starts quser/qprocess/qwinsta. A restriction of a command restricts all of them.
///
/// Original file names are the version-resource names Sysmon logs as OriginalFileName (they
/// differ from the file name for a few: systeminfo.exe is "sysinfo.exe", nltest.exe
/// "nltestrk.exe"). Verify on the target build with Get-AppLockerFileInformation before
/// enforcing (docs/policy.md).

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace cmdsentry::policy {

/// One Microsoft-signed binary.
struct Binary {
  std::string_view file_name;           ///< "net1.exe"
  std::string_view original_file_name;  ///< version-resource OriginalFilename
  std::string_view directory;           ///< AppLocker path of its folder: "%SYSTEM32%"
};

/// The binaries a command name runs ("net" -> net.exe, net1.exe); empty when unknown. Matches
/// command names ("net"), file names ("net.exe") and original file names, case-insensitively.
[[nodiscard]] std::vector<Binary> binaries_for(std::string_view command);

/// Every command name the table knows, for --help and error messages.
[[nodiscard]] std::vector<std::string_view> known_commands();

/// The AppLocker paths a binary is found at: its folder under %SYSTEM32% (which AppLocker
/// takes as System32 and SysWOW64) and the SysWOW64 copy spelled out.
[[nodiscard]] std::vector<std::string> binary_paths(const Binary& b);

}  // namespace cmdsentry::policy
