#include "evtx_writer/spec_reader.h"

#include <gtest/gtest.h>

namespace cmdsentry::evtxgen {
namespace {

constexpr std::string_view kLine =
    R"({"provider":"Microsoft-Windows-Security-Auditing","guid":"54849625-5478-4994-A5BA-3E3B0328C30D",)"
    R"("channel":"Security","event_id":4688,"version":2,"task":13312,"keywords":"0x8020000000000000",)"
    R"("time":"2026-03-02T09:14:07.123456Z","computer":"WKS-FIN-07.corp.example","pid":4,"tid":88,)"
    R"("user_sid":null,"data":[["SubjectUserSid","sid","S-1-5-18"],["NewProcessId","hexint64","0x1a2c"],)"
    R"(["CommandLine","string","cmd.exe /c ver"],["Status","hexint32",0],["Gone","string",null]]})";

TEST(SpecReader, reads_system_fields_and_typed_data) {
  auto ev = parse_event_spec(kLine);
  ASSERT_TRUE(ev) << ev.error().message;
  EXPECT_EQ(ev->provider, "Microsoft-Windows-Security-Auditing");
  EXPECT_EQ(ev->provider_guid[0], 0x25);
  EXPECT_EQ(ev->event_id, 4688);
  EXPECT_EQ(ev->version, 2);
  EXPECT_EQ(ev->task, 13312);
  EXPECT_EQ(ev->keywords, 0x8020000000000000ULL);
  EXPECT_EQ(ev->process_id, 4U);
  EXPECT_EQ(ev->thread_id, 88U);
  EXPECT_FALSE(ev->user_sid);
  EXPECT_FALSE(ev->record_id);
  ASSERT_EQ(ev->data.size(), 5U);
  EXPECT_EQ(ev->data[0].type, ValueType::kSid);
  EXPECT_EQ(ev->data[1].value.bytes[0], 0x2c);
  EXPECT_EQ(ev->data[2].value.type, ValueType::kString);
  EXPECT_EQ(ev->data[3].value.bytes.size(), 4U);
  EXPECT_TRUE(ev->data[4].value.is_null());
  EXPECT_EQ(ev->data[4].type, ValueType::kString);
}

TEST(SpecReader, optional_system_fields) {
  auto ev = parse_event_spec(
      R"({"provider":"P","guid":"{5770385F-C22A-43E0-BF4C-06F5698FFBD9}","channel":"C","event_id":1,)"
      R"("time":134168000000000000,"computer":"H","user_sid":"S-1-5-18","record_id":77,)"
      R"("activity_id":"11111111-2222-3333-4444-555555555555","written":"2026-03-02T09:00:00Z",)"
      R"("note":"ignored","user_data":{"element":"RuleAndFileData","xmlns":"urn:x"},"data":[]})");
  ASSERT_TRUE(ev) << ev.error().message;
  EXPECT_EQ(ev->time_created, 134168000000000000ULL);
  EXPECT_EQ(ev->user_sid->size(), 12U);
  EXPECT_EQ(*ev->record_id, 77U);
  EXPECT_TRUE(ev->activity_id);
  EXPECT_TRUE(ev->written_time);
  ASSERT_TRUE(ev->user_data);
  EXPECT_EQ(ev->user_data->element, "RuleAndFileData");
  EXPECT_EQ(ev->user_data->xmlns, "urn:x");
}

TEST(SpecReader, errors_name_the_problem) {
  auto missing = parse_event_spec(R"({"provider":"P"})");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("missing key"), std::string::npos);
  auto typo = parse_event_spec(std::string(kLine).replace(1, 10, "\"providr\""));
  ASSERT_FALSE(typo);
  auto bad_type = parse_event_spec(
      R"({"provider":"P","guid":"54849625-5478-4994-A5BA-3E3B0328C30D","channel":"C","event_id":1,)"
      R"("time":"2026-03-02T09:00:00Z","computer":"H","data":[["X","uint128","1"]]})");
  ASSERT_FALSE(bad_type);
  EXPECT_NE(bad_type.error().message.find("uint128"), std::string::npos);
  auto range = parse_event_spec(
      R"({"provider":"P","guid":"54849625-5478-4994-A5BA-3E3B0328C30D","channel":"C","event_id":70000,)"
      R"("time":"2026-03-02T09:00:00Z","computer":"H"})");
  ASSERT_FALSE(range);
  EXPECT_NE(range.error().message.find("event_id"), std::string::npos);
}

TEST(SpecReader, jsonl_errors_carry_the_line_number) {
  const std::string text = std::string(kLine) + "\n\n" + std::string(kLine) + "\n{\"broken\n";
  auto evs = parse_event_specs(text);
  ASSERT_FALSE(evs);
  EXPECT_EQ(evs.error().offset, 4U);
  EXPECT_EQ(evs.error().message.rfind("line 4: ", 0), 0U) << evs.error().message;
  auto ok = parse_event_specs(std::string(kLine) + "\r\n\n" + std::string(kLine));
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->size(), 2U);
}

}  // namespace
}  // namespace cmdsentry::evtxgen
