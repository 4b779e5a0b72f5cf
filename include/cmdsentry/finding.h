#pragma once
/// Finding: one execution (or one command of it) that a detector flagged, with every Match the
/// detectors gave it. Part of the public facade: the engine builds findings, and report sinks
/// (and later correlation) consume them.
///
/// A finding is detector-neutral. *What* was flagged is its list of `matches`, one per detector
/// rule: the knowledge base (engine kb: canonical command, study phase, noise), and later Sigma,
/// the baseline, policy replay and correlation. *Where* it was seen is the ProcessEvent (shared,
/// not copied) and, for a command typed on a shell line, `via`: the cmd.exe (or PowerShell)
/// whose command line started it. The shell's own parent image and command line are on `via`
/// itself (`via->parent_image()`): a w3wp.exe or services.exe above cmd.exe is the clue.
///
/// Each command counts once: a command of a `cmd /c a & b` chain that also appears as its own
/// child process is reported on the child's record with `via` set; a command whose process is
/// not in the logs (every cmd builtin, or a child that was not logged) is reported on the shell's
/// record itself (`origin` says how it was reached).

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cmdline/command.h"
#include "cmdsentry/event.h"
#include "kb/entry.h"

namespace cmdsentry {

/// Which detector produced a match.
enum class MatchEngine : std::uint8_t { kKb, kSigma, kBaseline, kPolicy, kCorrelation };

/// How serious a match is, in Sigma's scale.
enum class Level : std::uint8_t { kInformational, kLow, kMedium, kHigh, kCritical };

/// "kb", "sigma", "baseline", "policy", "correlation".
[[nodiscard]] std::string_view to_string(MatchEngine engine);
/// "informational", "low", "medium", "high", "critical".
[[nodiscard]] std::string_view to_string(Level level);

/// A field a rule looked at, with the value it saw (for reports: why it matched).
struct MatchedField {
  std::string name;
  std::string value;
};

/// What the knowledge base says about a command (engine kb only).
struct KbMatch {
  /// Canonical name in the JPCERT study's spelling for the study's commands ("net user" even
  /// when the finer entry "net user /add" also matched), else the best entry's name.
  std::string command;
  /// Name of the most specific entry that matched ("net user /add"); equals `command` when
  /// nothing finer matched.
  std::string rule;
  kb::Noise noise = kb::Noise::kMedium;  ///< of the most specific entry
  bool study = false;                    ///< one of the JPCERT 2015 study's commands
  bool builtin = false;                  ///< cmd.exe builtin (never a process of its own)
  /// The image is a renamed copy: its OriginalFileName names another program than its file
  /// name (after folding version-resource quirks such as gprslt.exe for gpresult.exe).
  bool renamed = false;
};

/// A base match a correlation counted (engine correlation): where its execution was logged.
struct CorrelatedRecord {
  std::string source;        ///< file the execution's first record came from
  std::uint64_t record = 0;  ///< its EventRecordID (else line), 0 when unknown
  std::uint64_t time = 0;    ///< FILETIME ticks
};

/// What a Sigma correlation rule saw when it fired (engine correlation only).
struct CorrelationInfo {
  std::string type;  ///< "event_count", "value_count", "temporal", "temporal_ordered", "value_*"
  double value = 0;  ///< the count, distinct values, rules seen, sum, average or percentage
  std::uint64_t events = 0;    ///< base matches in the window
  std::uint64_t first = 0;     ///< time of the window's first base match (FILETIME ticks)
  std::uint64_t last = 0;      ///< time of its last one
  std::uint64_t timespan = 0;  ///< the rule's timespan (FILETIME ticks)
  std::vector<CorrelatedRecord> records;  ///< the base matches, at most limits' cap (first ones)
};

/// Match::command of a match that is a finding of its own on the execution (a correlation:
/// its headline is the correlation rule, beside the finding of the knowledge base).
inline constexpr int kOwnFinding = -2;

/// One rule of one detector that matched.
struct Match {
  MatchEngine engine = MatchEngine::kKb;
  std::string rule_id;  ///< rule id (kb: the most specific entry's name; Sigma: the rule's id)
  std::string title;    ///< for reports (kb: the canonical command)
  Level level = Level::kMedium;
  /// recon | discovery | spread for the study's commands; else an ATT&CK tactic.
  std::string phase;
  std::string tactic;                   ///< ATT&CK tactic
  std::vector<std::string> techniques;  ///< ATT&CK ids, most specific first
  std::vector<MatchedField> fields;     ///< what the rule looked at
  std::vector<std::string> tags;        ///< the rule's tags as written (Sigma: attack.t1059...)
  std::optional<KbMatch> kb;            ///< set for engine kb
  /// Set for engine correlation; `fields` then holds the group-by values.
  std::optional<CorrelationInfo> correlation;
  /// Which of the AnalyzedEvent's executed commands the match is about; -1 for the event as a
  /// whole (a Sigma rule over the record's fields); kOwnFinding for a finding of its own. Set by
  /// the detector.
  int command = -1;
};

/// One flagged execution or command, counted once.
struct Finding {
  std::vector<Match> matches;  ///< at least one; the knowledge base's first when it matched

