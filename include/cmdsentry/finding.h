#pragma once
/// Finding: one attacker-listed command seen in the logs, with the execution it was seen on.
/// Part of the public facade (with event.h): scan produces findings, and the later stages
/// (correlation, Sigma, baseline, AppLocker replay) and every report writer consume them.
///
/// A finding names *what* ran (the knowledge-base entry: canonical command, phase, tactic,
/// techniques, noise) and points at *where* it was seen (the ProcessEvent, shared, not copied).
/// Each command counts once: a command of a `cmd /c a & b` chain that also appears as its own
/// child process is reported on the child's record, and `via` points at the cmd.exe that started
/// it; a command whose process is not in the logs (every cmd builtin, or a child that was not
/// logged) is reported on the cmd.exe record itself (`origin` says how it was reached).
///
/// Later stages add to a finding rather than wrap it: correlation groups findings per host and
/// logon (host, logon_id, process ids, time are all here), Sigma and baseline results go into
/// `annotations`, and AppLocker replay reads the full ProcessEvent (image, user SID, hashes).

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cmdline/command.h"
#include "cmdsentry/event.h"
#include "kb/entry.h"

namespace cmdsentry {

/// Something a later stage says about a finding (a Sigma rule hit, a baseline rarity score...).
struct Annotation {
  std::string kind;  ///< "sigma", "baseline", "applocker", ...
  std::string id;    ///< rule id, metric name
  std::string text;  ///< title or value, for reports
};

/// One attacker-listed command, counted once.
struct Finding {
  // --- What ran (from the knowledge base) ---------------------------------------------------
  /// Canonical name in the JPCERT study's spelling for the study's commands ("net user" even
  /// when the finer entry "net user /add" also matched), else the best entry's name.
  std::string command;
  /// Name of the most specific entry that matched ("net user /add", "reg save"); equals
  /// `command` when nothing finer matched.
  std::string rule;
  /// recon | discovery | spread for the study's commands; the knowledge base's phase (an ATT&CK
  /// tactic such as credential-access) for the others.
  std::string phase;
  std::string tactic;                    ///< ATT&CK tactic of the most specific entry
  std::vector<std::string> techniques;   ///< most specific entry first, then the study entry's
  kb::Noise noise = kb::Noise::kMedium;  ///< of the most specific entry
  bool study = false;                    ///< one of the JPCERT 2015 study's commands
  bool builtin = false;                  ///< cmd.exe builtin (never a process of its own)

  // --- The command as analysed ------------------------------------------------------------
  std::string program;               ///< program identity ("net", "ipconfig", "dir")
  std::string args;                  ///< argument text after the program, as it ran
  std::vector<std::string> argv;     ///< the same, split (for option statistics)
  std::vector<std::string> targets;  ///< remote hosts named on the line
  std::string decoded;               ///< PowerShell -EncodedCommand script, decoded
  cmdline::Origin origin = cmdline::Origin::kProcess;  ///< how it was reached
  bool via_cmd = false;                                ///< typed on a cmd.exe command line
  int obfuscation_score = 0;  ///< 0-100: the max of the event's and `via`'s scores
  std::vector<cmdline::Obfuscation> obfuscation;  ///< reasons of both lines, each once

  // --- Where it was seen ------------------------------------------------------------------
  /// The execution the finding is reported on: the command's own process, or the shell that
  /// ran it when that process is not in the logs. Never null.
  std::shared_ptr<const ProcessEvent> process;
  /// The cmd.exe (or PowerShell) whose command line started `process`; null when the command
  /// was not started by an analysed shell line, or when `process` is that shell itself.
  std::shared_ptr<const ProcessEvent> via;

  std::vector<Annotation> annotations;  ///< filled by later stages

  /// Event time (FILETIME ticks, UTC).
  [[nodiscard]] std::uint64_t time() const { return process->time; }
};

}  // namespace cmdsentry
