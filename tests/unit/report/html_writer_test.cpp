// The HTML report writer: the page's structure (golden skeleton), the CSP, the data blocks (no
// log text can close them or open a tag), interning with its cap, and the JSONL run reader.
// What the page draws from the data is tested in a real browser (tests/cli/html_report_test.sh).
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>

#include "report/html_assets.h"
#include "report/html_writer.h"
#include "report/jsonl_writer.h"
#include "report/run_reader.h"
#include "report_test_support.h"
#include "testing.h"

namespace cmdsentry::report {
namespace {

std::string page(const std::vector<Finding>& findings,
                 const std::vector<Incident>& incidents = {}) {
  std::string out;
  HtmlWriter w([&](std::string_view s) { out.append(s); },
               {.title = "t", .generated = "g", .input = "i"});
  w.begin();
  for (const Incident& i : incidents) w.on_incident(i);
  for (const Finding& f : findings) w.write(f);
  w.finish();
  return out;
}

/// The contents of every <script type="application/json" class="cs-data"> block.
std::vector<std::string> data_blocks(const std::string& html) {
  std::vector<std::string> out;
  const std::string open = "<script type=\"application/json\" class=\"cs-data\">";
  for (std::size_t p = html.find(open); p != std::string::npos; p = html.find(open, p)) {
    p += open.size();
    const std::size_t end = html.find("</script>", p);
    out.push_back(html.substr(p, end - p));
    p = end;
  }
  return out;
}

/// The page's tags in order (name and id), outside script and style contents: the structure
/// the page's script relies on.
std::string skeleton(const std::string& html) {
  std::string out;
  static const std::regex kTag("<(/?[a-zA-Z0-9!]+)([^>]*)>");
  static const std::regex kId(" id=\"([^\"]+)\"");
  std::size_t pos = 0;
  while (pos < html.size()) {
    std::smatch m;
    const std::string rest = html.substr(pos);
    if (!std::regex_search(rest, m, kTag)) break;
    const std::string name = m[1].str();
    out += name;
    const std::string attrs = m[2].str();
    std::smatch id;
    if (std::regex_search(attrs, id, kId)) out += "#" + id[1].str();
    out += '\n';
    pos += static_cast<std::size_t>(m.position(0) + m.length(0));
    if (name == "script" || name == "style") pos = html.find("</" + name + ">", pos);
  }
  return out;
}

Incident incident() {
  Incident inc;
  inc.id = "inc-000001";
  inc.host = "WS01";
  inc.user = "CORP\\alice";
  inc.start = 130'000'000'000'000'000ULL;
  inc.end = inc.start + 600'000'000ULL;
  inc.phases = {"recon", "discovery"};
  inc.score = 9;
  inc.reasons = {"recon then discovery </script><img src=x onerror=alert(1)>"};
  EvidenceRef r;
  r.source = "logs/Security.evtx";
  r.record = 42;
  r.time = inc.start;
  r.command = "whoami";
  r.phase = "recon";
  r.image = "C:\\Windows\\System32\\whoami.exe";
  r.command_line = "whoami </textarea>";
  r.ancestry = "cmd.exe < w3wp.exe";
  inc.findings = {r};
  inc.findings_total = 1;
  return inc;
}

TEST(HtmlWriter, golden_skeleton) {
  const std::string html = page({finding("whoami /all", "/all")}, {incident()});
  const std::filesystem::path golden =
      testing::source_dir() / "tests" / "golden" / "report" / "skeleton.txt";
  if (std::getenv("CMDSENTRY_UPDATE_GOLDEN") != nullptr) {
    std::ofstream(golden, std::ios::binary) << skeleton(html);
  }
  EXPECT_EQ(skeleton(html), testing::slurp(golden)) << "CMDSENTRY_UPDATE_GOLDEN=1 rewrites it";
  EXPECT_TRUE(
      html.starts_with("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">"));
  EXPECT_TRUE(html.ends_with("</body>\n</html>\n"));
}

TEST(HtmlWriter, csp_allows_only_its_own_script_and_style) {
  const std::string html = page({});
  static const std::regex kCsp(
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src "
      "'sha256-[A-Za-z0-9+/]{43}='; style-src 'sha256-[A-Za-z0-9+/]{43}='; img-src data:; "
      "base-uri 'none'; form-action 'none'\">");
  EXPECT_TRUE(std::regex_search(html, kCsp)) << html.substr(0, 400);
  EXPECT_EQ(html.find("unsafe-inline"), std::string::npos);
  EXPECT_EQ(html.find("http://"), std::string::npos);
  EXPECT_EQ(html.find("https://"), std::string::npos);
  // The script and style are inlined byte for byte (their hashes are over exactly these bytes).
  EXPECT_NE(html.find("<script>" + std::string(detail::html_script()) + "</script>"),
            std::string::npos);
  EXPECT_NE(html.find("<style>" + std::string(detail::html_style()) + "</style>"),
            std::string::npos);
  // The page's own script uses no HTML parsing sink and no event-handler attributes.
  const std::string_view js = detail::html_script();
  for (const char* sink :
       {"innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function",
        "setAttribute('on", "fetch(", "XMLHttpRequest"}) {
    EXPECT_EQ(js.find(sink), std::string_view::npos) << sink;
  }
}

TEST(HtmlWriter, hostile_strings_cannot_leave_the_data_blocks) {
  std::vector<Finding> fs;
  for (const char* hostile : {"<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>",
                              "</textarea><b>x", "</script><script>alert(2)</script>",
                              "cmd /c \xE2\x80\xAE"
                              "fdp.exe",
                              "a\xE2\x80\xA8"
                              "b",
                              "<!--", "&lt;&amp;", "\x1b[2J\x07"}) {
    Finding f = finding(hostile, hostile);
    f.process = event(hostile, hostile, hostile);
    fs.push_back(f);
  }
  const std::string html = page(fs, {incident()});
  const std::vector<std::string> blocks = data_blocks(html);
  ASSERT_GE(blocks.size(), 2u);
  for (const std::string& b : blocks) {
    EXPECT_EQ(b.find_first_of("<>&"), std::string::npos) << b;
    EXPECT_EQ(b.find("\xE2\x80\xA8"), std::string::npos) << b;
    EXPECT_FALSE(has_control(b, false)) << b;
  }
  // Nothing but the page's own tags: one script that runs, the data blocks, one style.
  std::size_t scripts = 0;
  for (std::size_t p = html.find("<script"); p != std::string::npos;
       p = html.find("<script", p + 1))
    ++scripts;
  std::size_t ends = 0;
  for (std::size_t p = html.find("</script>"); p != std::string::npos;
       p = html.find("</script>", p + 1))
    ++ends;
  EXPECT_EQ(scripts, blocks.size() + 1);
  EXPECT_EQ(ends, scripts);
  EXPECT_EQ(html.find("<img"), std::string::npos);
  EXPECT_EQ(html.find("</textarea>"), std::string::npos);
  EXPECT_NE(html.find("\\u003c/script\\u003e\\u003cimg src=x onerror=alert(1)\\u003e"),
            std::string::npos);
}

TEST(HtmlWriter, interns_repeated_strings_and_caps_the_table) {
  std::vector<Finding> fs;
  for (int i = 0; i < 3; ++i) fs.push_back(finding("whoami /all", "/all"));
  const std::string html = page(fs);
  const std::vector<std::string> blocks = data_blocks(html);
  ASSERT_EQ(blocks.size(), 2u);  // meta, then one data block
  const std::string& d = blocks[1];
  // The host appears once in the string table, and each row refers to it by index.
  std::size_t hosts = 0;
  for (std::size_t p = d.find("\"WS01\""); p != std::string::npos; p = d.find("\"WS01\"", p + 1))
    ++hosts;
  EXPECT_EQ(hosts, 1u) << d;
  std::size_t rows = 0;
  for (std::size_t p = d.find("[1355"); p != std::string::npos; p = d.find("[1355", p + 1)) ++rows;
  EXPECT_EQ(rows, 3u) << d;  // 2012-12-14 in Unix milliseconds
  // A long string is never interned: written in each row.
  const std::string long_image(HtmlWriter::kMaxInternedBytes + 1, 'x');
  std::vector<Finding> ls;
  for (int i = 0; i < 2; ++i) {
    Finding f = finding("a", "a");
    f.process = event("a", long_image);
    ls.push_back(f);
  }
  const std::string html2 = page(ls);
  std::size_t n = 0;
  for (std::size_t p = html2.find(long_image); p != std::string::npos;
       p = html2.find(long_image, p + 1))
    ++n;
  EXPECT_EQ(n, 2u);
}

TEST(HtmlWriter, streams_in_blocks) {
  std::vector<Finding> fs(2000, finding("whoami /all " + std::string(100, 'a'), "/all"));
  std::vector<std::size_t> pieces;
  HtmlWriter w([&](std::string_view s) { pieces.push_back(s.size()); }, {});
  w.begin();
  for (const Finding& f : fs) w.write(f);
  const std::size_t before_finish = pieces.size();
  w.finish();
  EXPECT_GE(before_finish, 3u);  // head, then blocks as they fill, before the end
  for (std::size_t k = 1; k < pieces.size(); ++k) EXPECT_LT(pieces[k], 2u << 16);
}

TEST(RunReader, reads_a_jsonl_run) {
  std::string jsonl;
  append_incident_json(jsonl, incident());
  Finding f = finding("whoami </script>", "/all");
  f.incident = "inc-000001";
  append_finding_json(jsonl, f);
  jsonl += "not json\n\n{\"type\":\"summary\",\"findings\":1}\n[1,2]\n";
  std::istringstream in(jsonl);
  std::string html;
  HtmlWriter w([&](std::string_view s) { html.append(s); }, {});
  w.begin();
  const RunReadStats stats = read_run(in, w);
  w.finish();
  EXPECT_EQ(stats.findings, 1u);
  EXPECT_EQ(stats.incidents, 1u);
  EXPECT_EQ(stats.other, 1u);
  EXPECT_EQ(stats.skipped, 2u);
  EXPECT_EQ(stats.lines, 5u);
  ASSERT_EQ(stats.problems.size(), 2u);
  EXPECT_TRUE(stats.problems[0].starts_with("line 3: ")) << stats.problems[0];
  EXPECT_TRUE(stats.problems[1].starts_with("line 6: not a JSON object")) << stats.problems[1];
  // The same page as straight from the scan (same fields, level from the noise).
  std::string direct;
  HtmlWriter d([&](std::string_view s) { direct.append(s); }, {});
  d.begin();
  d.on_incident(incident());
  d.write(f);
  d.finish();
  EXPECT_EQ(data_blocks(html), data_blocks(direct));
}

TEST(RunReader, finding_fields) {
  std::string jsonl;
  Finding f = finding("whoami /all", "/all");
  Match sigma;
  sigma.engine = MatchEngine::kSigma;
  sigma.level = Level::kCritical;
  f.matches.push_back(sigma);
  append_finding_json(jsonl, f);
  ReportFinding r;
  ASSERT_TRUE(parse_finding_json(jsonl, r));
  EXPECT_EQ(r.time, 130'000'000'000'000'000ULL);
  EXPECT_EQ(r.host, "WS01");
  EXPECT_EQ(r.user, "CORP\\alice");
  EXPECT_EQ(r.level, "critical");
  EXPECT_EQ(r.record, 4242u);
  EXPECT_EQ(r.technique, "T1033");
  const ReportFinding direct = report_finding(f);
  EXPECT_EQ(direct.level, "critical");
  EXPECT_EQ(direct.command_line, r.command_line);
  EXPECT_FALSE(parse_finding_json("{\"type\":\"incident\"}", r));
}

}  // namespace
}  // namespace cmdsentry::report
