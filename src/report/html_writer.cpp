#include "report/html_writer.h"

#include <algorithm>

#include "cmdsentry/version.h"
#include "core/time.h"
#include "events/event_json.h"
#include "report/fields.h"
#include "report/html_assets.h"
#include "report/jsonl_writer.h"

namespace cmdsentry::report {
namespace {

constexpr std::size_t kBlockBytes = 1 << 16;
/// FILETIME ticks at the Unix epoch, and per millisecond.
constexpr std::uint64_t kUnixEpochTicks = 116'444'736'000'000'000ULL;
constexpr std::uint64_t kTicksPerMs = 10'000;

std::string base64_of_hex(std::string_view hex) {
  static constexpr char kDigits[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  auto nibble = [](char c) -> unsigned {
    return c >= 'a' ? static_cast<unsigned>(c - 'a' + 10) : static_cast<unsigned>(c - '0');
  };
  std::string bytes;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    bytes += static_cast<char>((nibble(hex[i]) << 4) | nibble(hex[i + 1]));
  }
  std::string out;
  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    const std::size_t n = std::min<std::size_t>(3, bytes.size() - i);
    unsigned v = 0;
    for (std::size_t k = 0; k < 3; ++k) {
      v = (v << 8) | (k < n ? static_cast<unsigned char>(bytes[i + k]) : 0u);
    }
    for (std::size_t k = 0; k < 4; ++k) {
      out += k <= n ? kDigits[(v >> (18 - 6 * k)) & 0x3F] : '=';
    }
  }
  return out;
}

/// The page around the data: the containers the script fills (docs/report.md, "Page").
constexpr std::string_view kBody = R"(<body>
<header class="cs-head"><h1 id="cs-title">cmdsentry report</h1><p id="cs-meta"></p></header>
<noscript><p>This report draws itself with its own embedded script; allow scripts for this file.</p></noscript>
<main id="cs-app">
<section id="cs-overview"><h2>Overview</h2><div id="cs-cards"></div></section>
<section id="cs-filter-bar"><form id="cs-filters" autocomplete="off">
<label>Host <select id="cs-f-host"><option value="">all</option></select></label>
<label>User <select id="cs-f-user"><option value="">all</option></select></label>
<label>Phase <select id="cs-f-phase"><option value="">all</option></select></label>
<label>Level <select id="cs-f-level"><option value="">any</option></select></label>
<label>Text <input id="cs-f-text" type="search" placeholder="command line, rule, host..."></label>
<button id="cs-f-reset" type="button">Reset</button>
</form><p id="cs-count"></p></section>
<section id="cs-timeline-section"><h2>Timeline per host</h2><div id="cs-legend"></div><canvas id="cs-timeline" width="1200" height="120"></canvas><p id="cs-timeline-note"></p></section>
<section id="cs-incidents-section"><h2>Incidents</h2><div id="cs-incidents"></div></section>
<section id="cs-top-section"><h2>Top commands per phase</h2><div id="cs-top"></div></section>
<section id="cs-automation-section"><h2>Known automation</h2><div id="cs-automation"></div></section>
<section id="cs-table-section"><h2>Findings</h2><div id="cs-thead"></div><div id="cs-scroll"><div id="cs-spacer"></div></div></section>
</main>
<pre id="cs-test-result" hidden></pre>
)";

}  // namespace

void append_script_json(std::string& out, std::string_view json) {
  for (std::size_t i = 0; i < json.size(); ++i) {
    const char c = json[i];
    if (c == '<') {
      out += "\\u003c";
    } else if (c == '>') {
      out += "\\u003e";
    } else if (c == '&') {
      out += "\\u0026";
    } else if (c == '\xE2' && i + 2 < json.size() && json[i + 1] == '\x80' &&
               (json[i + 2] == '\xA8' || json[i + 2] == '\xA9')) {
      out += json[i + 2] == '\xA8' ? "\\u2028" : "\\u2029";
      i += 2;
    } else {
      out += c;
    }
  }
}

ReportFinding report_finding(const Finding& f) {
  const ProcessEvent& e = *f.process;
  const SourceRef& src = source_of(e);
  ReportFinding r;
  r.time = e.time;
  r.host = e.host();
  r.user = user_of(e);
  r.phase = f.phase();
  r.command = f.command();
  r.rule = f.rule();
  r.tactic = f.tactic();
  r.level = to_string(headline_level(f));
  if (f.kb() != nullptr) r.noise = kb::to_string(f.noise());
  r.args = f.args;
  r.command_line = e.command_line();
  r.image = e.image();
  r.parent_image = e.parent_image();
  r.source = src.file;
  r.record = record_of(src);
  r.incident = f.incident;
  r.technique = join(f.techniques());
  r.ancestry = f.ancestry;
  r.origin = cmdline::to_string(f.origin);
  r.obfuscation = f.obfuscation_score;
  return r;
}

HtmlWriter::HtmlWriter(TextOut out, HtmlOptions options)
    : out_(std::move(out)), options_(std::move(options)) {}

