#include "events/normalize.h"

#include <gtest/gtest.h>

namespace cmdsentry::events {
namespace {

RawEvent raw(std::uint32_t id, std::string channel,
             std::vector<std::pair<std::string, std::string>> data) {
  RawEvent r;
  r.event_id = id;
  r.set_channel(channel);
  r.set_computer("WS01");
  r.time_created = 133000000000000000ull;
  for (const auto& [k, v] : data) r.add_field(k, v);
  return r;
}

}  // namespace

TEST(Normalize, security_4688_hex_pids_and_label) {
  Event e = normalize(raw(4688, "Security",
                          {{"SubjectUserSid", "S-1-5-21-1"},
                           {"SubjectUserName", "jdoe"},
                           {"SubjectDomainName", "CORP"},
                           {"SubjectLogonId", "0x5c3a1f"},
                           {"NewProcessId", "0x1f48"},
                           {"NewProcessName", "C:\\net.exe"},
                           {"ProcessId", "0x2214"},
                           {"CommandLine", "net view"},
                           {"TargetUserName", "-"},
                           {"ParentProcessName", "C:\\cmd.exe"},
                           {"MandatoryLabel", "S-1-16-12288"}}));
  const auto& p = std::get<ProcessEvent>(e);
  EXPECT_EQ(p.pid, 0x1f48u);
  EXPECT_EQ(*p.parent_pid, 0x2214u);
  EXPECT_EQ(p.user_sid(), "S-1-5-21-1");
  EXPECT_EQ(p.user_domain(), "CORP");
  EXPECT_EQ(p.logon_id, 0x5c3a1fu);
  EXPECT_EQ(p.integrity, Integrity::kHigh);
  EXPECT_TRUE(p.command_line_logged);
  EXPECT_TRUE(p.has(EvidenceKind::kSecurity4688));
  ASSERT_EQ(p.evidence.size(), 1u);
  EXPECT_EQ(p.evidence[0]->field_count(), 11u);  // the original field map stays available
}

TEST(Normalize, security_4688_without_command_line_is_flagged) {
  Event e =
      normalize(raw(4688, "Security", {{"NewProcessId", "0x10"}, {"NewProcessName", "C:\\a.exe"}}));
  const auto& p = std::get<ProcessEvent>(e);
  EXPECT_FALSE(p.command_line_logged);
  EXPECT_EQ(p.image(), "C:\\a.exe");
  EXPECT_FALSE(p.parent_pid.has_value());
}

TEST(Normalize, security_4688_runs_as_target_user_when_given) {
  Event e = normalize(raw(4688, "Security",
                          {{"SubjectUserName", "WS$"},
                           {"TargetUserSid", "S-1-0-0"},
                           {"TargetUserName", "alice"},
                           {"TargetDomainName", "WS"},
                           {"TargetLogonId", "0x3673c"}}));
  const auto& p = std::get<ProcessEvent>(e);
  EXPECT_EQ(p.user_name(), "alice");
  EXPECT_EQ(p.user_sid(), "");
  EXPECT_EQ(p.logon_id, 0x3673cu);
}

TEST(Normalize, sysmon_1_decimal_pids_user_hashes_guid) {
  Event e = normalize(raw(1, "Microsoft-Windows-Sysmon/Operational",
                          {{"UtcTime", "2025-03-14 09:21:07.441"},
                           {"ProcessGuid", "7D1E2A3B-F4C3-67D4-A11B-000000002F00"},
                           {"ProcessId", "8008"},
                           {"Image", "C:\\net.exe"},
                           {"User", "CORP\\jdoe"},
                           {"IntegrityLevel", "Medium"},
                           {"Hashes", "SHA1=AA,MD5=BB,SHA256=CC,IMPHASH=DD"},
                           {"ParentProcessId", "8724"}}));
  const auto& p = std::get<ProcessEvent>(e);
  EXPECT_EQ(p.pid, 8008u);
  EXPECT_EQ(*p.parent_pid, 8724u);
  EXPECT_EQ(p.user_domain(), "CORP");
  EXPECT_EQ(p.user_name(), "jdoe");
  EXPECT_EQ(p.process_guid(), "{7d1e2a3b-f4c3-67d4-a11b-000000002f00}");
  EXPECT_EQ(p.hashes->sha256, "CC");
  EXPECT_EQ(p.hashes->imphash, "DD");
  EXPECT_EQ(p.integrity, Integrity::kMedium);
  EXPECT_NE(p.time, 133000000000000000ull);  // UtcTime wins over TimeCreated
}

TEST(Normalize, event_1_of_other_providers_is_not_an_execution) {
  RawEvent r = raw(1, "System", {});
  r.set_provider("Microsoft-Windows-Kernel-General");
  EXPECT_FALSE(is_execution(r));
  EXPECT_TRUE(std::holds_alternative<OtherEvent>(normalize(std::move(r))));
}

TEST(Normalize, applocker_decisions_and_paths) {
  for (auto [id, decision] : {std::pair{8002u, AppLockerDecision::kAllowed},
                              std::pair{8003u, AppLockerDecision::kAudited},
                              std::pair{8004u, AppLockerDecision::kBlocked}}) {
    Event e = normalize(raw(id, "Microsoft-Windows-AppLocker/EXE and DLL",
                            {{"PolicyNameBuffer", "EXE"},
                             {"TargetProcessId", "8008"},
                             {"FilePathBuffer", "%SYSTEM32%\\NET.EXE"},
                             {"TargetUser", "S-1-5-21-9"}}));
    const auto& p = std::get<ProcessEvent>(e);
    EXPECT_EQ(p.applocker->decision, decision);
    EXPECT_EQ(p.applocker->policy, "EXE");
    EXPECT_EQ(p.image(), "C:\\WINDOWS\\SYSTEM32\\NET.EXE");
    EXPECT_EQ(p.pid, 8008u);
    EXPECT_EQ(p.user_sid(), "S-1-5-21-9");
  }
}

TEST(Normalize, logon_and_exit_are_kept_but_not_executions) {
  Event l = normalize(raw(4624, "Security",
                          {{"TargetUserName", "bob"},
                           {"TargetLogonId", "0x10"},
                           {"LogonType", "10"},
                           {"IpAddress", "10.0.0.5"}}));
  ASSERT_TRUE(std::holds_alternative<LogonEvent>(l));
  EXPECT_EQ(std::get<LogonEvent>(l).logon_type, 10u);
  EXPECT_EQ(std::get<LogonEvent>(l).logon_id, 0x10u);
  Event x = normalize(raw(4689, "Security", {{"ProcessId", "0x1f48"}, {"Status", "0x1"}}));
  ASSERT_TRUE(std::holds_alternative<ProcessExitEvent>(x));
  EXPECT_EQ(std::get<ProcessExitEvent>(x).pid, 0x1f48u);
}

TEST(Normalize, helpers) {
  EXPECT_EQ(parse_integrity("S-1-16-16384"), Integrity::kSystem);
  EXPECT_EQ(parse_integrity("S-1-16-1"), Integrity::kUnknown);
  std::string d, n;
  split_user("alice@corp.example", d, n);
  EXPECT_EQ(n, "alice");
  EXPECT_EQ(d, "corp.example");
  EXPECT_EQ(normalize_guid("{ABC}"), "{abc}");
  EXPECT_EQ(normalize_guid(""), "");
}

}  // namespace cmdsentry::events
