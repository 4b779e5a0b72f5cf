#include "sources/input_checks.h"

namespace cmdsentry::sources::detail {

bool is_empty_input(std::string_view head) { return head.empty(); }

bool report_empty_input(const std::string& name, std::string_view head, const ReadContext& ctx) {
  if (!is_empty_input(head)) return false;
  ctx.stats.files_empty++;
  SourceDiagnostic d;
  d.severity = Severity::kWarning;
  d.file = name;
  d.message = "empty file";
  d.code = "empty-file";
  ctx.diagnose(std::move(d));
  return true;
}

}  // namespace cmdsentry::sources::detail
