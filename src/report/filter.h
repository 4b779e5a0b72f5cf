#pragma once
/// FindingFilter: which findings and incidents a run writes (`scan --from/--to/--host/--user/
/// --phase`, `report` the same). A sink in front of the writers: it forwards what passes and
/// drops the rest, so correlation still sees (and scores incidents on) every finding; the
/// filters choose what is shown. Automation lines and end-of-run calls always pass.
///
/// Matching: time within [from, to] (inclusive; a finding without a time passes only when
/// neither bound is set); host equal to one of `hosts` case-insensitively, either whole or its
/// first DNS label (`WS01` matches `ws01.corp.example`); user equal to one of `users`
/// case-insensitively, as `DOMAIN\name` or the name alone; phase one of `phases`. An incident
/// passes when its host and user pass, its span overlaps [from, to], and (with `phases`) it
/// reached one of them or holds a finding of one.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "report/sink.h"

namespace cmdsentry::report {

/// Parses a --from/--to value into FILETIME ticks: ISO 8601 (`2026-03-02`, `2026-03-02T13:00Z`,
/// offsets) or a span back from `now` (`7d`, `12h`, `30m`, `45s`, `2w`). nullopt when neither.
[[nodiscard]] std::optional<std::uint64_t> parse_time_bound(std::string_view text,
                                                            std::uint64_t now);

/// The criteria (empty lists and unset bounds select everything).
struct FilterSpec {
  std::optional<std::uint64_t> from, to;
  std::vector<std::string> hosts, users, phases;
  [[nodiscard]] bool empty() const {
    return !from && !to && hosts.empty() && users.empty() && phases.empty();
  }
  [[nodiscard]] bool keep(std::uint64_t time, std::string_view host, std::string_view user,
                          std::string_view phase) const;
  [[nodiscard]] bool keep(const Incident& incident) const;
};

/// The filtering sink: forwards to `downstream` what `spec` keeps.
class FilterSink final : public cmdsentry::Sink {
 public:
  FilterSink(FilterSpec spec, std::vector<cmdsentry::Sink*> downstream)
      : spec_(std::move(spec)), downstream_(std::move(downstream)) {}
  void begin() override;
  void on_finding(const Finding& finding) override;
  void on_incident(const Incident& incident) override;
  void on_automation(const AutomationLine& line) override;
  void flush() override;
  void finish(const RunReport& report) override;
  /// Findings dropped so far.
  [[nodiscard]] std::uint64_t dropped() const { return dropped_; }

 private:
  FilterSpec spec_;
  std::vector<cmdsentry::Sink*> downstream_;
  std::uint64_t dropped_ = 0;
};

}  // namespace cmdsentry::report
