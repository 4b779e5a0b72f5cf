// Sigma field names on cmdsentry events: one rule field reads the same value whether the
// execution was logged by Sysmon 1, Security 4688 or Winlogbeat (ECS).
#include "sigma/fields.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "engine_support.h"
#include "sigma_support.h"

namespace cmdsentry::sigma {
namespace {

const ProcessEvent& only_execution(const testing::Collected& c) {
  static const ProcessEvent kNone{};
  for (const Event& e : c.events) {
    if (const auto* p = std::get_if<ProcessEvent>(&e)) return *p;
  }
  ADD_FAILURE() << "no execution read";
  return kNone;
}

std::string get(const rules::Record& r, std::string_view name) {
  rules::FieldRef f{std::string(name), static_cast<std::uint16_t>(field_of(name))};
  std::string scratch;
  const auto v = r.get(f, scratch);
  return v ? std::string(*v) : std::string("<none>");
}

TEST(SigmaFields, sysmon_4688_and_ecs_spellings_name_one_field) {
  EXPECT_EQ(field_of("Image"), Field::kImage);
  EXPECT_EQ(field_of("NewProcessName"), Field::kImage);
  EXPECT_EQ(field_of("process.executable"), Field::kImage);
  EXPECT_EQ(field_of("image"), Field::kImage);  // case-insensitive
  EXPECT_EQ(field_of("CommandLine"), Field::kCommandLine);
  EXPECT_EQ(field_of("process.command_line"), Field::kCommandLine);
  EXPECT_EQ(field_of("ParentImage"), Field::kParentImage);
  EXPECT_EQ(field_of("process.parent.executable"), Field::kParentImage);
  EXPECT_EQ(field_of("OriginalFileName"), Field::kOriginalFileName);
  EXPECT_EQ(field_of("Company"), Field::kRaw);  // no normalized counterpart
}

TEST(SigmaFields, a_4688_record_answers_sysmon_field_names) {
  const auto c =
      testing::collect_events(std::vector<BufferInput>{{"sec.jsonl", testkit::kSecurityWhoami}});
  const ProcessRecord r(only_execution(c));
  EXPECT_EQ(get(r, "Image"), "C:\\Windows\\System32\\whoami.exe");
  EXPECT_EQ(get(r, "CommandLine"), "whoami /all");
  EXPECT_EQ(get(r, "ParentImage"), "C:\\Windows\\System32\\cmd.exe");
  EXPECT_EQ(get(r, "User"), "CORP\\alice");
  // A raw name the normalized event has no field for is found among the record's fields.
  EXPECT_EQ(get(r, "TokenElevationType"), "%%1937");
  EXPECT_EQ(get(r, "NoSuchField"), "<none>");
  std::vector<std::string> values;
  r.for_each_value([&](std::string_view v) { values.emplace_back(v); });
  EXPECT_NE(std::find(values.begin(), values.end(), "whoami /all"), values.end());
}

TEST(SigmaFields, a_sysmon_record_answers_sysmon_and_ecs_names) {
  const auto c =
      testing::collect_events(std::vector<BufferInput>{{"sysmon.jsonl", testkit::kSysmonWhoami}});
  const ProcessRecord r(only_execution(c));
  EXPECT_EQ(get(r, "Image"), "C:\\Windows\\System32\\whoami.exe");
  EXPECT_EQ(get(r, "process.command_line"), "whoami /all");
  EXPECT_EQ(get(r, "User"), "CORP\\alice");
  EXPECT_EQ(get(r, "OriginalFileName"), "whoami.exe");
  EXPECT_NE(get(r, "Hashes").find("SHA256=ABCD"), std::string::npos);
}

}  // namespace
}  // namespace cmdsentry::sigma
