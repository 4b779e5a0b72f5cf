#pragma once
/// Turns an EventSpec into (a) the shape of its BinXml template — an XML skeleton whose variable
/// parts are substitution holes — and (b) the substitution values that fill the holes.
///
/// Why one template per shape: Windows writes each record as a template instance; records with
/// the same provider, event id, version and field list share a template, which is defined once
/// per chunk and referenced afterwards. The shape key below captures exactly what changes the
/// skeleton; everything else (times, ids, text, even the provider name) is a substitution.
///
/// Substitution indexes (the order of the value array):
///   0 Provider/@Name (String)      1 Provider/@Guid (GUID)     2 EventID (UInt16)
///   3 Version (UInt8)              4 Level (UInt8)             5 Task (UInt16)
///   6 Opcode (UInt8)               7 Keywords (HexInt64)       8 TimeCreated/@SystemTime
///   (FILETIME) 9 EventRecordID (UInt64)      10 Correlation/@ActivityID (GUID, optional)
///  11 Execution/@ProcessID (UInt32) 12 Execution/@ThreadID (UInt32)
///  13 Channel (String)            14 Computer (String)       15 Security/@UserID (SID, optional)
///  16.. data fields in order (optional substitutions of the declared type)

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "evtx_writer/event_spec.h"
#include "evtx_writer/value.h"

namespace cmdsentry::evtxgen {

/// Text or a substitution hole: what an attribute value or a leaf element's content holds.
struct Content {
  bool is_substitution = true;
  std::u16string text;  ///< literal text when !is_substitution
  std::uint16_t index = 0;
  ValueType type = ValueType::kNull;
  bool optional = false;  ///< 0x0E instead of 0x0D
};

/// An attribute of a template element.
struct Attribute {
  std::string name;
  Content value;
};

/// An element of a template: either children, or one Content, or nothing (written `<x/>`).
struct Element {
  std::string name;
  std::vector<Attribute> attributes;
  std::vector<Element> children;
  std::optional<Content> content;
};

/// A template shape: identity, GUID (stable, derived from the key) and skeleton.
struct TemplateShape {
  std::string key;
  std::array<std::uint8_t, 16> guid{};
  Element root;

  /// Template id as written after the 0x0C token: Data1 of the GUID.
  [[nodiscard]] std::uint32_t id() const {
    return static_cast<std::uint32_t>(guid[0]) | static_cast<std::uint32_t>(guid[1]) << 8 |
           static_cast<std::uint32_t>(guid[2]) << 16 | static_cast<std::uint32_t>(guid[3]) << 24;
  }
};

/// Number of System substitutions before the first data field.
inline constexpr std::uint16_t kSystemSubstitutions = 16;

/// The key identifying the template an event needs (cheap; used to look up a chunk's cache).
[[nodiscard]] std::string template_key(const EventSpec& event);

/// The full template for an event.
[[nodiscard]] TemplateShape build_template(const EventSpec& event);

/// The substitution values of an event, in index order (see the table above).
[[nodiscard]] std::vector<Value> substitution_values(const EventSpec& event,
                                                     std::uint64_t record_id);

}  // namespace cmdsentry::evtxgen
