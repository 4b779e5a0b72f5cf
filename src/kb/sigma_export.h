#pragma once
/// The knowledge base as Sigma rules (`cmdsentry rules export --format sigma`), so its
/// detections can be deployed where logs already flow (a SIEM running Sigma).
///
/// One detection rule per entry, category process_creation: for each of the entry's match
/// alternatives, the program (Image ending in `\name.exe`, or OriginalFileName) and its
/// conditions on the command line:
///
///   subcommand   ->  CommandLine|contains: ' view'             (any of the word paths)
///   flags_any    ->  CommandLine|contains|windash: ' -domain'   (any; windash adds /domain)
///   flags_all    ->  CommandLine|contains|windash|all
///   args_any     ->  CommandLine|contains (any)     args_all -> |contains|all
///   contains_any ->  CommandLine|contains (any)     contains_all -> |contains|all
///
/// Sigma compares substrings of the whole command line, the knowledge base compares the
/// tokens cmdline::analyze finds (quotes, carets and chains undone, switches normalised), so
/// an exported rule is looser: it can match where the entry does not (a word elsewhere in the
/// line), and it misses obfuscated forms the analyser undoes (`n^e^t`, `"ne"t`). cmd.exe
/// builtins (dir, ver, set...) start no process of their own and are not exported.
///
/// Correlation rules over those (kb/sigma_correlation_export.cpp), per host (Computer) and User:
///   cmdsentry_phase_recon|discovery|spread  event_count >= 1 of the phase's rules, 8h (steps;
///                                           generate: true keeps their rules reported)
///   cmdsentry_study_chain                   temporal_ordered of the three steps within 8h (the
///                                           longest incident cluster), level high
///   cmdsentry_recon_burst                   temporal: >= 5 distinct recon/discovery rules
///                                           within 10m (the incidents' burst), level high

#include <string>
#include <vector>

#include "kb/knowledge_base.h"

namespace cmdsentry::kb {

struct SigmaExport {
  struct Rule {
    std::string entry;  ///< the knowledge-base entry
    std::string id;     ///< deterministic UUID from the entry's name
    std::string file;   ///< suggested file name ("cmdsentry_net_view.yml")
    std::string yaml;
  };
  std::vector<Rule> rules;           ///< detection rules, one per entry
  std::vector<Rule> correlations;    ///< the phase chain and the burst (entry: the rule's name)
  std::vector<std::string> skipped;  ///< entries not exported (cmd builtins), with the reason
};

/// `date`: the rules' date, YYYY-MM-DD.
[[nodiscard]] SigmaExport export_sigma(const KnowledgeBase& kb, const std::string& date);

/// Fills `out.correlations` from `out.rules` (export_sigma calls it).
void append_correlations(const KnowledgeBase& kb, const std::string& date, SigmaExport& out);

}  // namespace cmdsentry::kb
