#include "report/filter.h"

#include <algorithm>
#include <cctype>

#include "core/time.h"
#include "report/fields.h"

namespace cmdsentry::report {
namespace {

constexpr std::uint64_t kTicksPerSecond = 10'000'000;

bool iequal(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

bool host_matches(const std::vector<std::string>& hosts, std::string_view host) {
  if (hosts.empty()) return true;
  const std::string_view label = host.substr(0, host.find('.'));
  return std::any_of(hosts.begin(), hosts.end(),
                     [&](const std::string& h) { return iequal(h, host) || iequal(h, label); });
}

bool user_matches(const std::vector<std::string>& users, std::string_view user) {
  if (users.empty()) return true;
  const std::size_t slash = user.rfind('\\');
  const std::string_view name = slash == std::string_view::npos ? user : user.substr(slash + 1);
  return std::any_of(users.begin(), users.end(),
                     [&](const std::string& u) { return iequal(u, user) || iequal(u, name); });
}

bool phase_matches(const std::vector<std::string>& phases, std::string_view phase) {
  return phases.empty() || std::find(phases.begin(), phases.end(), phase) != phases.end();
}

}  // namespace

std::optional<std::uint64_t> parse_time_bound(std::string_view text, std::uint64_t now) {
  if (text.size() >= 2 && text.size() <= 12) {
    const char unit = static_cast<char>(std::tolower(static_cast<unsigned char>(text.back())));
    const std::string_view digits = text.substr(0, text.size() - 1);
    const bool numeric =
        std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; });
    std::uint64_t seconds = 0;
    switch (unit) {
      case 's':
        seconds = 1;
        break;
      case 'm':
        seconds = 60;
        break;
      case 'h':
        seconds = 3600;
        break;
      case 'd':
        seconds = 86400;
        break;
      case 'w':
        seconds = 7 * 86400;
        break;
      default:
        break;
    }
    if (numeric && seconds != 0) {
      const std::uint64_t n = std::stoull(std::string(digits));
      const std::uint64_t span = n * seconds * kTicksPerSecond;
      if (n > 0 && span / (seconds * kTicksPerSecond) != n) return std::nullopt;  // overflow
      return span >= now ? 0 : now - span;
    }
  }
  return parse_iso_time(text);
}

bool FilterSpec::keep(std::uint64_t time, std::string_view host, std::string_view user,
                      std::string_view phase) const {
  if ((from || to) && time == 0) return false;
  if (from && time < *from) return false;
  if (to && time > *to) return false;
  return host_matches(hosts, host) && user_matches(users, user) && phase_matches(phases, phase);
}

bool FilterSpec::keep(const Incident& inc) const {
  if (from && inc.end < *from) return false;
  if (to && inc.start > *to) return false;
  if (!host_matches(hosts, inc.host) || !user_matches(users, inc.user)) return false;
  if (phases.empty()) return true;
  for (const std::string& p : inc.phases) {
    if (phase_matches(phases, p)) return true;
  }
  return std::any_of(inc.findings.begin(), inc.findings.end(),
                     [&](const EvidenceRef& r) { return phase_matches(phases, r.phase); });
}

void FilterSink::begin() {
  for (auto* s : downstream_) s->begin();
}

void FilterSink::on_finding(const Finding& f) {
  const ProcessEvent& e = *f.process;
  if (!spec_.keep(e.time, e.host(), user_of(e), f.phase())) {
    ++dropped_;
    return;
  }
  for (auto* s : downstream_) s->on_finding(f);
}

void FilterSink::on_incident(const Incident& incident) {
  if (!spec_.keep(incident)) return;
  for (auto* s : downstream_) s->on_incident(incident);
}

void FilterSink::on_automation(const AutomationLine& line) {
  for (auto* s : downstream_) s->on_automation(line);
}

void FilterSink::flush() {
  for (auto* s : downstream_) s->flush();
}

void FilterSink::finish(const RunReport& report) {
  for (auto* s : downstream_) s->finish(report);
}

}  // namespace cmdsentry::report
