// The On-Demand Winlogbeat reader against the DOM one: for every record it accepts it must
// build the same RawEvent; what it declines must come out of JsonEventReader exactly as the
// DOM reader reads it.
#include <gtest/gtest.h>

#include <simdjson.h>

#include <string>
#include <vector>

#include "core/raw_event.h"
#include "sources/json_event.h"

namespace cmdsentry::sources {
namespace {

std::string dump(const RawEvent& e) {
  std::string s = "id=" + std::to_string(e.event_id) + " rec=" + std::to_string(e.record_id) +
                  " t=" + std::to_string(e.time_created) + " lvl=" + std::to_string(e.level) +
                  " pid=" + std::to_string(e.process_id) + " tid=" + std::to_string(e.thread_id) +
                  " ver=" + std::to_string(e.version) + " ch=" + std::string(e.channel()) +
                  " comp=" + std::string(e.computer()) + " prov=" + std::string(e.provider()) +
                  " sid=" + std::string(e.user_sid()) + "\n";
  for (const RawField f : e.fields())
    s += "  " + std::string(f.name) + "=" + std::string(f.value) + "\n";
  return s;
}

// The DOM reader's event for `json`, or nullopt when the DOM reader rejects it.
std::optional<RawEvent> dom(std::string_view json) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(json.data(), json.size()).get(root) || !root.is_object()) return std::nullopt;
  RawEvent e;
  detail::read_winlogbeat(root.get_object().value_unsafe(), e);
  return e;
}

struct OnDemandResult {
  bool accepted = false;
  bool not_winlogbeat = false;
  RawEvent event;
};

OnDemandResult ondemand(std::string_view json) {
  static detail::OnDemandReaderPtr reader = detail::make_ondemand_reader();
  OnDemandResult r;
  if (!reader) return r;
  std::string padded(json);
  padded.append(simdjson::SIMDJSON_PADDING, ' ');
  r.accepted = detail::read_winlogbeat_ondemand(
      *reader, std::string_view(padded.data(), json.size()), r.event, r.not_winlogbeat);
  return r;
}

void expect_same(std::string_view json) {
  SCOPED_TRACE(std::string(json));
  const OnDemandResult od = ondemand(json);
  ASSERT_TRUE(od.accepted) << "declined";
  const auto d = dom(json);
  ASSERT_TRUE(d.has_value());
  EXPECT_TRUE(od.event.same_content(*d)) << "on-demand:\n"
                                         << dump(od.event) << "dom:\n"
                                         << dump(*d);
}

void expect_declined(std::string_view json, bool not_winlogbeat) {
  SCOPED_TRACE(std::string(json));
  const OnDemandResult od = ondemand(json);
  EXPECT_FALSE(od.accepted);
  EXPECT_EQ(od.not_winlogbeat, not_winlogbeat);
}

constexpr std::string_view kSecurity4688 =
    R"({"@timestamp":"2025-03-14T09:21:07.441Z","event":{"code":"4688","provider":"Microsoft-Windows-Security-Auditing","action":"created-process","kind":"event","category":["process"],"type":["start"],"outcome":"success"},)"
    R"("host":{"name":"ws-fin-07"},"log":{"level":"information"},"message":"A new process has been created.\n\nCreator Subject:\n\tSecurity ID:\t\tS-1-5-21-1",)"
    R"("process":{"pid":8008,"executable":"C:\\Windows\\System32\\net.exe","name":"net.exe","command_line":"net  view \\\\fs01.corp.example","args":["net","view","\\\\fs01.corp.example"],)"
    R"("parent":{"executable":"C:\\Windows\\System32\\cmd.exe","name":"cmd.exe"}},)"
    R"("winlog":{"channel":"Security","event_id":"4688","record_id":"884512","computer_name":"WS-FIN-07.corp.example","provider_name":"Microsoft-Windows-Security-Auditing",)"
    R"("provider_guid":"{54849625-5478-4994-a5ba-3e3b0328c30d}","process":{"pid":4,"thread":{"id":7316}},"version":2,"task":"Process Creation","opcode":"Info","keywords":["Audit Success"],)"
    R"("event_data":{"SubjectUserSid":"S-1-5-21-1111111111-2222222222-3333333333-1104","SubjectUserName":"jdoe","SubjectDomainName":"CORP","SubjectLogonId":"0x5c3a1f",)"
    R"("TokenElevationType":"%%1938","ProcessId":"0x2214","CommandLine":"net  view \\\\fs01.corp.example","TargetUserSid":"S-1-0-0","TargetUserName":"-","TargetDomainName":"-",)"
    R"("TargetLogonId":"0x0","MandatoryLabel":"S-1-16-8192"}}})";

}  // namespace

