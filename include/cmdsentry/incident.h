#pragma once
/// Incident: findings of one host and user that together look like an intrusion (the study's
/// recon -> discovery -> spread chain, a burst of discovery, an unusual ancestry, a known
/// remote-execution shape), scored, with the reasons. Built by correlate::IncidentStage from the
/// findings the detectors made; design and defaults in docs/decisions/0005-incidents.md and
/// docs/incidents.md.
///
/// AutomationLine: the findings of one known-automation pattern (cloud guest agents, Windows'
/// own scheduled tasks, management agents), collapsed into one line and kept out of incidents:
/// counted, never dropped silently.

#include <cstdint>
#include <string>
#include <vector>

namespace cmdsentry {

/// Where one finding of an incident was logged (what a responder looks up).
struct EvidenceRef {
  std::string source;        ///< file as given
  std::uint64_t record = 0;  ///< EventRecordID (or line), as in the finding
  std::uint64_t time = 0;    ///< FILETIME ticks UTC
  std::string command;       ///< the finding's headline command ("net view")
  std::string phase;         ///< recon | discovery | spread | an ATT&CK tactic
  std::string image;         ///< the process image the finding is reported on
  std::string command_line;
  std::string ancestry;  ///< "cmd.exe < w3wp.exe < svchost.exe" (nearest first), may be empty
};

/// One scored group of findings.
struct Incident {
  std::string id;                   ///< "inc-000001", in the order incidents close (deterministic)
  std::string host;                 ///< as logged
  std::string user;                 ///< "DOMAIN\name" (or SID) of the findings
  std::uint64_t start = 0;          ///< FILETIME ticks UTC of the first finding
  std::uint64_t end = 0;            ///< of the last
  std::vector<std::string> phases;  ///< study phases reached, in study order
  int score = 0;
  std::vector<std::string> reasons;   ///< why, one sentence each
  std::vector<EvidenceRef> findings;  ///< in time order
  std::uint64_t findings_total = 0;   ///< can exceed findings.size() (kMaxIncidentEvidence)
  std::vector<std::string> targets;   ///< remote hosts named by spread commands, as typed
  std::vector<std::string> related;   ///< ids of incidents linked by remote execution
};

/// The findings of one known-automation pattern, collapsed.
struct AutomationLine {
  std::string pattern;                     ///< "azure-guest-agent"
  std::string evidence;                    ///< why this is benign automation
  std::uint64_t count = 0;                 ///< findings collapsed
  std::uint64_t hosts = 0;                 ///< distinct hosts (counted up to kMaxAutomationHosts)
  std::vector<std::string> host_examples;  ///< a few of them
  std::vector<std::string> commands;       ///< distinct headline commands (a few)
  std::uint64_t first = 0;                 ///< FILETIME ticks UTC
  std::uint64_t last = 0;
  EvidenceRef example;  ///< the first finding
};

}  // namespace cmdsentry
