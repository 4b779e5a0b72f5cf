#include "cli/commands.h"

namespace cmdsentry::cli {

void register_dump(CLI::App& app) {
  auto* cmd = app.add_subcommand("dump", "Render EVTX records as JSONL or XML");
  cmd->callback([] { set_exit_code(kExitFatal); });
}

}  // namespace cmdsentry::cli
