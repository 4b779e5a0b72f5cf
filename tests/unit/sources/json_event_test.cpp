#include "sources/json_event.h"

#include <gtest/gtest.h>

#include "core/time.h"
#include "sources/fields.h"

namespace cmdsentry::sources {
namespace {

RawEvent read_ok(std::string_view json, JsonDialect expected) {
  JsonEventReader reader;
  RawEvent ev;
  auto r = reader.read(json, ev);
  EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().message);
  if (r) EXPECT_EQ(*r, expected);
  return ev;
}

std::string f(const RawEvent& e, std::string_view name) {
  const auto v = find_field(e, name);
  return v ? std::string(*v) : "<absent>";
}

}  // namespace

TEST(JsonEvent, evtx_dump_tree_with_attributes) {
  RawEvent e = read_ok(
      R"({"Event":{"#attributes":{"xmlns":"x"},"System":{"Provider":{"#attributes":{"Name":"Microsoft-Windows-Sysmon","Guid":"5770"}},"EventID":1,"Version":5,"Level":4,"Task":1,"Opcode":0,"Keywords":"0x8000000000000000","TimeCreated":{"#attributes":{"SystemTime":"2020-10-23T21:57:29.217562Z"}},"EventRecordID":423991,"Execution":{"#attributes":{"ProcessID":3208,"ThreadID":4804}},"Channel":"Microsoft-Windows-Sysmon/Operational","Computer":"MSEDGEWIN10","Security":{"#attributes":{"UserID":"S-1-5-18"}}},"EventData":{"ProcessId":8796,"Image":"C:\\x.exe","RuleName":null}}})",
      JsonDialect::kEventTree);
  EXPECT_EQ(e.event_id, 1u);
  EXPECT_EQ(e.version, 5);
  EXPECT_EQ(e.keywords, 0x8000000000000000ull);
  EXPECT_EQ(e.record_id, 423991u);
  EXPECT_EQ(e.process_id, 3208u);
  EXPECT_EQ(e.thread_id, 4804u);
  EXPECT_EQ(e.provider(), "Microsoft-Windows-Sysmon");
  EXPECT_EQ(e.computer(), "MSEDGEWIN10");
  EXPECT_EQ(e.user_sid(), "S-1-5-18");
  EXPECT_EQ(e.time_created, *parse_iso_time("2020-10-23T21:57:29.217562Z"));
  EXPECT_EQ(f(e, "ProcessId"), "8796");
  EXPECT_EQ(f(e, "Image"), "C:\\x.exe");
  EXPECT_EQ(f(e, "RuleName"), "");
}

TEST(JsonEvent, event_id_with_qualifiers_and_unnamed_data) {
  RawEvent e = read_ok(
      R"({"Event":{"System":{"EventID":{"#attributes":{"Qualifiers":"16384"},"#text":"7"},"Channel":"MSExchange Management"},"EventData":{"Data":{"#text":["a","b",""]}}}})",
      JsonDialect::kEventTree);
  EXPECT_EQ(e.event_id, 7u);
  ASSERT_EQ(e.field_count(), 3u);
  EXPECT_EQ(e.fields()[0].name, "Data");
  EXPECT_EQ(e.fields()[1].name, "Data_1");
  EXPECT_EQ(e.fields()[1].value, "b");
}

TEST(JsonEvent, xmltodict_style_data_array) {
  RawEvent e = read_ok(
      R"({"Event":{"System":{"Provider":{"@Name":"Microsoft-Windows-Security-Auditing"},"EventID":"4688","TimeCreated":{"@SystemTime":"2025-03-14T09:21:07.4411820Z"},"Channel":"Security"},"EventData":{"Data":[{"@Name":"NewProcessName","#text":"C:\\n.exe"},{"@Name":"CommandLine"}]}}})",
      JsonDialect::kEventTree);
  EXPECT_EQ(e.event_id, 4688u);
  EXPECT_EQ(e.provider(), "Microsoft-Windows-Security-Auditing");
  EXPECT_EQ(f(e, "NewProcessName"), "C:\\n.exe");
  EXPECT_EQ(f(e, "CommandLine"), "");
}

TEST(JsonEvent, applocker_user_data) {
  RawEvent e = read_ok(
      R"({"Event":{"System":{"EventID":8003,"Channel":"Microsoft-Windows-AppLocker/EXE and DLL"},"UserData":{"RuleAndFileData":{"#attributes":{"xmlns":"x"},"PolicyName":"EXE","TargetProcessId":8008}}}})",
      JsonDialect::kEventTree);
  EXPECT_EQ(f(e, "PolicyName"), "EXE");
  EXPECT_EQ(f(e, "TargetProcessId"), "8008");
}

TEST(JsonEvent, winlogbeat_restores_fields_moved_to_ecs) {
  RawEvent e = read_ok(
      R"({"@timestamp":"2025-03-14T09:21:07.441Z","host":{"name":"ws"},"process":{"pid":8008,"executable":"C:\\net.exe","command_line":"net view","parent":{"executable":"C:\\cmd.exe","pid":8724}},"winlog":{"channel":"Security","event_id":"4688","record_id":"884512","computer_name":"WS.corp","event_data":{"SubjectUserName":"jdoe"}}})",
      JsonDialect::kWinlogbeat);
  EXPECT_EQ(e.event_id, 4688u);
  EXPECT_EQ(e.record_id, 884512u);
  EXPECT_EQ(e.computer(), "WS.corp");
  EXPECT_EQ(f(e, "NewProcessId"), "0x1f48");
  EXPECT_EQ(f(e, "ProcessId"), "0x2214");
  EXPECT_EQ(f(e, "NewProcessName"), "C:\\net.exe");
  EXPECT_EQ(f(e, "ParentProcessName"), "C:\\cmd.exe");
  EXPECT_EQ(f(e, "CommandLine"), "net view");
  EXPECT_EQ(f(e, "SubjectUserName"), "jdoe");
}

