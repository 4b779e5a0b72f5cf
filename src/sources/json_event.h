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
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <simdjson.h>

#include "core/error.h"
#include "core/raw_event.h"

namespace cmdsentry::sources {

namespace detail {
/// Winlogbeat through simdjson's On-Demand API (json_ondemand.cpp, compiled for a wider
/// instruction set than the rest, so its simdjson types stay inside that file).
class OnDemandReader;
struct OnDemandReaderDeleter {
  void operator()(OnDemandReader* r) const;
};
using OnDemandReaderPtr = std::unique_ptr<OnDemandReader, OnDemandReaderDeleter>;
/// A reader, or null when this CPU cannot run that file's code.
OnDemandReaderPtr make_ondemand_reader();
/// One pass; members cmdsentry does not use (the rendered `message`, `agent`, `process.args`,
/// ...) are skipped, not parsed. Declines (returns false, `out` unspecified) anything it does not
/// read exactly like read_winlogbeat: other dialects (`not_winlogbeat` set), duplicate members,
/// unusual value types, bad JSON. The caller then uses the DOM readers. `json` must be followed
/// by SIMDJSON_PADDING readable bytes.
bool read_winlogbeat_ondemand(OnDemandReader& reader, std::string_view json, RawEvent& out,
                              bool& not_winlogbeat);
}  // namespace detail

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
  detail::OnDemandReaderPtr ondemand_;    ///< Winlogbeat's reader (json_ondemand.cpp)
  std::string padded_;                    ///< a record copied with padding for On-Demand
  bool try_ondemand_ = true;        ///< false once a record of this stream proved another dialect
  std::size_t text_reserve_ = 512;  ///< text room for the next event (~ the record size)
};

namespace detail {
/// Scalar JSON value as text (numbers in decimal, null as empty, bool as true/false); an object
/// with "#text" gives that text; other objects/arrays give their minified JSON.
void append_text(simdjson::dom::element value, std::string& out);
/// Text of a value without copying strings: a string is viewed in the parser's buffer (valid
/// until the next parse); anything else is written to `scratch` as append_text does.
/// (text_view_slow: the part for values that are not strings.)
std::string_view text_view_slow(simdjson::dom::element value, std::string& scratch);
inline std::string_view text_view(simdjson::dom::element value, std::string& scratch) {
  if (value.type() == simdjson::dom::element_type::STRING) return value.get_string().value_unsafe();
  return text_view_slow(value, scratch);
}
/// Attribute of an XML-as-JSON element: #attributes.name, @name, or name.
std::optional<std::string_view> attribute_view(simdjson::dom::element element,
                                               std::string_view name, std::string& scratch);
bool attribute(simdjson::dom::element element, std::string_view name, std::string& out);
/// EventData/UserData children into out.data.
void read_data_block(simdjson::dom::element block, RawEvent& out, int& unnamed);
void read_user_data(simdjson::dom::element block, RawEvent& out);
/// Text of the ECS fields Winlogbeat modules move Windows fields into ("" when absent or null).
struct EcsProcessText {
  bool pid_present = false;
  std::string_view pid, executable, command_line, entity_id, working_directory;
};
struct EcsText {
  EcsProcessText process, parent;
  std::string_view timestamp, user_name, user_domain, sha1, md5, sha256, imphash;
  /// Winlogbeat 8's Sysmon module: process.hash.* and process.pe.imphash (used when the older
  /// top-level hash.* lacks the value).
  std::string_view process_sha1, process_md5, process_sha256, process_imphash;
};
/// What a Winlogbeat object holds outside "winlog" that the event needs.
struct WinlogbeatRoot {
  std::string_view event_code, event_provider, host_name, log_level;
  EcsText ecs;
};
/// Puts fields Winlogbeat moved to ECS back under their Windows names (when absent).
void restore_ecs_moves(const EcsText& ecs, RawEvent& out);
/// Fallbacks from the root (event.code, host.name, event.provider), log level, ECS restore.
void finish_winlogbeat(const WinlogbeatRoot& root, RawEvent& out);
std::uint8_t level_from_name(std::string_view name);

/// A DOM value found while walking an object, or nothing.
struct Found {
  simdjson::dom::element value;
  bool set = false;
  [[nodiscard]] const simdjson::dom::element* get() const { return set ? &value : nullptr; }
  void first(simdjson::dom::element v) {
    if (!set) *this = Found{v, true};
  }
  void last(simdjson::dom::element v) { *this = Found{v, true}; }
};

/// Equality of a key with a name (inlined: keys are short).
[[nodiscard]] inline bool key_is(std::string_view key, std::string_view name) {
  return key.size() == name.size() && same_bytes(key.data(), name.data(), name.size());
}

/// The top-level members of a Winlogbeat object that read_winlogbeat uses, gathered in one pass
/// (the dialect check makes that pass and hands it over): the last "winlog" and "@timestamp",
/// the first of the others, as the reader has always taken them.
struct WinlogbeatTop {
  Found winlog, timestamp, event, host, log, process, user, hash;
  void take(std::string_view key, simdjson::dom::element value) {
    switch (key.size()) {
      case 6:
        if (key_is(key, "winlog")) winlog.last(value);
        break;
      case 10:
        if (key_is(key, "@timestamp")) timestamp.last(value);
        break;
      case 5:
        if (key_is(key, "event")) event.first(value);
        break;
      case 4:
        if (key_is(key, "host")) {
          host.first(value);
        } else if (key_is(key, "hash")) {
          hash.first(value);
        } else if (key_is(key, "user")) {
          user.first(value);
        }
        break;
      case 3:
        if (key_is(key, "log")) log.first(value);
        break;
      case 7:
        if (key_is(key, "process")) process.first(value);
        break;
      default:
        break;
    }
  }
};

/// Dialect readers (json_dialects.cpp).
void read_winlogbeat(simdjson::dom::object root, RawEvent& out);
void read_winlogbeat(const WinlogbeatTop& top, RawEvent& out);
void read_winlogbeat6(simdjson::dom::object root, RawEvent& out);
void read_hayabusa(simdjson::dom::object root, RawEvent& out);
void read_flat(simdjson::dom::object root, RawEvent& out);
}  // namespace detail

}  // namespace cmdsentry::sources
