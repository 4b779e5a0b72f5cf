// Output filters (--from/--to/--host/--user/--phase): time bounds, relative spans, host and user
// matching, incidents, and the filtering sink.
#include <gtest/gtest.h>

#include "core/time.h"
#include "report/filter.h"
#include "report_test_support.h"

namespace cmdsentry::report {
namespace {

constexpr std::uint64_t kDay = 86'400ULL * 10'000'000ULL;

TEST(FilterTime, iso_and_relative_spans) {
  const std::uint64_t now = *parse_iso_time("2026-03-10T00:00:00Z");
  EXPECT_EQ(parse_time_bound("2026-03-02", now), parse_iso_time("2026-03-02T00:00:00Z"));
  EXPECT_EQ(parse_time_bound("2026-03-02T13:00:00+02:00", now),
            parse_iso_time("2026-03-02T11:00:00Z"));
  EXPECT_EQ(parse_time_bound("7d", now), now - 7 * kDay);
  EXPECT_EQ(parse_time_bound("2w", now), now - 14 * kDay);
  EXPECT_EQ(parse_time_bound("12h", now), now - kDay / 2);
  EXPECT_EQ(parse_time_bound("30m", now), now - 30ULL * 60 * 10'000'000);
  EXPECT_EQ(parse_time_bound("45S", now), now - 45ULL * 10'000'000);
  EXPECT_EQ(parse_time_bound("99999w", now), 0u);       // before the epoch: everything
  EXPECT_FALSE(parse_time_bound("99999999999w", now));  // overflows 64 bits
  EXPECT_FALSE(parse_time_bound("7x", now));
  EXPECT_FALSE(parse_time_bound("d", now));
  EXPECT_FALSE(parse_time_bound("yesterday", now));
  EXPECT_FALSE(parse_time_bound("", now));
}

TEST(FilterSpec, hosts_users_phases_and_bounds) {
  FilterSpec s;
  EXPECT_TRUE(s.empty());
  EXPECT_TRUE(s.keep(0, "", "", ""));
  s.hosts = {"ws01"};
  EXPECT_TRUE(s.keep(1, "WS01.corp.example", "x", "recon"));
  EXPECT_TRUE(s.keep(1, "ws01", "x", "recon"));
  EXPECT_FALSE(s.keep(1, "WS010.corp.example", "x", "recon"));
  EXPECT_FALSE(s.keep(1, "DC01.corp.example", "x", "recon"));
  s.hosts = {"ws01.CORP.example", "dc01"};
  EXPECT_TRUE(s.keep(1, "WS01.corp.example", "x", "recon"));
  EXPECT_TRUE(s.keep(1, "DC01", "x", "recon"));
  s.hosts.clear();
  s.users = {"alice"};
  EXPECT_TRUE(s.keep(1, "h", "CORP\\Alice", "recon"));
  EXPECT_TRUE(s.keep(1, "h", "alice", "recon"));
  EXPECT_FALSE(s.keep(1, "h", "CORP\\alice2", "recon"));
  s.users = {"corp\\ALICE"};
  EXPECT_TRUE(s.keep(1, "h", "CORP\\alice", "recon"));
  EXPECT_FALSE(s.keep(1, "h", "OTHER\\alice", "recon"));
  s.users.clear();
  s.phases = {"spread", "impact"};
  EXPECT_TRUE(s.keep(1, "h", "u", "impact"));
  EXPECT_FALSE(s.keep(1, "h", "u", "recon"));
  s.phases.clear();
  s.from = 100;
  s.to = 200;
  EXPECT_TRUE(s.keep(100, "h", "u", "p"));
  EXPECT_TRUE(s.keep(200, "h", "u", "p"));
  EXPECT_FALSE(s.keep(99, "h", "u", "p"));
  EXPECT_FALSE(s.keep(201, "h", "u", "p"));
  EXPECT_FALSE(s.keep(0, "h", "u", "p"));  // no time: not in any range
}

TEST(FilterSpec, incidents_overlap_and_phases) {
  Incident inc;
  inc.host = "WS01.corp.example";
  inc.user = "CORP\\alice";
  inc.start = 100;
  inc.end = 200;
  inc.phases = {"recon"};
  EvidenceRef r;
  r.phase = "credential-access";
  inc.findings = {r};
  FilterSpec s;
  s.from = 150;
  EXPECT_TRUE(s.keep(inc));
  s.from = 201;
  EXPECT_FALSE(s.keep(inc));
  s.from.reset();
  s.to = 99;
  EXPECT_FALSE(s.keep(inc));
  s.to.reset();
  s.phases = {"credential-access"};
  EXPECT_TRUE(s.keep(inc));
  s.phases = {"spread"};
  EXPECT_FALSE(s.keep(inc));
  s.phases.clear();
  s.hosts = {"dc01"};
  EXPECT_FALSE(s.keep(inc));
}

class Collect final : public cmdsentry::Sink {
 public:
  void on_finding(const Finding& f) override { hosts.emplace_back(f.process->host()); }
  void on_incident(const Incident&) override { ++incidents; }
  void on_automation(const AutomationLine&) override { ++automation; }
  std::vector<std::string> hosts;
  int incidents = 0, automation = 0;
};

TEST(FilterSink, forwards_what_passes_to_every_sink) {
  Collect a, b;
  FilterSpec spec;
  spec.hosts = {"WS01"};
  FilterSink sink(spec, {&a, &b});
  Finding keep = finding("whoami", "");
  Finding drop = finding("whoami", "");
  drop.process = event("whoami", "DC01");
  Incident other;
  other.host = "DC01";
  sink.on_incident(other);
  sink.on_finding(keep);
  sink.on_finding(drop);
  sink.on_automation(AutomationLine{});
  EXPECT_EQ(a.hosts, std::vector<std::string>{"WS01"});
  EXPECT_EQ(b.hosts, a.hosts);
  EXPECT_EQ(a.incidents, 0);
  EXPECT_EQ(a.automation, 1);
  EXPECT_EQ(sink.dropped(), 1u);
}

}  // namespace
}  // namespace cmdsentry::report