TEST(JsonEvent, winlogbeat6_layout) {
  RawEvent e = read_ok(
      R"({"@timestamp":"2019-01-01T00:00:00Z","computer_name":"H","log_name":"security","event_id":4688,"record_number":"5","event_data":{"NewProcessName":"C:\\a.exe"}})",
      JsonDialect::kWinlogbeat6);
  EXPECT_EQ(e.channel(), "Security");
  EXPECT_EQ(e.record_id, 5u);
  EXPECT_EQ(f(e, "NewProcessName"), "C:\\a.exe");
}

TEST(JsonEvent, nxlog_flat_keeps_creator_pid_apart_from_logging_pid) {
  RawEvent e = read_ok(
      R"({"EventTime":"2020-09-21 19:26:20","EventReceivedTime":"2020-09-21 19:26:23","@timestamp":"2020-09-21T23:26:23.548Z","Hostname":"W5.theshire.local","Keywords":-9214364837600034816,"EventID":4688,"Channel":"security","ProcessID":4,"ProcessId":"0x1d20","RecordNumber":785236,"Message":"long text","CommandLine":null})",
      JsonDialect::kFlat);
  EXPECT_EQ(e.channel(), "Security");
  EXPECT_EQ(e.process_id, 4u);
  EXPECT_EQ(e.keywords, 0x8020000000000000ull);
  EXPECT_EQ(f(e, "ProcessId"), "0x1d20");
  EXPECT_EQ(f(e, "Message"), "<absent>");
  EXPECT_EQ(f(e, "CommandLine"), "");
  // Local EventTime shifted by the agent's offset (@timestamp - EventReceivedTime, ~4 h).
  EXPECT_EQ(e.time_created, *parse_iso_time("2020-09-21T23:26:20Z"));
}

TEST(JsonEvent, flat_record_id_is_event_record_id_over_record_number) {
  // NXLog's RecordNumber is the EventRecordID; an export naming both (RecordNumber as the EVTX
  // header's number, renumbered in a log saved from a filtered view) means EventRecordID.
  for (const char* json :
       {R"({"EventID":4688,"Channel":"Security","EventRecordID":463010,"RecordNumber":22})",
        R"({"EventID":4688,"Channel":"Security","RecordNumber":22,"EventRecordID":463010})"}) {
    EXPECT_EQ(read_ok(json, JsonDialect::kFlat).record_id, 463010u) << json;
  }
  const RawEvent nxlog =
      read_ok(R"({"EventID":4688,"Channel":"Security","RecordNumber":785236})", JsonDialect::kFlat);
  EXPECT_EQ(nxlog.record_id, 785236u);
}

TEST(JsonEvent, log_analytics_flat_uses_time_created) {
  RawEvent e = read_ok(
      R"({"SourceName":"Microsoft-Windows-Security-Auditing","Channel":"Security","Hostname":"Pedro01","TimeCreated":"2022-08-03T07:22:14.355Z","@timestamp":"2022-08-03T07:22:14.355Z","EventID":4688,"Task":"13312"})",
      JsonDialect::kFlat);
  EXPECT_EQ(e.task, 13312);
  EXPECT_EQ(e.time_created, *parse_iso_time("2022-08-03T07:22:14.355Z"));
}

TEST(JsonEvent, evtxecmd_payload_string) {
  RawEvent e = read_ok(
      R"({"Computer":"WS","Payload":"{\"EventData\":{\"Data\":[{\"@Name\":\"NewProcessId\",\"#text\":\"0x1f48\"},{\"@Name\":\"ProcessId\",\"#text\":\"0x2214\"}]}}","Channel":"Security","EventId":4688,"EventRecordId":"884512","ProcessId":4,"TimeCreated":"2025-03-14T09:21:07.4411820+00:00"})",
      JsonDialect::kEvtxECmd);
  EXPECT_EQ(e.process_id, 4u);
  EXPECT_EQ(e.record_id, 884512u);
  EXPECT_EQ(f(e, "ProcessId"), "0x2214");
  EXPECT_EQ(f(e, "NewProcessId"), "0x1f48");
}

TEST(JsonEvent, hayabusa_details_get_windows_names) {
  RawEvent e = read_ok(
      R"({"Timestamp":"2025-03-14 10:21:07.441 +01:00","RuleTitle":"t","Computer":"WS","Channel":"Sec","EventID":4688,"RecordID":1,"Details":{"CmdLine":"net view","Path":"C:\\net.exe","PID":"0x1f48"},"ExtraFieldInfo":{"ProcessId":"0x2214"}})",
      JsonDialect::kHayabusa);
  EXPECT_EQ(e.channel(), "Security");
  EXPECT_EQ(f(e, "CommandLine"), "net view");
  EXPECT_EQ(f(e, "NewProcessName"), "C:\\net.exe");
  EXPECT_EQ(e.time_created, *parse_iso_time("2025-03-14T09:21:07.441Z"));
}

TEST(JsonEvent, rejects_non_events_and_bad_json) {
  JsonEventReader reader;
  RawEvent ev;
  EXPECT_FALSE(reader.read(R"({"hello":1})", ev));
  EXPECT_FALSE(reader.read(R"([1,2])", ev));
  EXPECT_FALSE(reader.read(R"({"EventID":1,)", ev));
  EXPECT_FALSE(reader.read(R"({"Event":{"NoSystem":1}})", ev));
}

}  // namespace cmdsentry::sources
