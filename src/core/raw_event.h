#pragma once
/// RawEvent: one Windows event as any source delivers it (EVTX, JSON, XML), before normalisation.
/// It owns its strings: it outlives the chunk or line it came from.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cmdsentry {

/// Where an event came from, so every finding can point back at its evidence.
struct SourceRef {
  std::string file;              ///< path as given on the command line (or archive!member)
  std::uint64_t record_id = 0;   ///< EventRecordID when the event has one, else 0
  std::uint64_t line = 0;        ///< 1-based line (JSONL) or element index (XML/JSON array); 0 for EVTX
  std::uint64_t offset = 0;      ///< byte offset of the record/line in the file
  bool carved = false;           ///< recovered from unused space, not from the live record walk
};

/// The <System> block plus the event's data fields, as text.
struct RawEvent {
  std::uint32_t event_id = 0;
  std::uint16_t version = 0;
  std::uint8_t level = 0;
  std::uint16_t task = 0;
  std::uint8_t opcode = 0;
  std::uint64_t keywords = 0;
  std::uint64_t time_created = 0;  ///< FILETIME ticks, UTC; 0 when unknown
  std::uint64_t record_id = 0;
  std::uint32_t process_id = 0;
  std::uint32_t thread_id = 0;
  std::string provider;
  std::string channel;
  std::string computer;
  std::string user_sid;  ///< System/Security/@UserID
  /// EventData/UserData fields in document order: (Name, value). Unnamed Data elements get
  /// names "Data", "Data_1", ... like evtx_dump.
  std::vector<std::pair<std::string, std::string>> data;
  SourceRef source;

  /// Value of a data field (exact name match first, then ASCII case-insensitive), or nullptr.
  [[nodiscard]] const std::string* field(std::string_view name) const {
    for (const auto& [k, v] : data) {
      if (k == name) return &v;
    }
    for (const auto& [k, v] : data) {
      if (k.size() == name.size()) {
        bool eq = true;
        for (std::size_t i = 0; i < k.size() && eq; ++i) {
          eq = (k[i] | 0x20) == (name[i] | 0x20);
        }
        if (eq) return &v;
      }
    }
    return nullptr;
  }
};

}  // namespace cmdsentry
