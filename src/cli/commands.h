#pragma once
/// Subcommands of the cmdsentry binary. Each lives in its own <name>_command.cpp and registers
/// itself here; the subcommand's callback runs its steps and records the exit code.

#include <CLI/CLI.hpp>

namespace cmdsentry::cli {

/// Exit codes (docs/scan.md, README): 0 ok; 1 an input could not be read or records were
/// skipped (findings never change the status); 2 a usage error or a fatal one (broken rules
/// file, unwritable output).
inline constexpr int kExitOk = 0;
inline constexpr int kExitInputProblems = 1;
inline constexpr int kExitFatal = 2;
inline constexpr int kExitUsage = 2;  ///< unknown option, missing or invalid argument

void register_commands(CLI::App& app);
/// Exit code recorded by the subcommand that ran.
int exit_code();
void set_exit_code(int code);

void register_baseline(CLI::App& app);
void register_docs(CLI::App& app);
void register_dump(CLI::App& app);
void register_events(CLI::App& app);
void register_policy(CLI::App& app);
void register_recommend(CLI::App& app);
void register_report(CLI::App& app);
void register_scan(CLI::App& app);
void register_rules(CLI::App& app);
void register_trend(CLI::App& app);

}  // namespace cmdsentry::cli
