// Fuzzes the rule condition parser (rules/condition.h) and its resolution against a fixed set
// of detection names: hostile conditions from rule files must give an error, never a crash,
// unbounded recursion or a hang.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "rules/condition.h"
#include "rules/rule.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::vector<cmdsentry::rules::Detection> kDetections = [] {
    std::vector<cmdsentry::rules::Detection> d(5);
    const char* names[] = {"selection", "selection_img", "filter", "_helper", "keywords"};
    for (std::size_t i = 0; i < d.size(); ++i) d[i].name = names[i];
    return d;
  }();
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = cmdsentry::rules::parse_condition(text);
  if (!parsed) return 0;
  auto resolved = cmdsentry::rules::resolve(*parsed, kDetections);
  (void)resolved;
  return 0;
}