TEST(OnDemandWinlogbeat, security_4688_as_shipped) { expect_same(kSecurity4688); }

TEST(OnDemandWinlogbeat, sysmon_module_moves_are_restored_the_same) {
  expect_same(
      R"({"@timestamp":"2025-03-14T09:21:07.438Z","event":{"code":"1","provider":"Microsoft-Windows-Sysmon"},"host":{"name":"ws"},)"
      R"("process":{"pid":8008,"entity_id":"{7D1E2A3B-0000-0000-0000-000000000001}","executable":"C:\\w\\net.exe","command_line":"net user","working_directory":"C:\\u\\",)"
      R"("parent":{"pid":"7000","entity_id":"{p}","executable":"C:\\w\\cmd.exe","command_line":"cmd"}},"user":{"name":"jdoe","domain":"CORP"},)"
      R"("hash":{"sha256":"AB","md5":"CD","imphash":"EF"},)"
      R"("winlog":{"channel":"microsoft-windows-sysmon/operational","event_id":1,"record_id":77,"computer_name":"WS.corp","event_data":{"RuleName":"-","IntegrityLevel":"High","LogonId":"0x3e7"}}})");
}

TEST(OnDemandWinlogbeat, winlogbeat8_sysmon_hashes_under_process) {
  // Winlogbeat 8's Sysmon module: process.hash.* and process.pe.imphash; a top-level hash.*
  // value (older module) wins where both exist.
  const std::string_view json =
      R"({"event":{"code":"1"},"hash":{"sha1":"TOP1"},"process":{"pid":1,"executable":"C:\\n.exe",)"
      R"("hash":{"sha1":"PS1","md5":"PM5","sha256":"PS256"},"pe":{"imphash":"PIMP","company":"x"}},)"
      R"("winlog":{"channel":"Microsoft-Windows-Sysmon/Operational","event_id":1}})";
  expect_same(json);
  JsonEventReader reader;
  RawEvent e;
  ASSERT_TRUE(reader.read(json, e).has_value());
  EXPECT_EQ(e.find_exact("Hashes").value_or(""), "SHA1=TOP1,MD5=PM5,SHA256=PS256,IMPHASH=PIMP");
}

TEST(OnDemandWinlogbeat, applocker_user_data_with_numbers_and_nulls) {
  expect_same(
      R"({"@timestamp":"2025-03-14T09:21:07.440Z","event":{"code":"8003","provider":"Microsoft-Windows-AppLocker"},"log":{"level":"warning"},)"
      R"("winlog":{"channel":"Microsoft-Windows-AppLocker/EXE and DLL","event_id":"8003","record_id":"55120","computer_name":"WS",)"
      R"("user_data":{"xml_name":"RuleAndFileData","PolicyName":"EXE","PolicyNameLength":3,"TargetProcessId":27116,"Negative":-5,"Flag":true,"Nothing":null,)"
      R"("FullFilePath":"C:\\Windows\\System32\\net.exe","Escaped":"caf\u00e9 \"q\""}}})");
}

TEST(OnDemandWinlogbeat, odd_but_exact_shapes) {
  // event.code as a number, no winlog.event_id; pid as text, null, negative; repeated members
  // that the DOM reader resolves (first event/process/host, every winlog member in order).
  const std::vector<std::string_view> cases = {
      R"({"event":{"code":4688},"winlog":{"channel":"Security","event_data":{"CommandLine":"x"}},"process":{"pid":"8008"}})",
      R"({"event":{"code":"4688"},"winlog":{"channel":"Security"},"process":{"pid":null,"parent":{"pid":-1}}})",
      R"({"event":{"code":"1"},"event":{"code":"2"},"host":{"name":"a"},"host":{"name":"b"},"winlog":{"event_id":"4688","event_id":"4689"}})",
      R"({"winlog":{"event_data":{"A":"1"},"event_data":{"B":"2"},"user_data":{"C":"3"},"computer_name":"x","computer_name":"y"}})",
      R"({"event":"not an object","host":[1,2],"log":7,"process":"none","user":null,"winlog":{"process":{"pid":"12","thread":7},"user":{"identifier":"S-1-5-18"}}})",
      R"({"process":{"parent":"no","pid":5,"pid":6},"winlog":{"channel":"Security","event_id":4688}})",
      R"({"@timestamp":null,"winlog":{"channel":null,"event_id":null,"version":"2"}})",
      R"({"@timestamp":12345,"winlog":{}})",
      R"(  {"winlog":{"event_data":{}}}  )",
      R"({"winlog":{"event_data":{"Path":"C:\\x","Quote":"a\"b","Spaced":"v"  ,"Unicode":"K\u00e9y"}}})",
  };
  for (std::string_view c : cases) expect_same(c);
}

