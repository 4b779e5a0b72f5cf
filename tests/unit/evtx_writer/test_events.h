#pragma once
/// Test helper: small EventSpecs built in code (a 4688 and an event carrying every value type).

#include <string>
#include <utility>

#include "evtx_writer/event_spec.h"
#include "evtx_writer/value.h"

namespace cmdsentry::evtxgen::testing {

/// Value from text; the tests only pass valid text.
inline Value v(ValueType type, std::string_view text) { return *value_from_text(type, text); }

/// A Security 4688 (v2 field subset) with the given command line and record time offset.
inline EventSpec make_4688(std::string command_line, std::uint64_t seconds = 0) {
  EventSpec e;
  e.provider = "Microsoft-Windows-Security-Auditing";
  e.provider_guid = *encode_guid("{54849625-5478-4994-A5BA-3E3B0328C30D}");
  e.channel = "Security";
  e.computer = "WKS-TEST-01.corp.example";
  e.event_id = 4688;
  e.version = 2;
  e.task = 13312;
  e.keywords = 0x8020000000000000ULL;
  e.time_created = 134168000000000000ULL + seconds * 10000000ULL;
  e.process_id = 4;
  e.thread_id = 7316;
  e.data = {
      {"SubjectUserSid", ValueType::kSid, v(ValueType::kSid, "S-1-5-21-1-2-3-1104")},
      {"SubjectUserName", ValueType::kString, Value::string("jdoe")},
      {"SubjectLogonId", ValueType::kHexInt64, Value::hex64(0x5c3a1f)},
      {"NewProcessId", ValueType::kHexInt64, Value::hex64(0x1f48)},
      {"NewProcessName", ValueType::kString, Value::string("C:\\Windows\\System32\\cmd.exe")},
      {"CommandLine", ValueType::kString, Value::string(std::move(command_line))},
  };
  return e;
}

/// An event with one data field of every type the writer supports (one Null, too).
inline EventSpec make_every_type(std::uint64_t seconds = 0) {
  EventSpec e = make_4688("", seconds);
  e.provider = "Cmdsentry-Test-Provider";
  e.provider_guid = *encode_guid("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");
  e.channel = "Cmdsentry/Test";
  e.event_id = 42;
  e.version = 1;
  e.level = 4;
  e.user_sid = *encode_sid("S-1-5-18");
  e.activity_id = *encode_guid("{11111111-2222-3333-4444-555555555555}");
  e.data = {
      {"AString", ValueType::kString, Value::string("a & b <c> \"d\"")},
      {"AAnsi", ValueType::kAnsiString, Value::ansi_string("ansi")},
      {"AInt8", ValueType::kInt8, v(ValueType::kInt8, "-7")},
      {"AUInt8", ValueType::kUInt8, Value::uint8(200)},
      {"AInt16", ValueType::kInt16, v(ValueType::kInt16, "-300")},
      {"AUInt16", ValueType::kUInt16, Value::uint16(65535)},
      {"AInt32", ValueType::kInt32, v(ValueType::kInt32, "-70000")},
      {"AUInt32", ValueType::kUInt32, Value::uint32(4000000000U)},
      {"AInt64", ValueType::kInt64, v(ValueType::kInt64, "-5000000000")},
      {"AUInt64", ValueType::kUInt64, Value::uint64(18000000000000000000ULL)},
      {"ABool", ValueType::kBool, Value::boolean(true)},
      {"ABinary", ValueType::kBinary, v(ValueType::kBinary, "D9060000")},
      {"AGuid", ValueType::kGuid, v(ValueType::kGuid, "{7D1E2A3B-F4C3-67D4-A11B-000000002F00}")},
      {"AFiletime", ValueType::kFiletime, v(ValueType::kFiletime, "2026-03-02T09:14:07Z")},
      {"ASystemtime", ValueType::kSystemtime,
       v(ValueType::kSystemtime, "2026-03-02T09:14:07.250Z")},
      {"ASid", ValueType::kSid,
       v(ValueType::kSid, "S-1-5-21-1111111111-2222222222-3333333333-500")},
      {"AHex32", ValueType::kHexInt32, Value::hex32(0xc0000022)},
      {"AHex64", ValueType::kHexInt64, Value::hex64(0x3e7)},
      {"ANull", ValueType::kString, Value::null()},
      {"AEmpty", ValueType::kString, Value::string("")},
  };
  return e;
}

}  // namespace cmdsentry::evtxgen::testing
