#pragma once
/// The end-of-scan summary (scan::Summary) as text, in the JPCERT/CC study's table form, or as
/// one JSON object.
///
/// Text:
///   Summary (JPCERT/CC 2015 form): 57 findings, 2 hosts
///
///   == All hosts ==
///   recon
///     Rank  Command                 Count  Hosts  Users  First seen (UTC)  Last seen (UTC) Options
///        1  tasklist                    3      1      1  2026-03-02 13:12  2026-03-02 14:40  /v
///   ...
///   == Host WKS-FIN-07.corp.example (41 findings) ==
///
/// A run with one host prints only that host's block (it equals the all-hosts one).
///
/// JSON: {"type":"summary","findings":57,"all":{...},"hosts":[{"host":..,"findings":..,
///        "phases":[{"phase":"recon","rows":[{"rank":1,"command":"tasklist","count":3,
///        "options":["/v"],"first":"2026-03-02T13:12:04.1Z","last":...,"hosts":1,"users":1}]}]}]}

#include <string>

#include "scan/summary.h"

namespace cmdsentry::report {

/// Appends the summary as text (terminal-safe).
void append_summary_text(std::string& out, const scan::Summary& summary);
/// Appends the summary as one JSON object and '\n'.
void append_summary_json(std::string& out, const scan::Summary& summary);

}  // namespace cmdsentry::report
