#pragma once
/// Program identity: which program a path, a typed word or an OriginalFileName names.
///
/// `C:\Windows\System32\NET1.EXE`, `"net"`, `n"e"t.exe`, `%SystemRoot%\system32\net.exe.` and
/// `..\..\net.exe` all name `net1`/`net`: drop quotes and directory, fold case, drop trailing dots
/// and spaces (Windows ignores them) and strip the .exe/.com extension (tree.com, chcp.com).
/// OriginalFileName values have their own quirks (systeminfo.exe -> sysinfo.exe, nltest.exe ->
/// nltestrk.exe, pwsh.exe -> pwsh.dll); they are folded back to the program's usual name so a
/// copy is only "renamed" when it really runs another program.

#include <string>
#include <string_view>

namespace cmdsentry::cmdline {

/// A program name split into its parts.
struct ProgramName {
  std::string name;       ///< lower-case base name without .exe/.com ("net1", "tree")
  std::string file;       ///< base file name as written, quotes removed ("NET1.EXE")
  std::string extension;  ///< lower-case extension including the dot; empty when absent
};

/// Identity of a path or typed word.
[[nodiscard]] ProgramName program_name(std::string_view path_or_word);

/// Program named by an OriginalFileName value, with the known version-resource quirks folded
/// (sysinfo -> systeminfo, nltestrk -> nltest, drvqry -> driverquery, pwsh.dll -> pwsh,
/// bsdtar -> tar, gprslt -> gpresult, nbtinfo -> nbtstat, psexec.c -> psexec...). Empty input and
/// the placeholders collectors write for "no version resource" ("-", "?") give an empty name.
[[nodiscard]] std::string program_from_original_file_name(std::string_view ofn);

/// True for cmd.exe's internal commands (dir, type, ver, set, time, echo, cd, copy, del...).
[[nodiscard]] bool is_cmd_builtin(std::string_view lower_name);

/// True for powershell / pwsh / powershell_ise.
[[nodiscard]] bool is_powershell(std::string_view lower_name);

}  // namespace cmdsentry::cmdline
