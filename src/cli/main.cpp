// cmdsentry command-line entry point: parses options, runs one subcommand's steps, maps the
// outcome to an exit code. The only place (with the rest of src/cli/) that prints.
#include <cstdio>
#include <exception>

#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "cmdsentry/version.h"

int main(int argc, char** argv) {
  try {
    CLI::App app{"cmdsentry: find attacker commands in Windows event logs"};
    app.set_version_flag("--version", cmdsentry::kVersion);
    app.require_subcommand(1);
    cmdsentry::cli::register_commands(app);
    try {
      app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
      // CLI11 prints --help/--version (exit 0) or the usage error; its own codes for the latter
      // (105-109) become the documented 2.
      return app.exit(e) == 0 ? cmdsentry::cli::kExitOk : cmdsentry::cli::kExitUsage;
    }
    return cmdsentry::cli::exit_code();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "cmdsentry: internal error: %s\n", e.what());
    return 70;
  }
}
