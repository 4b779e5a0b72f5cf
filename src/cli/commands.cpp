#include "cli/commands.h"

namespace cmdsentry::cli {
namespace {
int g_exit_code = kExitOk;
}

void register_commands(CLI::App& app) {
  register_baseline(app);
  register_dump(app);
  register_docs(app);
  register_events(app);
  register_policy(app);
  register_recommend(app);
  register_report(app);
  register_scan(app);
  register_rules(app);
  register_trend(app);
}

int exit_code() { return g_exit_code; }
void set_exit_code(int code) { g_exit_code = code; }

}  // namespace cmdsentry::cli
