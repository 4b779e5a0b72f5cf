#pragma once
/// JsonlWriter: one JSON object per finding and line. The shape (documented in docs/scan.md):
///
///   {"type":"finding","incident":null,"timestamp":"2026-03-02T13:12:05.120000Z","host":"WKS-FIN-07.corp.example",
///    "user":"CORP\\akimura","phase":"recon","command":"tasklist","rule":"tasklist",
///    "tactic":"discovery","technique":["T1057"],"noise":"medium","study":true,"builtin":false,
///    "args":"/v","image":"C:\\Windows\\System32\\tasklist.exe","command_line":"tasklist  /v",
///    "parent_image":"C:\\Windows\\System32\\cmd.exe","obfuscation":{"score":0,"reasons":[]},
///    "source":"quickstart.evtx","record":231, ...optional fields...}
///
/// With correlation, incident records ({"type":"incident",...}) come before their findings,
/// whose "incident" names them, and automation records ({"type":"automation",...}) come at the
/// end (docs/incidents.md).
///
/// Strings are JSON-escaped with invalid UTF-8 replaced (events::append_json_string); U+2028/9
/// are escaped too, so a line can be embedded in a <script> block of the HTML report.

#include <string>

#include "report/sink.h"

namespace cmdsentry::report {

/// Appends one finding as a JSON object and '\n', with the fields of `profile`.
void append_finding_json(std::string& out, const Finding& finding,
                         Profile profile = Profile::kStandard);
/// Appends one incident record and '\n' (timesketch: with message, datetime, timestamp_desc).
void append_incident_json(std::string& out, const Incident& incident,
                          Profile profile = Profile::kStandard);
/// Appends one known-automation record and '\n'.
void append_automation_json(std::string& out, const AutomationLine& line,
                            Profile profile = Profile::kStandard);

/// JSON Lines sink.
class JsonlWriter final : public Sink {
 public:
  explicit JsonlWriter(TextOut out, Profile profile = Profile::kStandard)
      : out_(std::move(out)), profile_(profile) {}
  void write(const Finding& finding) override;
  void on_incident(const Incident& incident) override;
  void on_automation(const AutomationLine& line) override;
  void finish() override;
  void flush() override {
    if (!buf_.empty()) out_(buf_);
    buf_.clear();
  }

 private:
  TextOut out_;
  Profile profile_;
  std::string buf_;
};

}  // namespace cmdsentry::report
