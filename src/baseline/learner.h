#pragma once
/// Learning as a Detector: the engine hands it every analysed execution; it turns each into
/// usage rows (one per command the execution counts, plus the process itself when it counts
/// none: a cmd.exe container, a helper) and writes them to the Store in batches, one
/// transaction each. It holds at most one batch, so memory does not grow with the input.
///
/// What a row says: the knowledge base's canonical command (empty for programs it does not
/// know), the executable (lower-case file name; cmd.exe for builtins), its path and path class,
/// OriginalFileName where Sysmon logged it, user SID and name, host, parent image, time.

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "baseline/store.h"
#include "cmdsentry/detector.h"
#include "kb/detector.h"
#include "kb/knowledge_base.h"

namespace cmdsentry::baseline {

/// Executions buffered before one transaction is written.
inline constexpr std::size_t kLearnBatch = 4096;

/// A period on one host not to learn from (an intrusion's span): [from, to) in FILETIME ticks.
struct HostPeriod {
  std::string host;                   ///< host key ("ws0001"), see events::host_key
  std::optional<std::uint64_t> from;  ///< inclusive; none: from the start
  std::optional<std::uint64_t> to;    ///< exclusive; none: to the end
};

/// Which executions to learn from.
struct LearnOptions {
  std::set<std::string> exclude_hosts;      ///< host keys ("ws0001"), see events::host_key
  std::vector<HostPeriod> exclude_periods;  ///< only these periods of these hosts
  std::optional<std::uint64_t> since;       ///< FILETIME, inclusive
  std::optional<std::uint64_t> until;       ///< FILETIME, exclusive
  std::size_t batch = kLearnBatch;
};

/// The learning detector. Call finish() after the run (writes the last batch); the first
/// database error stops further writes and is returned by finish().
class Learner final : public Detector {
 public:
  Learner(Store& store, const kb::KnowledgeBase& kb, LearnOptions options = {})
      : store_(store), kb_detector_(kb), options_(std::move(options)) {}
  [[nodiscard]] std::string_view name() const override { return "baseline"; }
  void on_execution(const AnalyzedEvent& event, std::vector<Match>& out) override;
  void counters(std::vector<Counter>& out) const override;

  /// Writes what is buffered; returns the counts, or the first database error.
  [[nodiscard]] Result<LearnCounts> finish();

 private:
  void flush();
  Store& store_;
  kb::KbDetector kb_detector_;
  LearnOptions options_;
  std::vector<Store::Execution> batch_;
  std::vector<Match> matches_;
  LearnCounts counts_;
  std::optional<Error> error_;
};

/// True when `options` leave out an execution on host key `host` at `time` (FILETIME).
[[nodiscard]] bool excluded(const LearnOptions& options, std::string_view host, std::uint64_t time);

/// "DOMAIN\name" as logged (the name alone when no domain was).
[[nodiscard]] std::string user_name_of(const ProcessEvent& p);

/// The usage rows and record keys of one execution (exposed for tests).
[[nodiscard]] Store::Execution describe_execution(const AnalyzedEvent& event,
                                                  const std::vector<Match>& kb_matches);

}  // namespace cmdsentry::baseline
