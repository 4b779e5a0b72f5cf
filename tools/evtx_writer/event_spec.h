#pragma once
/// EventSpec: everything the writer needs to emit one event record — the <System> block values and
/// the typed data fields — independent of how it was described (JSONL spec, test code).

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "evtx_writer/value.h"

namespace cmdsentry::evtxgen {

/// One <Data Name='...'> field (or, for UserData events, one child element). `type` is the type
/// declared in the template; `value` is either of that type or Null (field present, no value).
struct DataField {
  std::string name;
  ValueType type = ValueType::kString;
  Value value;
};

/// Where the data fields go: <EventData><Data Name=..> (manifest events) or
/// <UserData><Element xmlns=..><Name>..</Name></Element></UserData> (e.g. AppLocker).
struct UserDataWrapper {
  std::string element;  ///< e.g. "RuleAndFileData"
  std::string xmlns;    ///< empty: no xmlns attribute
};

/// One event. Field names follow the <System> element they fill.
struct EventSpec {
  std::string provider;                          ///< Provider/@Name
  std::array<std::uint8_t, 16> provider_guid{};  ///< Provider/@Guid, on-disk byte order
  std::uint16_t event_id = 0;
  std::uint8_t version = 0;
  std::uint8_t level = 0;
  std::uint16_t task = 0;
  std::uint8_t opcode = 0;
  std::uint64_t keywords = 0;
  std::uint64_t time_created = 0;             ///< FILETIME ticks (TimeCreated/@SystemTime)
  std::optional<std::uint64_t> written_time;  ///< record header time; default time_created
  std::optional<std::uint64_t> record_id;     ///< default: the writer's next id
  std::optional<std::array<std::uint8_t, 16>> activity_id;  ///< Correlation/@ActivityID
  std::uint32_t process_id = 0;                             ///< Execution/@ProcessID
  std::uint32_t thread_id = 0;                              ///< Execution/@ThreadID
  std::string channel;
  std::string computer;
  std::optional<std::vector<std::uint8_t>> user_sid;  ///< encoded SID for Security/@UserID
  std::vector<DataField> data;
  std::optional<UserDataWrapper> user_data;  ///< set: UserData layout instead of EventData
};

}  // namespace cmdsentry::evtxgen
