#pragma once
// Findings and rendering helpers shared by the report writers' tests.
#include <memory>
#include <string>
#include <vector>

#include "cmdsentry/finding.h"
#include "core/raw_event.h"
#include "report/sink.h"

namespace cmdsentry::report {

inline std::shared_ptr<const ProcessEvent> event(std::string command_line,
                                                 std::string host = "WS01",
                                                 std::string user = "alice") {
  ProcessEvent e;
  e.time = 130'000'000'000'000'000ULL;  // 2012-12-14T23:06:40Z
  e.set_host(std::move(host));
  e.set_user_domain("CORP");
  e.set_user_name(std::move(user));
  e.pid = 0x1234;
  e.parent_pid = 0x900;
  e.logon_id = 0x5c3a1f;
  e.set_image("C:\\Windows\\System32\\whoami.exe");
  e.set_command_line(std::move(command_line));
  e.set_parent_image("C:\\Windows\\System32\\cmd.exe");
  auto raw = std::make_shared<RawEvent>();
  raw->source.file = "logs/Security.evtx";
  raw->source.record_id = 4242;
  e.evidence.push_back(raw);
  return std::make_shared<const ProcessEvent>(std::move(e));
}

inline Finding finding(std::string command_line, std::string args) {
  Finding f;
  Match m;
  m.engine = MatchEngine::kKb;
  m.rule_id = "whoami";
  m.title = "whoami";
  m.phase = "recon";
  m.tactic = "discovery";
  m.techniques = {"T1033"};
  m.kb = KbMatch{.command = "whoami", .rule = "whoami", .noise = kb::Noise::kLow, .study = true};
  f.matches.push_back(std::move(m));
  f.program = "whoami";
  f.args = std::move(args);
  f.process = event(std::move(command_line));
  return f;
}

inline std::string render(Format format, const std::vector<Finding>& findings, int width = 120) {
  std::string out;
  auto sink = make_sink(format, [&](std::string_view s) { out.append(s); }, {.width = width});
  sink->begin();
  for (const auto& f : findings) sink->write(f);
  sink->finish();
  return out;
}

inline bool has_control(std::string_view s, bool allow_newline) {
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u == '\n' && allow_newline) continue;
    if (u < 0x20 || u == 0x7f) return true;
  }
  return false;
}

}  // namespace cmdsentry::report