TEST(OnDemandWinlogbeat, declines_what_it_cannot_read_exactly) {
  expect_declined(R"({"winlog":{},"winlog":{}})", false);
  expect_declined(R"({"@timestamp":"a","@timestamp":"b","winlog":{}})", false);
  expect_declined(R"({"winlog":{"event_data":{"X":1.5}}})", false);
  expect_declined(R"({"winlog":{"event_data":{"X":{"y":1}}}})", false);
  expect_declined(R"({"winlog":{"channel":"a","channel":"b"}})", false);
  expect_declined(R"({"winlog":{}} trailing)", false);
  expect_declined(R"({"winlog":{"event_data":{"X":"unterminated})", false);
  expect_declined(R"({"process":{"executable":{"nested":1}},"winlog":{}})", false);
  // Keys are compared in the input, unescaped: one with an escape is left to the DOM reader.
  expect_declined(R"({"\u0077inlog":{"event_data":{"K":"v"}}})", false);
  expect_declined(R"({"winlog":{"event_data":{"K\u00e9y":"v"}}})", false);
  expect_declined(R"({"winlog":{"event_data":{"a\"b":"v"}}})", false);
  // Other dialects: the stream stops trying On-Demand.
  expect_declined(R"({"Event":{"System":{}},"winlog":{}})", true);
  expect_declined(R"({"EventID":4688,"Channel":"Security"})", true);
  expect_declined(R"({"winlog":"text"})", true);
}

TEST(OnDemandWinlogbeat, declined_records_still_read_by_the_dom_reader) {
  // Through the public reader: same result as the DOM reader, whichever path took it.
  const std::vector<std::string_view> cases = {
      kSecurity4688,
      R"({"winlog":{"channel":"Security","event_id":"4688","event_data":{"X":1.5,"CommandLine":"a"}}})",
      R"({"winlog":{"channel":"Sec","channel":"urity","event_id":"4688"}})",
      R"({"\u0077inlog":{"channel":"Security","event_id":"4688","event_data":{"Comm\u0061ndLine":"a"}}})",
  };
  for (std::string_view c : cases) {
    SCOPED_TRACE(std::string(c));
    JsonEventReader reader;
    RawEvent e;
    auto r = reader.read(c, e);
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(*r, JsonDialect::kWinlogbeat);
    const auto d = dom(c);
    ASSERT_TRUE(d.has_value());
    EXPECT_TRUE(e.same_content(*d)) << dump(e) << "dom:\n" << dump(*d);
  }
  JsonEventReader reader;
  RawEvent e;
  EXPECT_FALSE(reader.read(R"({"winlog":{}} trailing)", e).has_value());
}

TEST(OnDemandWinlogbeat, every_subset_of_members_reads_the_same) {
  // 2^9 records: each combination of the root members present, with the types varied by index.
  const std::vector<std::string> parts = {
      R"("@timestamp":"2025-03-14T09:21:07.441Z")",
      R"("event":{"code":"4688","provider":"P"})",
      R"("host":{"name":"h"})",
      R"("log":{"level":"error"})",
      R"("process":{"pid":8008,"executable":"C:\\a.exe","command_line":"a b","hash":{"sha256":"P2","md5":"P5"},"pe":{"imphash":"PI"},"parent":{"pid":7,"executable":"C:\\p.exe"}})",
      R"("user":{"name":"u","domain":"d"})",
      R"("hash":{"sha1":"S"})",
      R"("message":"long text \u00e9 skipped")",
      R"("agent":{"type":"winlogbeat","tags":[1,2,{"x":null}]})",
  };
  for (unsigned mask = 0; mask < (1u << parts.size()); ++mask) {
    std::string json = "{";
    for (std::size_t i = 0; i < parts.size(); ++i) {
      if ((mask & (1u << i)) == 0) continue;
      json += parts[i];
      json += ',';
    }
    json +=
        mask % 3 == 0
            ? R"("winlog":{"channel":"Security","event_id":"4688","event_data":{"ProcessId":"0x1"}}})"
        : mask % 3 == 1
            ? R"("winlog":{"channel":"Microsoft-Windows-Sysmon/Operational","event_id":1}})"
            : R"("winlog":{"channel":"Security","event_id":4624,"event_data":{"LogonType":3}}})";
    expect_same(json);
  }
}

}  // namespace cmdsentry::sources
