#include "cmdline/switches.h"

#include <algorithm>
#include <array>

#include "cmdline/program.h"
#include "cmdline/text.h"

namespace cmdsentry::cmdline {
namespace {

// Programs whose `/s <host>` names a remote computer (for dir, /s means "subdirectories").
constexpr std::array<std::string_view, 11> kSlashSHost = {
    "schtasks",    "tasklist",    "taskkill",  "systeminfo",    "getmac", "gpresult",
    "driverquery", "eventcreate", "openfiles", "eventtriggers", "waitfor"};

// Programs whose `/server:<host>` (or `/server <host>`) names a remote computer.
constexpr std::array<std::string_view, 9> kServerHost = {
    "query", "quser", "qwinsta", "qprocess", "rwinsta", "logoff", "nltest", "msg", "tscon"};

// Switches whose value is the next argument: {program ("" = any), switch name}.
struct ValueSwitch {
  std::string_view program;
  std::string_view name;
  bool is_target;
};
constexpr std::array<ValueSwitch, 24> kValueSwitches = {{
    {"ping", "/n", false},       {"ping", "/w", false},      {"ping", "/l", false},
    {"ping", "/i", false},       {"netsh", "/r", true},      {"netsh", "/u", false},
    {"netsh", "/p", false},      {"netsh", "/c", false},     {"netsh", "/f", false},
    {"", "/computername", true}, {"", "/cn", true},          {"winrs", "/r", true},
    {"winrs", "/remote", true},  {"psexec", "/u", false},    {"psexec", "/p", false},
    {"shutdown", "/m", true},    {"tasklist", "/fi", false}, {"tasklist", "/u", false},
    {"tasklist", "/p", false},   {"tasklist", "/m", false},  {"systeminfo", "/u", false},
    {"systeminfo", "/p", false}, {"taskkill", "/im", false}, {"taskkill", "/pid", false},
}};

// Programs whose arguments are free text (a shell line, a script, a message): no subcommands
// or targets are read from them, and switches only up to the one that starts the text.
constexpr std::array<std::string_view, 11> kFreeText = {
    "cmd", "if",   "for",        "start", "echo",          "title",
    "rem", "call", "powershell", "pwsh",  "powershell_ise"};

bool contains(auto const& list, std::string_view v) {
  return std::find(list.begin(), list.end(), v) != list.end();
}

void add_target(AnalyzedCommand& cmd, std::string_view host) {
  // /node:"a","b" and /node:a,b name several hosts.
  std::size_t start = 0;
  while (start <= host.size()) {
    std::size_t comma = host.find(',', start);
    if (comma == std::string_view::npos) comma = host.size();
    std::string_view h = trim(host.substr(start, comma - start));
    while (!h.empty() && (h.front() == '"' || h.front() == '\'')) h.remove_prefix(1);
    while (!h.empty() && (h.back() == '"' || h.back() == '\'')) h.remove_suffix(1);
    if (h.starts_with("\\\\")) h = unc_host(h);
    if (!h.empty() && h != "." && h != "?" && h.front() != '@') {
      const bool seen = std::any_of(cmd.targets.begin(), cmd.targets.end(),
                                    [&](const std::string& t) { return iequals(t, h); });
      if (!seen) cmd.targets.emplace_back(h);
    }
    start = comma + 1;
  }
}

bool takes_value(std::string_view program, std::string_view name, bool* is_target) {
  for (const ValueSwitch& v : kValueSwitches) {
    if ((v.program.empty() || v.program == program) && v.name == name) {
      *is_target = v.is_target;
      return true;
    }
  }
  if (name == "/s" && contains(kSlashSHost, program)) {
    *is_target = true;
    return true;
  }
  if (name == "/server" && contains(kServerHost, program)) {
    *is_target = true;
    return true;
  }
  return false;
}

bool glued_value_is_target(std::string_view program, std::string_view name) {
  if (name == "/node") return program == "wmic";
  if (name == "/server") return contains(kServerHost, program);
  if (name == "/r" || name == "/remote") return program == "winrs" || program == "wevtutil";
  if (name == "/s") return contains(kSlashSHost, program);
  return false;
}

}  // namespace

std::string_view unc_host(std::string_view arg) {
  if (arg.size() < 3 || arg[0] != '\\' || arg[1] != '\\') return {};
  std::string_view rest = arg.substr(2);
  const std::size_t end = rest.find_first_of("\\/");
  std::string_view host = rest.substr(0, end);
  if (host.empty() || host == "?" || host == ".") return {};
  return host;
}

bool classify_arguments(AnalyzedCommand& cmd) {
  cmd.flags.clear();
  cmd.subcommands.clear();
  cmd.targets.clear();
  bool unusual = false;
  const std::string& prog = cmd.program;
  const bool free_text = contains(kFreeText, prog);
  for (const Redirect& r : cmd.redirects) {
    if (const std::string_view host = unc_host(r.target); !host.empty()) add_target(cmd, host);
  }
  for (std::size_t i = 0; i < cmd.args.size(); ++i) {
    const std::string& arg = cmd.args[i];
    const std::size_t dash = dash_prefix(arg);
    if (dash > 0 && arg.size() > dash) {
      if (dash == 3) unusual = true;
      std::string_view body = std::string_view(arg).substr(dash);
      const std::size_t sep = body.find_first_of(":=");
      Flag f;
      f.name = "/" + to_lower(body.substr(0, sep));
      if (sep != std::string_view::npos) f.value.assign(body.substr(sep + 1));
      bool is_target = false;
      if (sep == std::string_view::npos && i + 1 < cmd.args.size() &&
          takes_value(prog, f.name, &is_target)) {
        f.value = cmd.args[++i];
        if (is_target) add_target(cmd, f.value);
      } else if (sep != std::string_view::npos && glued_value_is_target(prog, f.name)) {
        add_target(cmd, f.value);
      }
      const bool starts_text =
          prog == "cmd" && (f.name == "/c" || f.name == "/k" || f.name == "/r");
      cmd.flags.push_back(std::move(f));
      if (starts_text) break;
      continue;
    }
    if (free_text) continue;
    const std::string_view host = unc_host(arg);
    if (!host.empty()) {
      add_target(cmd, host);
      continue;
    }
    if (cmd.subcommands.size() < kMaxSubcommands) {
      cmd.subcommands.push_back(to_lower(arg));
    }
  }
  return unusual;
}

}  // namespace cmdsentry::cmdline
