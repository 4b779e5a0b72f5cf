// `cmdsentry rules check PATH...`: loads Sigma rules (files, or directories walked for *.yml and
// *.yaml) and lists every rule that cannot be loaded with its file, line and reason. Text on
// stdout (one diagnostic a line, then the counts) or one JSON object (--format json):
// {"loaded":N,"failed":M,"files":F,"correlations":C,"diagnostics":[...]} (N counts the
// correlation rules too). Exit 0 when every rule loads, 1 otherwise.
// `cmdsentry rules export --format sigma -o DIR`: the knowledge base as Sigma rules, one file
// each (kb/sigma_export.h).
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/output.h"
#include "core/time.h"
#include "kb/sigma_export.h"
#include "sigma/loader.h"

namespace cmdsentry::cli {
namespace {

struct RulesCheckArgs {
  std::vector<std::string> paths;
  std::string format = "text";
  std::vector<std::string> placeholders;  ///< NAME=VALUE
};

int run_rules_check(const RulesCheckArgs& a) {
  const std::vector<std::filesystem::path> paths(a.paths.begin(), a.paths.end());
  sigma::LoadOptions options;
  for (const std::string& p : a.placeholders) {
    if (!sigma::add_placeholder(p, options.placeholders)) {
      error("--sigma-placeholder wants NAME=VALUE, not '" + p + "'");
      return kExitUsage;
    }
  }
  const sigma::LoadResult r = sigma::load_paths(paths, options);
  std::string out;
  if (a.format == "json") {
    out = fmt::format(R"({{"loaded":{},"failed":{},"files":{},"correlations":{},"diagnostics":[)",
                      r.rules.size() + r.correlations.size(), r.failed, r.files,
                      r.correlations.size());
    for (std::size_t i = 0; i < r.diagnostics.size(); ++i) {
      if (i > 0) out += ',';
      out += render_json(r.diagnostics[i]);
    }
    out += "]}\n";
  } else {
    for (const Diagnostic& d : r.diagnostics) out += render_text(d) + "\n";
    out += fmt::format("cmdsentry: rules check: {} rule(s) loaded from {} file(s), {} failed",
                       r.rules.size() + r.correlations.size(), r.files, r.failed);
    if (!r.correlations.empty()) {
      out += fmt::format(" ({} of them correlation rules)", r.correlations.size());
    }
    out += '\n';
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  return r.ok() ? kExitOk : kExitInputProblems;
}

struct RulesExportArgs {
  std::string format = "sigma";
  std::string out;
  std::string date;
  bool force = false;
};

std::string today() {
  std::string iso;
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  const auto secs = std::chrono::duration_cast<std::chrono::seconds>(now).count();
  // FILETIME ticks: 100 ns since 1601-01-01.
  append_filetime_iso(iso, static_cast<std::uint64_t>(secs + 11644473600LL) * 10'000'000ULL, 0);
  return iso.substr(0, 10);
}

bool valid_date(const std::string& d) {
  if (d.size() != 10 || d[4] != '-' || d[7] != '-') return false;
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (d[i] < '0' || d[i] > '9') return false;
  }
  const int month = (d[5] - '0') * 10 + (d[6] - '0');
  const int day = (d[8] - '0') * 10 + (d[9] - '0');
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

int run_rules_export(const RulesExportArgs& a) {
  namespace fs = std::filesystem;
  const std::string date = a.date.empty() ? today() : a.date;
  if (!valid_date(date)) {
    error("--date wants YYYY-MM-DD, not '" + a.date + "'");
    return kExitUsage;
  }
  const kb::LoadedKnowledgeBase loaded = kb::load_knowledge_base();
  kb::SigmaExport exported = kb::export_sigma(loaded.kb, date);
  const std::size_t detection_rules = exported.rules.size();
  for (kb::SigmaExport::Rule& r : exported.correlations) exported.rules.push_back(std::move(r));
  if (a.out == "-") {
    std::string all;
    for (std::size_t i = 0; i < exported.rules.size(); ++i) {
      if (i > 0) all += "---\n";
      all += exported.rules[i].yaml;
    }
    std::fwrite(all.data(), 1, all.size(), stdout);
  } else {
    std::error_code ec;
    fs::create_directories(a.out, ec);
    if (ec || !fs::is_directory(a.out)) {
      error(fmt::format("{}: cannot create the output folder: {}", a.out, ec.message()));
      return kExitInputProblems;
    }
    for (const kb::SigmaExport::Rule& r : exported.rules) {
      const fs::path file = fs::path(a.out) / r.file;
      if (!a.force && fs::exists(file)) {
        error(fmt::format("{}: exists; --force overwrites it", file.string()));
        return kExitInputProblems;
      }
    }
    for (const kb::SigmaExport::Rule& r : exported.rules) {
      const fs::path file = fs::path(a.out) / r.file;
      std::FILE* f = std::fopen(file.c_str(), "wb");
      const bool ok =
          f != nullptr && std::fwrite(r.yaml.data(), 1, r.yaml.size(), f) == r.yaml.size();
      if (f != nullptr && std::fclose(f) != 0) f = nullptr;
      if (!ok || f == nullptr) {
        error(fmt::format("{}: cannot write the rule", file.string()));
        return kExitInputProblems;
      }
    }
  }
  note(fmt::format(
      "cmdsentry: rules export: {} Sigma rule(s) from the knowledge base and {} "
      "correlation rule(s){}; {} entr{} not exported (cmd.exe builtins start no "
      "process)",
      detection_rules, exported.rules.size() - detection_rules, a.out == "-" ? "" : " in " + a.out,
      exported.skipped.size(), exported.skipped.size() == 1 ? "y" : "ies"));
  return kExitOk;
}

}  // namespace

void register_rules(CLI::App& app) {
  auto* rules = app.add_subcommand("rules", "Work with Sigma rule files.");
  rules->require_subcommand(1);
  auto args = std::make_shared<RulesCheckArgs>();
  auto* check = rules->add_subcommand(
      "check",
      "Load Sigma rules (correlation rules included) and list every one that cannot be "
      "loaded, with its file, line and reason (exit 0 when all load, 1 otherwise).");
  check->footer(
      "Examples:\n"
      "  cmdsentry rules check my-sigma-rules/\n"
      "  cmdsentry rules check sigma/rules/windows/process_creation/ --format json\n");
  check->add_option("paths", args->paths, "Sigma rule files or directories (*.yml, *.yaml)")
      ->required();
  check->add_option("-f,--format", args->format, "text (default) or json")
      ->check(CLI::IsMember({"text", "json"}));
  check
      ->add_option("--sigma-placeholder", args->placeholders,
                   "NAME=VALUE: one value of placeholder %NAME% for rules using |expand "
                   "(repeatable)")
      ->allow_extra_args(false);
  check->callback([args] { set_exit_code(run_rules_check(*args)); });

  auto ex = std::make_shared<RulesExportArgs>();
  auto* exp = rules->add_subcommand(
      "export",
      "Write the knowledge base as Sigma rules (process_creation), one .yml file per entry, "
      "plus correlation rules for the study's recon -> discovery -> spread chain and recon "
      "bursts (docs/sigma.md), for SIEMs that run Sigma. Example: cmdsentry rules export -o "
      "sigma-rules/");
  exp->add_option("--format", ex->format, "sigma (the only format)")
      ->check(CLI::IsMember({"sigma"}));
  exp->add_option("-o,--output", ex->out,
                  "output folder (created if missing), or - for one "
                  "multi-document YAML stream on standard output")
      ->required();
  exp->add_option("--date", ex->date, "the rules' date, YYYY-MM-DD (default: today, UTC)");
  exp->add_flag("--force", ex->force, "overwrite rule files that exist in the folder");
  exp->callback([ex] { set_exit_code(run_rules_export(*ex)); });
}

}  // namespace cmdsentry::cli