void HtmlWriter::begin() {
  std::string page =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src "
      "'sha256-";
  page += base64_of_hex(detail::html_script_sha256());
  page += "'; style-src 'sha256-";
  page += base64_of_hex(detail::html_style_sha256());
  page +=
      "'; img-src data:; base-uri 'none'; form-action 'none'\">\n"
      "<meta name=\"referrer\" content=\"no-referrer\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<title>cmdsentry report</title>\n<style>";
  page += detail::html_style();
  page += "</style>\n<script>";
  page += detail::html_script();
  page += "</script>\n</head>\n";
  page += kBody;
  // The first block: what the page says about itself. Strings from the user (the input's name)
  // are escaped like log text.
  std::string meta = "{\"meta\":{\"title\":";
  events::append_json_string(meta, options_.title);
  meta += ",\"generated\":";
  events::append_json_string(meta, options_.generated);
  meta += ",\"input\":";
  events::append_json_string(meta, options_.input);
  meta += ",\"version\":";
  events::append_json_string(meta, kVersion);
  meta += "}}";
  page += "<script type=\"application/json\" class=\"cs-data\">";
  append_script_json(page, meta);
  page += "</script>\n";
  out_(page);
}

void HtmlWriter::open_list(char list) {
  std::string& s = list == 's'   ? strings_
                   : list == 'f' ? rows_
                   : list == 'i' ? incidents_
                                 : automation_;
  if (!s.empty()) s += ',';
}

void HtmlWriter::cell(std::string_view text, bool intern) {
  rows_ += ',';
  if (intern && text.size() <= kMaxInternedBytes) {
    auto it = interned_.find(std::string(text));
    if (it != interned_.end()) {
      rows_ += std::to_string(it->second);
      return;
    }
    if (interned_.size() < kMaxInterned) {
      const auto id = static_cast<std::uint32_t>(interned_.size());
      interned_.emplace(std::string(text), id);
      open_list('s');
      std::string json;
      events::append_json_string(json, text);
      append_script_json(strings_, json);
      rows_ += std::to_string(id);
      return;
    }
  }
  std::string json;
  events::append_json_string(json, text);
  append_script_json(rows_, json);
}

void HtmlWriter::add(const ReportFinding& f) {
  open_list('f');
  rows_ += '[';
  if (f.time >= kUnixEpochTicks) {
    rows_ += std::to_string((f.time - kUnixEpochTicks) / kTicksPerMs);
  } else {
    rows_ += "null";
  }
  cell(f.host, true);
  cell(f.user, true);
  cell(f.phase, true);
  cell(f.command, true);
  cell(f.rule, true);
  cell(f.tactic, true);
  cell(f.level, true);
  cell(f.noise, true);
  rows_ += ',' + std::to_string(std::clamp(f.obfuscation, 0, 100));
  cell(f.args, false);
  cell(f.command_line, false);
  cell(f.image, true);
  cell(f.parent_image, true);
  cell(f.source, true);
  rows_ += ',' + std::to_string(f.record);
  cell(f.incident, true);
  cell(f.technique, true);
  cell(f.ancestry, true);
  cell(f.origin, true);
  rows_ += ']';
  ++findings_;
  close_block(false);
}

void HtmlWriter::add_incident_json(std::string_view json) {
  open_list('i');
  append_script_json(incidents_, json);
  close_block(false);
}

void HtmlWriter::add_automation_json(std::string_view json) {
  open_list('a');
  append_script_json(automation_, json);
  close_block(false);
}

void HtmlWriter::on_incident(const Incident& incident) {
  std::string json;
  append_incident_json(json, incident);
  if (!json.empty() && json.back() == '\n') json.pop_back();
  add_incident_json(json);
}

void HtmlWriter::on_automation(const AutomationLine& line) {
  std::string json;
  append_automation_json(json, line);
  if (!json.empty() && json.back() == '\n') json.pop_back();
  add_automation_json(json);
}

void HtmlWriter::close_block(bool force) {
  const std::size_t size =
      strings_.size() + rows_.size() + incidents_.size() + automation_.size() + run_.size();
  if (size == 0 || (!force && size < kBlockBytes)) return;
  std::string block = "<script type=\"application/json\" class=\"cs-data\">{\"s\":[";
  block += strings_;
  block += "],\"f\":[";
  block += rows_;
  block += "],\"i\":[";
  block += incidents_;
  block += "],\"a\":[";
  block += automation_;
  block += ']';
  if (!run_.empty()) {
    block += ",\"run\":";
    block += run_;
  }
  block += "}</script>\n";
  strings_.clear();
  rows_.clear();
  incidents_.clear();
  automation_.clear();
  run_.clear();
  out_(block);
}

void HtmlWriter::finish(const RunReport& report) {
  const auto& s = report.read;
  run_ = "{\"files\":" + std::to_string(s.files) + ",\"records\":" + std::to_string(s.records) +
         ",\"skipped\":" + std::to_string(s.skipped) +
         ",\"executions\":" + std::to_string(report.analysed) +
         ",\"findings\":" + std::to_string(report.findings) + "}";
  finish();
}

void HtmlWriter::finish() {
  if (finished_) return;
  finished_ = true;
  close_block(true);
  out_("</body>\n</html>\n");
}

}  // namespace cmdsentry::report
