// The finding writers: every format shows the same fields, and attacker-controlled text comes out
// neutralised for its format (CSV formulas, JSON escapes, terminal control sequences).
#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>
#include <memory>
#include <string>

#include "report/csv_writer.h"
#include "report/fields.h"
#include "report/jsonl_writer.h"
#include "report/sink.h"
#include "report/summary_writer.h"
#include "report/table_writer.h"
#include "report_test_support.h"
#include "scan/summary.h"

namespace cmdsentry::report {
namespace {

TEST(CsvWriter, header_and_fields) {
  const std::string out = render(Format::kCsv, {finding("whoami /all", "/all")});
  const std::string header = out.substr(0, out.find("\r\n"));
  EXPECT_TRUE(
      header.starts_with("timestamp,host,user,phase,command,args,technique,noise,image,"
                         "command_line,parent_image,obfuscation_score,"
                         "obfuscation_reasons,source,record,"));
  EXPECT_NE(out.find("2012-12-14T23:06:40.000000Z,"), std::string::npos);
  EXPECT_NE(out.find(",WS01,CORP\\alice,recon,whoami,/all,T1033,low,"), std::string::npos);
  EXPECT_NE(out.find(",logs/Security.evtx,4242,whoami,discovery,true,4660,2304,0x5c3a1f,"),
            std::string::npos);
}

/// `f` seen at chunk 3, file offset 0x31a40 of an EVTX file (record header number 22).
Finding at_evtx_position(Finding f) {
  ProcessEvent e = *f.process;
  auto raw = std::make_shared<RawEvent>(*e.evidence.front());
  raw->source.record_number = 22;
  raw->source.chunk = 3;
  raw->source.offset = 0x31a40;
  e.evidence[0] = std::move(raw);
  f.process = std::make_shared<const ProcessEvent>(std::move(e));
  return f;
}

TEST(CsvWriter, chunk_and_offset_columns_only_for_evtx_positions) {
  const std::string out = render(Format::kCsv, {finding("whoami /all", "/all"),
                                                at_evtx_position(finding("whoami /all", "/all"))});
  const std::size_t header_end = out.find("\r\n");
  EXPECT_TRUE(out.substr(0, header_end)
                  .ends_with(",decoded,chunk,offset,via_parent_image,via_parent_command_line,"
                             "incident,ancestry,automation,applocker"))
      << out;
  const std::size_t row_end = out.find("\r\n", header_end + 2);
  const std::string text_row = out.substr(header_end + 2, row_end - header_end - 2);
  const std::string evtx_row = out.substr(row_end + 2, out.size() - row_end - 4);
  EXPECT_TRUE(text_row.ends_with(",,,,")) << text_row;
  EXPECT_TRUE(evtx_row.ends_with(",3,203328,,,,,,")) << evtx_row;
  EXPECT_NE(evtx_row.find(",logs/Security.evtx,4242,"), std::string::npos) << evtx_row;
}

TEST(JsonlWriter, chunk_and_offset_only_for_evtx_positions) {
  const std::string text = render(Format::kJsonl, {finding("whoami /all", "/all")});
  EXPECT_EQ(text.find("\"chunk\""), std::string::npos) << text;
  EXPECT_EQ(text.find("\"offset\""), std::string::npos) << text;
  const std::string evtx =
      render(Format::kJsonl, {at_evtx_position(finding("whoami /all", "/all"))});
  EXPECT_NE(evtx.find("\"source\":\"logs/Security.evtx\",\"record\":4242,\"chunk\":3,"
                      "\"offset\":203328"),
            std::string::npos)
      << evtx;
}

TEST(CsvWriter, neutralises_formulas_in_every_field) {
  for (const char* hostile : {"=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(1)"}) {
    auto f = finding(hostile, hostile);
    const std::string out = render(Format::kCsv, {f});
    std::string row = out.substr(out.find("\r\n") + 2);
    row.resize(row.size() - 2);  // the row's own CRLF
    // Both args and command_line start with the formula: each is quoted with a leading '.
    std::string quoted = "\"'";
    quoted += hostile[0];
    std::size_t n = 0;
    for (std::size_t p = row.find(quoted); p != std::string::npos; p = row.find(quoted, p + 1)) ++n;
    EXPECT_EQ(n, 2u) << hostile << "\n" << row;
    EXPECT_EQ(row.find("," + std::string(1, hostile[0])), std::string::npos) << row;
  }
}

TEST(CsvWriter, tab_and_cr_openers_become_visible_text) {
  for (const char* hostile : {"\t=1", "\r=1"}) {
    const std::string out = render(Format::kCsv, {finding(hostile, hostile)});
    const std::string row = out.substr(out.find("\r\n") + 2);
    EXPECT_EQ(row.find_first_of("\t"), std::string::npos) << row;
    EXPECT_EQ(row.find('\r'), row.size() - 2) << row;  // only the row's own CRLF
    EXPECT_NE(row.find(hostile[0] == '\t' ? ",\\x09=1," : ",\\x0d=1,"), std::string::npos) << row;
  }
}

TEST(CsvWriter, quotes_commas_quotes_and_escapes_newlines) {
  const std::string out =
      render(Format::kCsv, {finding("whoami /fo csv \"a,b\"\r\nnext", "/fo csv \"a,b\"")});
  EXPECT_NE(out.find(",\"whoami /fo csv \"\"a,b\"\"\\x0d\\x0anext\","), std::string::npos) << out;
}

TEST(CsvWriter, no_control_bytes_or_bidi_overrides) {
  auto f = finding(
      "whoami \x1b[2J\x07 \xE2\x80\xAE"
      "exe.ssasl",
      "\x1b]0;owned\x07");
  f.process = event(
      "x \x1b[31m \xE2\x80\xAE"
      "exe.ssasl",
      "WS01\x1b[31m", "\x1b[2Jbob");
  const std::string out = render(Format::kCsv, {f});
  std::size_t crlf = 0;
  for (std::size_t p = out.find("\r\n"); p != std::string::npos; p = out.find("\r\n", p + 2))
    ++crlf;
  EXPECT_EQ(crlf, 2u) << out;  // header and one row, nothing else breaks a line
  std::string without_crlf = out;
  std::erase(without_crlf, '\r');
  EXPECT_FALSE(has_control(without_crlf, true)) << out;
  EXPECT_EQ(out.find("\xE2\x80\xAE"), std::string::npos) << out;
  EXPECT_NE(out.find("WS01\\x1b[31m"), std::string::npos) << out;
  EXPECT_NE(out.find("\\u{202e}exe.ssasl"), std::string::npos) << out;
}

TEST(JsonlWriter, escapes_controls_quotes_and_separators) {
  const std::string out = render(
      Format::kJsonl, {finding("whoami \x1b[2J\x07 \"x\\y\" \xE2\x80\xA8 \xff", "\x1b[31m")});
  EXPECT_FALSE(has_control(out.substr(0, out.size() - 1), false)) << out;
  EXPECT_EQ(out.back(), '\n');
  EXPECT_NE(out.find("\\u001b[2J\\u0007 \\\"x\\\\y\\\" \\u2028 \xEF\xBF\xBD"), std::string::npos)
      << out;
  EXPECT_NE(out.find("\"record\":4242"), std::string::npos);
  EXPECT_NE(out.find("\"source\":\"logs/Security.evtx\""), std::string::npos);
}

TEST(JsonlWriter, via_and_obfuscation) {
  auto f = finding("whoami /all", "/all");
  f.via = event("cmd /c w^hoami /all");
  f.origin = cmdline::Origin::kCmdChain;
  f.via_cmd = true;
  f.obfuscation_score = 20;
  f.obfuscation = {cmdline::Obfuscation::kCaret};
  const std::string out = render(Format::kJsonl, {f});
  EXPECT_NE(out.find("\"origin\":\"cmd\",\"via_cmd\":true,\"via\":{"), std::string::npos) << out;
  EXPECT_NE(out.find("\"obfuscation\":{\"score\":20,\"reasons\":[\"caret\"]}"), std::string::npos);
}

/// Cells of one CSV row (quoted cells hold no newline: controls are escaped).
std::size_t csv_cells(std::string_view row) {
  std::size_t n = 1;
  bool quoted = false;
  for (char c : row) {
    if (c == '"') quoted = !quoted;
    if (c == ',' && !quoted) ++n;
  }
  return n;
}

TEST(Profiles, csv_columns_and_rows_agree) {
  for (Profile p :
       {Profile::kMinimal, Profile::kStandard, Profile::kVerbose, Profile::kTimesketch}) {
    std::string out;
    auto sink = make_sink(Format::kCsv, [&](std::string_view s) { out.append(s); }, {.profile = p});
    sink->begin();
    sink->write(finding("whoami /all, \"x\"", "/all"));
    sink->finish();
    const std::string header = out.substr(0, out.find("\r\n"));
    const std::string row = out.substr(header.size() + 2, out.size() - header.size() - 4);
    EXPECT_EQ(csv_cells(header), csv_columns(p).size());
    EXPECT_EQ(csv_cells(row), csv_columns(p).size()) << row;
  }
  EXPECT_EQ(csv_columns(Profile::kMinimal).size(), 11u);
  const auto ts = csv_columns(Profile::kTimesketch);
  EXPECT_EQ(std::vector<std::string_view>(ts.begin(), ts.begin() + 3),
            (std::vector<std::string_view>{"message", "datetime", "timestamp_desc"}));
  EXPECT_EQ(csv_columns(Profile::kVerbose).back(), "original_file_name");
}

TEST(Profiles, jsonl_timesketch_minimal_verbose) {
  auto render_profile = [](Profile p, const Finding& f) {
    std::string out;
    auto sink =
        make_sink(Format::kJsonl, [&](std::string_view s) { out.append(s); }, {.profile = p});
    sink->begin();
    sink->write(f);
    sink->finish();
    return out;
  };
  const Finding f = finding("whoami /all", "/all");
  const std::string ts = render_profile(Profile::kTimesketch, f);
  EXPECT_TRUE(
      ts.starts_with("{\"message\":\"[recon] whoami: whoami /all (WS01, CORP\\\\alice)\","
                     "\"datetime\":\"2012-12-14T23:06:40.000000Z\","
                     "\"timestamp_desc\":\"Process creation\",\"type\":\"finding\","))
      << ts;
  const std::string min = render_profile(Profile::kMinimal, f);
  EXPECT_EQ(
      min,
      "{\"type\":\"finding\",\"incident\":null,\"timestamp\":\"2012-12-14T23:06:40.000000Z\","
      "\"host\":\"WS01\",\"user\":\"CORP\\\\alice\",\"phase\":\"recon\",\"command\":\"whoami\","
      "\"rule\":\"whoami\",\"level\":\"medium\",\"command_line\":\"whoami /all\","
      "\"source\":\"logs/Security.evtx\",\"record\":4242}\n");
  Finding renamed = f;
  renamed.matches.front().kb->renamed = true;
  const std::string verbose = render_profile(Profile::kVerbose, renamed);
  EXPECT_NE(verbose.find("\"level\":\"medium\""), std::string::npos) << verbose;
  std::size_t n = 0;
  for (std::size_t p = verbose.find("\"original_file_name\""); p != std::string::npos;
       p = verbose.find("\"original_file_name\"", p + 1)) {
    ++n;
  }
  EXPECT_EQ(n, 1u) << verbose;  // never twice
  EXPECT_EQ(render_profile(Profile::kStandard, f), render(Format::kJsonl, {f}));
  // Incidents in the timesketch profile carry the three fields too.
  Incident inc;
  inc.id = "inc-000001";
  inc.host = "WS01";
  inc.user = "CORP\\alice";
  inc.start = f.time();
  inc.score = 9;
  inc.phases = {"recon", "spread"};
  std::string out;
  append_incident_json(out, inc, Profile::kTimesketch);
  EXPECT_TRUE(
      out.starts_with("{\"message\":\"incident inc-000001 score 9 on WS01 (CORP\\\\alice): "
                      "recon -> spread\",\"datetime\":\"2012-12-14T23:06:40.000000Z\","
                      "\"timestamp_desc\":\"Incident start\",\"type\":\"incident\","))
      << out;
}

TEST(Profiles, parse) {
  EXPECT_EQ(parse_profile("timesketch"), Profile::kTimesketch);
  EXPECT_EQ(parse_profile("minimal"), Profile::kMinimal);
  EXPECT_FALSE(parse_profile("super"));
}

TEST(TableWriter, no_control_sequences_or_bidi_overrides) {
  auto f = finding("x",
                   "/fi \"\xE2\x80\xAE"
                   "exe.ssasl\" \x1b]0;owned\x07\r\n=1");
  f.process = event("x", "WS01\x1b[31m", "\x1b[2Jbob");
  const std::string out = render(Format::kTable, {f}, 200);
  EXPECT_FALSE(has_control(out, true)) << out;
  EXPECT_EQ(out.find("\xE2\x80\xAE"), std::string::npos);
  EXPECT_NE(out.find("\\u{202e}exe.ssasl"), std::string::npos) << out;
  EXPECT_NE(out.find("\\x1b]0;owned\\x07\\x0d\\x0a=1"), std::string::npos) << out;
  EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 2);  // header + one row
}

TEST(TableWriter, rows_fit_the_width) {
  for (const int width : {TableWriter::kMinWidth, 122, 140, 200}) {
    const std::string out = render(Format::kTable, {finding("x", std::string(500, 'a'))}, width);
    std::size_t start = 0;
    while (start < out.size()) {
      const std::size_t nl = out.find('\n', start);
      const std::string line = out.substr(start, nl - start);
      std::size_t cols = 0;
      for (char c : line) cols += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
      EXPECT_LE(cols, static_cast<std::size_t>(width)) << line;
      start = nl + 1;
    }
    EXPECT_NE(out.find("\xE2\x80\xA6"), std::string::npos);  // ARGS abbreviated, marked
    EXPECT_NE(out.find("USER"), std::string::npos) << out;   // at every width
    EXPECT_NE(out.find("PHASE"), std::string::npos) << out;
    EXPECT_EQ(out.find("TACTIC") != std::string::npos, width >= 140) << out;
  }
}

/// The text of the column at [begin, begin + width) over every line of `out`, joined.
std::string column(const std::string& out, std::size_t begin, std::size_t width) {
  std::string joined;
  std::size_t start = out.find('\n') + 1;  // after the header
  while (start < out.size()) {
    const std::size_t nl = out.find('\n', start);
    std::string cell = out.substr(start, nl - start);
    cell = cell.size() > begin ? cell.substr(begin, width) : "";
    while (!cell.empty() && cell.back() == ' ') cell.pop_back();
    joined += cell;
    start = nl + 1;
  }
  return joined;
}

TEST(TableWriter, never_cuts_host_user_or_phase) {
  auto f = finding("x", "/all");
  f.process = event("x", "FINANCE-WORKSTATION-0042.corp.example", "administrator-backup-svc");
  f.matches.front().phase = "command-and-control";
  for (const int width : {100, 140, 200}) {
    const std::string out = render(Format::kTable, {f}, width);
    EXPECT_EQ(column(out, 21, 12), "FINANCE-WORKSTATION-0042") << out;
    EXPECT_EQ(column(out, 35, 16), "CORP\\administrator-backup-svc") << out;
    EXPECT_EQ(column(out, 53, 17), "command-and-control") << out;
    EXPECT_EQ(out.find("\xE2\x80\xA6"), std::string::npos) << out;  // nothing cut
  }
}

TEST(TableWriter, color_by_phase_and_level_only_when_asked) {
  auto f = finding("whoami /all", "/all");
  f.matches.front().level = Level::kHigh;
  std::string plain, colored;
  TableWriter p([&](std::string_view s) { plain.append(s); }, 200, false);
  TableWriter c([&](std::string_view s) { colored.append(s); }, 200, true);
  for (TableWriter* w : {&p, &c}) {
    w->begin();
    w->write(f);
    w->finish();
  }
  EXPECT_EQ(plain.find('\x1b'), std::string::npos) << plain;
  EXPECT_NE(colored.find("\x1b[34mrecon\x1b[0m"), std::string::npos) << colored;
  EXPECT_NE(colored.find("\x1b[1;31mwhoami\x1b[0m"), std::string::npos) << colored;
  // Colour codes do not shift the columns: the same line without them.
  std::string stripped = colored;
  for (const char* code : {"\x1b[34m", "\x1b[1;31m", "\x1b[0m"}) {
    for (std::size_t at = stripped.find(code); at != std::string::npos; at = stripped.find(code)) {
      stripped.erase(at, std::string_view(code).size());
    }
  }
  EXPECT_EQ(stripped, plain);
  // Log text cannot bring its own: an ESC in a value is shown as text even with colour on.
  auto hostile = finding("x", "\x1b[31mred");
  std::string out;
  TableWriter h([&](std::string_view s) { out.append(s); }, 200, true);
  h.begin();
  h.write(hostile);
  h.finish();
  EXPECT_NE(out.find("\\x1b[31mred"), std::string::npos) << out;
}

TEST(TableWriter, wrap_prefers_separators) {
  EXPECT_EQ(wrap("short", 10), std::vector<std::string>{"short"});
  EXPECT_EQ(wrap("command-and-control", 17), (std::vector<std::string>{"command-and-", "control"}));
  EXPECT_EQ(wrap("CORP\\administrator", 10),
            (std::vector<std::string>{"CORP\\", "administra", "tor"}));
  EXPECT_EQ(wrap("abcdefghij", 4), (std::vector<std::string>{"abcd", "efgh", "ij"}));
  EXPECT_EQ(wrap("\xE6\x96\x87\xE6\x9B\xB8\xE6\x96\x87", 2),
            (std::vector<std::string>{"\xE6\x96\x87\xE6\x9B\xB8", "\xE6\x96\x87"}));
}

TEST(TableWriter, empty_run_says_so) {
  EXPECT_NE(render(Format::kTable, {}).find("(no findings)"), std::string::npos);
}

TEST(Fields, fit_counts_code_points) {
  EXPECT_EQ(fit("abc", 5), "abc  ");
  EXPECT_EQ(fit("abcdef", 4), "abc\xE2\x80\xA6");
  EXPECT_EQ(fit("\xE7\xB5\x8C\xE7\x90\x86", 2), "\xE7\xB5\x8C\xE7\x90\x86");
  EXPECT_EQ(fit("\xE7\xB5\x8C\xE7\x90\x86x", 2), "\xE7\xB5\x8C\xE2\x80\xA6");
  EXPECT_EQ(short_host("WS01.corp.example"), "WS01");
  EXPECT_EQ(short_host("10.0.0.5"), "10.0.0.5");
}

TEST(Fields, record_falls_back_to_line) {
  SourceRef s;
  s.line = 7;
  EXPECT_EQ(record_of(s), 7u);
  s.record_id = 99;
  EXPECT_EQ(record_of(s), 99u);
}

TEST(Fields, display_time_utc_local_iso) {
  const std::uint64_t t = 130'000'000'000'000'000ULL;  // 2012-12-14T23:06:40Z
  EXPECT_EQ(display_time(t, {}), "2012-12-14 23:06:40");
  EXPECT_EQ(display_time(t, {.iso = true}), "2012-12-14T23:06:40Z");
  EXPECT_EQ(display_time(0, {}), "");
  const char* old = std::getenv("TZ");
  const std::string saved = old != nullptr ? old : "";
  ::setenv("TZ", "JST-9", 1);  // POSIX form: no tzdata needed
  ::tzset();
  EXPECT_EQ(display_time(t, {.local = true}), "2012-12-15 08:06:40");
  EXPECT_EQ(display_time(t, {.local = true, .iso = true}), "2012-12-15T08:06:40+09:00");
  ::setenv("TZ", "EST5", 1);
  ::tzset();
  EXPECT_EQ(display_time(t, {.local = true, .iso = true}), "2012-12-14T18:06:40-05:00");
  EXPECT_EQ(zone_label({.local = true, .zone = "EST5"}), "EST5");
  EXPECT_EQ(zone_label({}), "UTC");
  if (old != nullptr) {
    ::setenv("TZ", saved.c_str(), 1);
  } else {
    ::unsetenv("TZ");
  }
  ::tzset();
}

TEST(SummaryWriter, text_and_json) {
  std::vector<Finding> fs = {finding("whoami /all", "/all"), finding("whoami", ""),
                             finding("whoami", "")};
  fs[1].argv = {};
  fs[0].argv = {"/all"};
  fs[1].process = event("whoami", "DC01.corp.example", "bob");
  fs[2].process = event("whoami", "dc01", "BOB");  // same host and user, other spelling
  const scan::Summary s = scan::summarize(fs);
  std::string text, json;
  append_summary_text(text, s);
  append_summary_json(json, s);
  EXPECT_NE(text.find("== All hosts ==\nrecon\n"), std::string::npos) << text;
  EXPECT_NE(text.find("  Rank  Command                 Count  Hosts  Users  First seen (UTC)  "
                      "Last seen (UTC)   Options\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("     1  whoami                      3      2      2  2012-12-14 23:06  "
                      "2012-12-14 23:06  /all\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("== Host WS01 (1 finding) =="), std::string::npos) << text;
  EXPECT_NE(text.find("== Host DC01.corp.example (2 findings) =="), std::string::npos) << text;
  const std::string row_all =
      "{\"rank\":1,\"command\":\"whoami\",\"count\":3,\"options\":[\"/all\"],"
      "\"first\":\"2012-12-14T23:06:40.000000Z\",\"last\":\"2012-12-14T23:06:40.000000Z\","
      "\"hosts\":2,\"users\":2}";
  EXPECT_TRUE(
      json.starts_with("{\"type\":\"summary\",\"findings\":3,\"all\":{\"findings\":3,"
                       "\"phases\":[{\"phase\":\"recon\",\"rows\":[" +
                       row_all + "]}]},"))
      << json;
  EXPECT_NE(json.find("\"hosts\":[{\"host\":\"DC01.corp.example\",\"findings\":2,"),
            std::string::npos)
      << json;
}

TEST(SummaryWriter, applocker_counts_only_when_there_are_records) {
  scan::Summary s = scan::summarize(std::vector<Finding>{finding("whoami", "")});
  std::string text, json;
  append_summary_text(text, s);
  append_summary_json(json, s);
  EXPECT_EQ(text.find("AppLocker"), std::string::npos) << text;
  EXPECT_EQ(json.find("applocker"), std::string::npos) << json;
  s.applocker = {5, 0, 2};
  text.clear();
  json.clear();
  append_summary_text(text, s);
  append_summary_json(json, s);
  EXPECT_TRUE(
      text.ends_with("\nAppLocker (executions with an 8002-8004 record): 5 allowed, 0 "
                     "audited (would have been blocked), 2 blocked (did not run)\n"))
      << text;
  EXPECT_TRUE(json.ends_with("],\"applocker\":{\"allowed\":5,\"audited\":0,\"blocked\":2}}\n"))
      << json;
}

TEST(SummaryWriter, one_host_prints_one_block) {
  const scan::Summary s = scan::summarize(std::vector<Finding>{finding("whoami", "")});
  std::string text;
  append_summary_text(text, s);
  EXPECT_EQ(text.find("== All hosts =="), std::string::npos) << text;
  EXPECT_NE(text.find("Summary (JPCERT/CC 2015 form): 1 finding, 1 host\n\n== Host WS01 (1 "
                      "finding) ==\nrecon\n"),
            std::string::npos)
      << text;
}

}  // namespace
}  // namespace cmdsentry::report
