#include "sources/input_checks.h"

namespace cmdsentry::sources::detail {

bool is_empty_input(std::string_view head) { return head.empty(); }

bool report_empty_input(const std::string& name, std::string_view head, const ReadContext& ctx) {
  if (!is_empty_input(head)) return false;
  ctx.stats.files_empty++;
  ctx.diagnose(Severity::kWarning, name, 0, 0, "empty file");
  return true;
}

}  // namespace cmdsentry::sources::detail
