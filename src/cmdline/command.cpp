#include "cmdline/command.h"

#include <algorithm>

namespace cmdsentry::cmdline {

std::string_view to_string(Origin origin) {
  switch (origin) {
    case Origin::kProcess:
      return "process";
    case Origin::kCmdChain:
      return "cmd";
    case Origin::kPowerShell:
      return "powershell";
    case Origin::kWmiCreate:
      return "wmic-create";
    case Origin::kScheduledTask:
      return "schtasks-action";
    case Origin::kServiceBinPath:
      return "service-binpath";
    case Origin::kAtJob:
      return "at-job";
    case Origin::kForfiles:
      return "forfiles";
    case Origin::kRemoteExec:
      return "psexec";
  }
  return "?";
}

std::string_view to_string(Obfuscation reason) {
  switch (reason) {
    case Obfuscation::kCaret:
      return "caret";
    case Obfuscation::kEnvSubstring:
      return "env-substring";
    case Obfuscation::kEnvReplace:
      return "env-replace";
    case Obfuscation::kComspec:
      return "comspec";
    case Obfuscation::kOddQuoting:
      return "odd-quoting";
    case Obfuscation::kMixedCase:
      return "mixed-case";
    case Obfuscation::kPadding:
      return "padding";
    case Obfuscation::kEncodedCommand:
      return "encoded-command";
    case Obfuscation::kLongLine:
      return "long-line";
    case Obfuscation::kUnusualDash:
      return "unusual-dash";
    case Obfuscation::kDelayedExpansion:
      return "delayed-expansion";
    case Obfuscation::kIndirection:
      return "indirection";
    case Obfuscation::kNestedShell:
      return "nested-shell";
    case Obfuscation::kDownloadCradle:
      return "download-cradle";
    case Obfuscation::kControlChar:
      return "control-char";
  }
  return "?";
}

int weight(Obfuscation reason) {
  switch (reason) {
    case Obfuscation::kCaret:
      return 20;
    case Obfuscation::kEnvSubstring:
      return 35;
    case Obfuscation::kEnvReplace:
      return 30;
    case Obfuscation::kComspec:
      return 15;
    case Obfuscation::kOddQuoting:
      return 20;
    case Obfuscation::kMixedCase:
      return 10;
    case Obfuscation::kPadding:
      return 15;
    case Obfuscation::kEncodedCommand:
      return 25;
    case Obfuscation::kLongLine:
      return 10;
    case Obfuscation::kUnusualDash:
      return 25;
    case Obfuscation::kDelayedExpansion:
      return 15;
    case Obfuscation::kIndirection:
      return 20;
    case Obfuscation::kNestedShell:
      return 10;
    case Obfuscation::kDownloadCradle:
      return 35;
    case Obfuscation::kControlChar:
      return 40;
  }
  return 0;
}

bool AnalyzedCommand::has_flag(std::string_view name) const {
  return std::any_of(flags.begin(), flags.end(), [&](const Flag& f) { return f.name == name; });
}

bool Analysis::has_reason(Obfuscation reason) const {
  return std::find(reasons.begin(), reasons.end(), reason) != reasons.end();
}

}  // namespace cmdsentry::cmdline
