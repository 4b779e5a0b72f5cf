#include "cmdline/program.h"

#include <algorithm>
#include <array>

#include "cmdline/text.h"

namespace cmdsentry::cmdline {
namespace {

// Extensions stripped from the identity: what CreateProcess runs directly.
constexpr std::array<std::string_view, 2> kStrippedExtensions = {".exe", ".com"};

// Extensions that still count as a file extension (recorded, not stripped).
constexpr std::array<std::string_view, 8> kKnownExtensions = {".exe", ".com", ".bat", ".cmd",
                                                              ".ps1", ".vbs", ".js",  ".dll"};

// OriginalFileName (lower-case, extension stripped) -> program name: the version resources of
// real binaries whose OriginalFileName is not their file name. Source of each row: Sysmon
// event 1 records in ../shared/data/evtx (image and OriginalFileName side by side) and SigmaHQ
// process-creation rules that pair `Image|endswith` with `OriginalFileName` (see
// docs/cmdline.md, "OriginalFileName table").
struct Alias {
  std::string_view from;
  std::string_view to;
};
constexpr std::array<Alias, 14> kOfnAliases = {{
    {"sysinfo", "systeminfo"},  // systeminfo.exe (data: OTRF, mdecrevoisier; Sigma)
    {"nltestrk", "nltest"},     // nltest.exe (Sigma proc_creation_win_nltest_*)
    {"drvqry", "driverquery"},  // driverquery.exe (Sigma driverquery_usage)
    {"gprslt", "gpresult"},     // gpresult.exe (data: OTRF gpresult.exe / gprslt.exe)
    {"nbtinfo", "nbtstat"},     // nbtstat.exe (Windows 10/11 version resource)
    {"psexec.c", "psexec"},     // PsExec.exe and PsExec64.exe (data: OTRF; Sigma psexec)
    {"wlrmndr", "wlrmdr"},      // wlrmdr.exe (data; Sigma wlrmdr_uncommon_child_process)
    {"tsthemes", "tstheme"},    // tstheme.exe (data: sbousseaden)
    {"pwsh.dll", "pwsh"},       // pwsh.exe (Sigma)
    {"bsdtar", "tar"},          // tar.exe (Sigma tar_compression)
    {"adexp", "adexplorer"},  // ADExplorer.exe, ADExplorer64.exe (Sigma sysinternals_adexplorer_*)
    {"certmgt", "certmgr"},   // CertMgr.exe (Sigma certmgr_certificate_installation)
    // createdump.exe of .NET Core leaves its version resource's placeholder (Sigma createdump_*).
    {"fx_ver_internalname_str", "createdump"},
    {"powershell_ise", "powershell_ise"},
}};

// Placeholders some collectors write when the version resource has no OriginalFileName.
constexpr std::array<std::string_view, 3> kNoOriginalFileName = {"-", "?", "n/a"};

constexpr std::array<std::string_view, 44> kBuiltins = {
    "assoc",  "break", "call",  "cd",    "chdir",    "cls",    "color",  "copy",  "date",
    "del",    "dir",   "dpath", "echo",  "endlocal", "erase",  "exit",   "for",   "ftype",
    "goto",   "if",    "md",    "mkdir", "mklink",   "move",   "path",   "pause", "popd",
    "prompt", "pushd", "rd",    "rem",   "ren",      "rename", "rmdir",  "set",   "setlocal",
    "shift",  "start", "time",  "title", "type",     "ver",    "verify", "vol"};

}  // namespace

ProgramName program_name(std::string_view path_or_word) {
  std::string text;
  text.reserve(path_or_word.size());
  for (char c : path_or_word) {
    if (c != '"') text += c;
  }
  std::string_view v = trim(text);
  const std::size_t slash = last_path_separator(v);
  if (slash != std::string_view::npos) v.remove_prefix(slash + 1);
  // Windows ignores trailing dots and spaces in file names.
  while (!v.empty() && (v.back() == '.' || v.back() == ' ')) v.remove_suffix(1);

  ProgramName out;
  out.file.assign(v);
  std::string lower = to_lower(v);
  const std::size_t dot = lower.rfind('.');
  if (dot != std::string::npos && dot > 0) {
    const std::string_view ext = std::string_view(lower).substr(dot);
    if (std::find(kKnownExtensions.begin(), kKnownExtensions.end(), ext) !=
        kKnownExtensions.end()) {
      out.extension.assign(ext);
    }
    if (std::find(kStrippedExtensions.begin(), kStrippedExtensions.end(), ext) !=
        kStrippedExtensions.end()) {
      lower.resize(dot);
    }
  }
  out.name = std::move(lower);
  return out;
}

std::string program_from_original_file_name(std::string_view ofn) {
  std::string name = to_lower(trim(ofn));
  if (std::find(kNoOriginalFileName.begin(), kNoOriginalFileName.end(), name) !=
      kNoOriginalFileName.end()) {
    return {};
  }
  if (iends_with(name, ".mui")) name.resize(name.size() - 4);
  for (const Alias& a : kOfnAliases) {
    if (name == a.from) return std::string(a.to);
  }
  ProgramName p = program_name(name);
  for (const Alias& a : kOfnAliases) {
    if (p.name == a.from) return std::string(a.to);
  }
  return p.name;
}

bool is_cmd_builtin(std::string_view lower_name) {
  return std::find(kBuiltins.begin(), kBuiltins.end(), lower_name) != kBuiltins.end();
}

bool is_powershell(std::string_view lower_name) {
  return lower_name == "powershell" || lower_name == "pwsh" || lower_name == "powershell_ise";
}

}  // namespace cmdsentry::cmdline
