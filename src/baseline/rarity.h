#pragma once
/// `scan --db`: the baseline as a Detector (engine baseline). A knowledge-base command is
/// compared with what the organisation ran in the learned period: nobody ran it
/// (`baseline.never-seen`, medium), nobody in the user's groups did (`baseline.new-for-group`,
/// low), or the user did not (`baseline.new-for-user`, informational). A command the user ran
/// before adds nothing. Add it to the engine after kb::KbDetector: it reads the knowledge
/// base's matches of the same execution to know which command each one is.

#include <cstdint>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "baseline/groups.h"
#include "baseline/store.h"
#include "cmdsentry/detector.h"

namespace cmdsentry::baseline {

class RarityDetector final : public Detector {
 public:
  /// Indexes `baseline` (it may be dropped afterwards).
  explicit RarityDetector(const Baseline& baseline);
  [[nodiscard]] std::string_view name() const override { return "baseline"; }
  void on_execution(const AnalyzedEvent& event, std::vector<Match>& out) override;
  void counters(std::vector<Counter>& out) const override;

 private:
  Groups groups_;
  std::set<std::string> commands_;                          ///< anyone ran them
  std::set<std::pair<std::string, std::string>> by_user_;   ///< (command, lower user key)
  std::set<std::pair<std::string, std::string>> by_group_;  ///< (command, group)
  std::uint64_t never_seen_ = 0, new_for_group_ = 0, new_for_user_ = 0;
};

}  // namespace cmdsentry::baseline
