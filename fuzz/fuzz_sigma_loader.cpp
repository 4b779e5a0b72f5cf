// Fuzzes the Sigma loader (sigma/loader.h): hostile YAML, modifiers and conditions must end as
// diagnostics, never a crash, unbounded recursion or memory; what loads must compile into a
// RuleSet and evaluate on a record without trouble.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "rules/ruleset.h"
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

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  cmdsentry::sigma::LoadResult r = cmdsentry::sigma::load_text(text, "fuzz.yml");
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
