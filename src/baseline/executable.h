#pragma once
/// Where an executable lives, in the terms an AppLocker policy can use: a path class for the
/// baseline ("system", "program-files", "user-writable", ...) and the path with AppLocker's own
/// variables (%SYSTEM32% covers System32 and SysWOW64, %PROGRAMFILES% both Program Files).

#include <string>
#include <string_view>

namespace cmdsentry::baseline {

/// "system" (Windows folder outside its writable subfolders), "program-files",
/// "user-writable" (profiles, temp, ProgramData, Windows\Temp), "network" (\\host\share),
/// "other" (another folder), "unknown" (no path logged), "builtin" (cmd.exe builtin).
[[nodiscard]] std::string path_class(std::string_view image);

/// The path written with AppLocker path variables, lower case
/// ("c:\windows\system32\net.exe" -> "%SYSTEM32%\net.exe"); paths on C: (taken as the OS
/// drive) always get one; other paths are only lower-cased.
[[nodiscard]] std::string applocker_path(std::string_view image);

}  // namespace cmdsentry::baseline
