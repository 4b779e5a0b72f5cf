#pragma once
/// The knowledge base as a Detector (engine kb): each command an execution counts is looked up
/// in the knowledge base; a known one is a Match with the study's canonical name and phase, the
/// most specific entry's tactic, techniques and noise.

#include <optional>

#include "cmdsentry/detector.h"
#include "kb/knowledge_base.h"

namespace cmdsentry::kb {

/// Level of a knowledge-base match: the noisier the command, the lower (high noise ->
/// informational, medium -> low, low -> medium, very low -> high).
[[nodiscard]] Level level_of(Noise noise);

/// Detector over a knowledge base (borrowed).
class KbDetector final : public Detector {
 public:
  explicit KbDetector(const KnowledgeBase& kb, std::optional<Noise> max_noise = std::nullopt)
      : kb_(kb), max_noise_(max_noise) {}
  [[nodiscard]] std::string_view name() const override { return "kb"; }
  void on_execution(const AnalyzedEvent& event, std::vector<Match>& out) override;
  void counters(std::vector<Counter>& out) const override;

 private:
  const KnowledgeBase& kb_;
  std::optional<Noise> max_noise_;
  std::uint64_t matched_ = 0;
  std::uint64_t hidden_ = 0;
};

}  // namespace cmdsentry::kb
