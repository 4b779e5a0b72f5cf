#pragma once
/// One JSON event object -> RawEvent, whatever tool wrote it. Dialects recognised (from the
/// object's top-level keys, never from the file name):
///
///   event tree   {"Event":{"System":{..},"EventData":{..}|"UserData":{..}}}   evtx_dump, Hayabusa
///                raw records, xmltodict-style {"@Name":..,"#text":..} Data arrays
///   winlogbeat   {"winlog":{"event_data":{..},"channel":..},"process":{..},"@timestamp":..}
///                Winlogbeat 7+/Elastic Agent (ECS); fields moved to process.* are moved back
///   winlogbeat6  {"event_data":{..},"computer_name":..,"log_name":..,"event_id":4688}
///   evtxecmd     {"EventId":4688,"Payload":"{\"EventData\":{\"Data\":[..]}}",..}
///   hayabusa     {"RuleTitle":..,"Details":{"CmdLine":..},"ExtraFieldInfo":{..}}  (lossy)
///   flat         {"EventID":4688,"Channel":..,"CommandLine":..}  NXLog, HELK, Log Analytics,
///                the OTRF Security-Datasets layouts (lower-case channels, local EventTime)

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <simdjson.h>

#include "core/error.h"
#include "core/raw_event.h"

namespace cmdsentry::sources {

/// Which layout an object was read as.
enum class JsonDialect : std::uint8_t {
  kEventTree,
  kWinlogbeat,
  kWinlogbeat6,
  kEvtxECmd,
  kHayabusa,
  kFlat,
};

/// Reuses simdjson's buffers across objects: keep one per thread.
class JsonEventReader {
 public:
  JsonEventReader();
  /// Parses `json` (one object) into `out` (reset first). When `padded`, the caller guarantees
  /// simdjson::SIMDJSON_PADDING readable bytes after the end, which saves a copy.
  [[nodiscard]] Result<JsonDialect> read(std::string_view json, RawEvent& out, bool padded = false);

  /// Converts an already parsed object.
  [[nodiscard]] Result<JsonDialect> convert(simdjson::dom::object root, RawEvent& out);

 private:
  simdjson::dom::parser parser_;
  simdjson::dom::parser payload_parser_;  ///< EvtxECmd's Payload is JSON inside a string
  std::size_t text_reserve_ = 512;        ///< text room for the next event (~ the record size)
};

namespace detail {
/// Scalar JSON value as text (numbers in decimal, null as empty, bool as true/false); an object
/// with "#text" gives that text; other objects/arrays give their minified JSON.
void append_text(simdjson::dom::element value, std::string& out);
/// Text of a value without copying strings: a string is viewed in the parser's buffer (valid
/// until the next parse); anything else is written to `scratch` as append_text does.
std::string_view text_view(simdjson::dom::element value, std::string& scratch);
/// Attribute of an XML-as-JSON element: #attributes.name, @name, or name.
std::optional<std::string_view> attribute_view(simdjson::dom::element element,
                                               std::string_view name, std::string& scratch);
bool attribute(simdjson::dom::element element, std::string_view name, std::string& out);
/// EventData/UserData children into out.data.
void read_data_block(simdjson::dom::element block, RawEvent& out, int& unnamed);
void read_user_data(simdjson::dom::element block, RawEvent& out);
/// Dialect readers (json_dialects.cpp).
void read_winlogbeat(simdjson::dom::object root, RawEvent& out);
void read_winlogbeat6(simdjson::dom::object root, RawEvent& out);
void read_hayabusa(simdjson::dom::object root, RawEvent& out);
void read_flat(simdjson::dom::object root, RawEvent& out);
}  // namespace detail

}  // namespace cmdsentry::sources
