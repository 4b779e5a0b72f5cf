#include "report/table_writer.h"

#include <algorithm>

#include "report/fields.h"

namespace cmdsentry::report {
namespace {

constexpr std::size_t kFlushBytes = 1 << 16;
// Column widths (code points) before the last column, and the two-space gutter. The USER column
// is dropped when keeping it would leave ARGS fewer than kMinArgs columns.
constexpr std::size_t kTime = 19, kHost = 12, kUser = 16, kPhase = 9, kTactic = 17, kRule = 24,
                      kNoise = 8, kObf = 3, kGutter = 2, kMinArgs = 16;
constexpr std::size_t kFixed =
    kTime + kHost + kUser + kPhase + kTactic + kRule + kNoise + kObf + 8 * kGutter;

}  // namespace

std::string short_host(std::string_view host) {
  const bool ip = !host.empty() && std::all_of(host.begin(), host.end(), [](char c) {
    return (c >= '0' && c <= '9') || c == '.' || c == ':';
  });
  return std::string(ip ? host : host.substr(0, host.find('.')));
}

void TableWriter::row(std::string_view time, std::string_view host, std::string_view user,
                      std::string_view phase, std::string_view tactic, std::string_view rule,
                      std::string_view noise, std::string_view obf, std::string_view args) {
  const std::size_t width = width_ > 0 ? static_cast<std::size_t>(width_) : 0;
  const bool with_user = width >= kFixed + kMinArgs;
  const std::size_t fixed = with_user ? kFixed : kFixed - kUser - kGutter;
  const std::size_t rest = std::max(kMinArgs, width > fixed ? width - fixed : 0);
  const std::string gutter(kGutter, ' ');
  std::string obf_text = fit(terminal_text(obf), kObf, false);
  obf_text.insert(0, kObf > obf_text.size() ? kObf - obf_text.size() : 0, ' ');  // right-align
  std::string line = fit(terminal_text(time), kTime) + gutter + fit(terminal_text(host), kHost);
  if (with_user) line += gutter + fit(terminal_text(user), kUser);
  line += gutter + fit(terminal_text(phase), kPhase) + gutter +
          fit(terminal_text(tactic), kTactic) + gutter + fit(terminal_text(rule), kRule) + gutter +
          fit(terminal_text(noise), kNoise) + gutter + obf_text + gutter +
          fit(terminal_text(args), rest, false);
  while (!line.empty() && line.back() == ' ') line.pop_back();
  buf_ += line;
  buf_ += '\n';
}

void TableWriter::begin() {
  row("TIME (UTC)", "HOST", "USER", "PHASE", "TACTIC", "RULE", "NOISE", "OBF", "ARGS");
}

void TableWriter::write(const Finding& f) {
  const ProcessEvent& e = *f.process;
  std::string time = iso_time(e.time).substr(0, 19);
  if (time.size() > 10) time[10] = ' ';
  std::string args = f.args;
  if (!e.command_line_logged && args.empty()) args = "(command line not logged)";
  row(time, short_host(e.host()), user_of(e), f.phase(), f.tactic(), f.rule(),
      kb::to_string(f.noise()), std::to_string(f.obfuscation_score), args);
  ++rows_;
  if (buf_.size() >= kFlushBytes) {
    out_(buf_);
    buf_.clear();
  }
}

void TableWriter::finish() {
  if (rows_ == 0) buf_ += "(no findings)\n";
  if (!buf_.empty()) out_(buf_);
  buf_.clear();
}

}  // namespace cmdsentry::report
