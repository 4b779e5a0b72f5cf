// Fuzzes the Sigma loader (sigma/loader.h): hostile YAML, modifiers and conditions must end as
// diagnostics, never a crash, unbounded recursion or memory; what loads must compile into a
// RuleSet and evaluate on a record without trouble; correlation documents (sigma/correlation.h)
// are linked and run over a few executions whose times go forwards, backwards and far ahead.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "rules/ruleset.h"
#include "sigma/detector.h"
#include "sigma/loader.h"

namespace {

/// A process record with a few fields, as a rule sees one.
class FixedRecord final : public cmdsentry::rules::Record {
 public:
  std::optional<std::string_view> get(const cmdsentry::rules::FieldRef& f,
                                      std::string&) const override {
    for (const auto& [k, v] : kFields) {
      if (f.name == k) return v;
    }
    return std::nullopt;
  }
  void for_each_value(const std::function<void(std::string_view)>& fn) const override {
    for (const auto& [k, v] : kFields) fn(v);
  }

 private:
  static constexpr std::pair<std::string_view, std::string_view> kFields[] = {
      {"Image", "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe"},
      {"CommandLine", "powershell -enc SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQAKQA="},
      {"ParentImage", "C:\\Windows\\System32\\cmd.exe"},
      {"User", "CORP\\alice"},
      {"ProcessId", "4242"},
      {"DestinationIp", "10.1.2.3"},
  };
};

/// The detector (correlations included) over executions of whoami, ipconfig and net by two users,
/// at times drawn from the input's bytes.
void run_correlations(cmdsentry::sigma::LoadResult& r, std::string_view text) {
  using namespace cmdsentry;
  auto d = sigma::SigmaDetector::create(r.rules, {}, std::move(r.correlations));
  if (!d) return;
  constexpr const char* kImages[] = {"C:\\Windows\\System32\\whoami.exe",
                                     "C:\\Windows\\System32\\ipconfig.exe",
                                     "C:\\Windows\\System32\\net.exe"};
  std::uint64_t time = 133'000'000'000'000'000ULL;
  std::vector<Match> out;
  for (std::size_t i = 0; i < 24; ++i) {
    const auto byte = static_cast<std::uint8_t>(text.empty() ? i : text[i % text.size()]);
    // Mostly forwards by seconds to minutes; sometimes back (late) or days ahead (expiry).
    if (byte % 7 == 0 && time > 600'000'000ULL) {
      time -= 600'000'000ULL;
    } else if (byte % 13 == 0) {
      time += 864'000'000'000ULL;
    } else {
      time += static_cast<std::uint64_t>(byte) * 10'000'000ULL;
    }
    auto e = std::make_shared<ProcessEvent>();
    e->time = time;
    e->set_host(i % 2 == 0 ? "WS01" : "WS02");
    e->set_user_domain("CORP");
    e->set_user_name(byte % 2 == 0 ? "alice" : "bob");
    e->set_image(kImages[byte % 3]);
    e->set_command_line(std::string_view(kImages[i % 3]).substr(20));
    AnalyzedEvent ae;
    ae.process = e;
    ae.analysis = std::make_shared<cmdline::Analysis>();
    (*d)->on_time(time);
    (*d)->on_execution(ae, out);
  }
  std::vector<Counter> counters;
  (*d)->counters(counters);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  cmdsentry::sigma::LoadResult r = cmdsentry::sigma::load_text(text, "fuzz.yml");
  if (!r.correlations.empty()) run_correlations(r, text);
  if (r.rules.empty()) return 0;
  auto set = cmdsentry::rules::RuleSet::build(std::move(r.rules));
  if (!set) return 0;
  cmdsentry::rules::Matcher m(*set);
  const FixedRecord record;
  std::vector<cmdsentry::rules::RuleHit> hits;
  for (const char* route : {"process_creation", ""}) {
    if (const auto* b = (*set)->bucket(route)) m.match(*b, record, 1, hits);
  }
  return 0;
}
