// Fuzzes cmdline::analyze() on hostile command lines. The input is split into up to three
// fields at NUL bytes (image, command line, OriginalFileName) so all of them get exercised;
// every analysed command is also matched against the default knowledge base.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "cmdline/analyzer.h"
#include "kb/knowledge_base.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const cmdsentry::kb::LoadedKnowledgeBase kb = cmdsentry::kb::load_knowledge_base();
  std::string_view in(reinterpret_cast<const char*>(data), size);
  std::string_view fields[3];
  int n = 0;
  while (n < 2) {
    const std::size_t nul = in.find('\0');
    if (nul == std::string_view::npos) break;
    fields[n++] = in.substr(0, nul);
    in.remove_prefix(nul + 1);
  }
  fields[n] = in;
  cmdsentry::cmdline::ProcessInput input;
  if (n == 0) {
    input.command_line = fields[0];
  } else {
    input.image = fields[0];
    input.command_line = fields[1];
    input.original_file_name = n == 2 ? fields[2] : std::string_view{};
  }
  const auto analysis = cmdsentry::cmdline::analyze(input);
  if (analysis.obfuscation_score < 0 || analysis.obfuscation_score > 100) __builtin_trap();
  for (const auto& cmd : analysis.commands) (void)kb.kb.match(cmd);
  return 0;
}