  // --- The command as analysed (empty for a match on the event as a whole without analysis) --
  std::string program;               ///< program identity ("net", "ipconfig", "dir")
  std::string args;                  ///< argument text after the program (and the name's words)
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
  /// The shell whose command line started `process`; null when the command was not started by
  /// an analysed shell line, or when `process` is that shell itself.
  std::shared_ptr<const ProcessEvent> via;
  /// False for a match on a logged event that is not a process execution (a logon, a Sysmon
  /// network connection, a service install): `process` then stands for that event, with its
  /// time, host, user, record (`process->evidence`: channel, event id, fields) and, when the
  /// event names one, the process it is about (Image, ProcessId); no command-line analysis.
  bool execution = true;

  // --- Correlation (set by correlate::IncidentStage; empty without it) ---------------------
  std::string incident;    ///< id of the incident it belongs to; empty: none
  std::string automation;  ///< known-automation pattern it came from (--show-automation)
  std::string ancestry;    ///< "cmd.exe < w3wp.exe" (nearest first), when correlation ran

  /// Event time (FILETIME ticks, UTC).
  [[nodiscard]] std::uint64_t time() const { return process->time; }
  /// The first match of `engine`, or null.
  [[nodiscard]] const Match* first(MatchEngine engine) const {
    for (const Match& m : matches) {
      if (m.engine == engine) return &m;
    }
    return nullptr;
  }
  /// The knowledge base's view, or null when the knowledge base did not match.
  [[nodiscard]] const KbMatch* kb() const {
    const Match* m = first(MatchEngine::kKb);
    return m != nullptr && m->kb ? &*m->kb : nullptr;
  }
  /// The headline: the knowledge base's canonical command, else the first match's title.
  [[nodiscard]] std::string_view command() const {
    if (const KbMatch* k = kb()) return k->command;
    return matches.empty() ? std::string_view() : std::string_view(matches.front().title);
  }
  /// The knowledge base's most specific entry, else the first match's rule id.
  [[nodiscard]] std::string_view rule() const {
    if (const KbMatch* k = kb()) return k->rule;
    return matches.empty() ? std::string_view() : std::string_view(matches.front().rule_id);
  }
  /// Phase of the headline match.
  [[nodiscard]] std::string_view phase() const { return headline().phase; }
  [[nodiscard]] std::string_view tactic() const { return headline().tactic; }
  [[nodiscard]] const std::vector<std::string>& techniques() const { return headline().techniques; }
  /// The knowledge base's noise; kMedium when it did not match.
  [[nodiscard]] kb::Noise noise() const { return kb() ? kb()->noise : kb::Noise::kMedium; }
  [[nodiscard]] bool study() const { return kb() && kb()->study; }
  [[nodiscard]] bool builtin() const { return kb() && kb()->builtin; }
  /// The match the headline fields come from (the knowledge base's when present).
  [[nodiscard]] const Match& headline() const {
    static const Match kNone{};
    if (const Match* m = first(MatchEngine::kKb)) return *m;
    return matches.empty() ? kNone : matches.front();
  }
};

}  // namespace cmdsentry
