#include "cmdsentry/finding.h"

namespace cmdsentry {

std::string_view to_string(MatchEngine engine) {
  switch (engine) {
    case MatchEngine::kKb:
      return "kb";
    case MatchEngine::kSigma:
      return "sigma";
    case MatchEngine::kBaseline:
      return "baseline";
    case MatchEngine::kPolicy:
      return "policy";
    case MatchEngine::kCorrelation:
      return "correlation";
  }
  return "kb";
}

std::string_view to_string(Level level) {
  switch (level) {
    case Level::kInformational:
      return "informational";
    case Level::kLow:
      return "low";
    case Level::kMedium:
      return "medium";
    case Level::kHigh:
      return "high";
    case Level::kCritical:
      return "critical";
  }
  return "medium";
}

}  // namespace cmdsentry
