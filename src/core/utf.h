#pragma once
/// UTF-16LE (as stored in EVTX) to UTF-8. Unpaired surrogates become U+FFFD, never an error:
/// event text is attacker-controlled and must still render.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace cmdsentry {

/// How decoded text is escaped as it is appended. kJson follows append_json_escaped's rules.
enum class Escape : std::uint8_t { kNone, kJson, kXmlText, kXmlAttr };

/// Appends `units` UTF-16LE code units read from `bytes` (2*units bytes) to `out` as UTF-8,
/// escaped for the given sink. Stops early at a NUL when `stop_at_nul` is set.
void append_utf16le(std::string& out, const std::uint8_t* bytes, std::size_t units, Escape escape,
                    bool stop_at_nul = false);

/// Appends single-byte (Latin-1) text as UTF-8, escaped for the sink; NUL bytes are dropped.
void append_latin1(std::string& out, std::span<const std::uint8_t> bytes, Escape escape);

/// append_utf16le, optionally wrapped in double quotes (a whole JSON string).
void append_utf16le_quoted(std::string& out, const std::uint8_t* bytes, std::size_t units,
                           Escape escape, bool stop_at_nul, bool quote);

/// UTF-16LE bytes to a UTF-8 string (no escaping); a trailing NUL is dropped.
std::string utf16le_to_utf8(std::span<const std::uint8_t> bytes);

/// Appends UTF-8 text escaped for the sink (JSON string body, XML text or attribute).
void append_escaped(std::string& out, std::string_view utf8, Escape escape);

/// Appends attacker-controlled text as the body of a JSON string (no quotes), the one JSON
/// escaper of the project: `"` and `\` escaped, \n \r \t, other control characters and DEL as
/// \u00XX; U+2028 and U+2029 as \u2028 and \u2029 (they end a string in JavaScript, and the
/// HTML report embeds JSON); each byte that is not part of valid UTF-8 as U+FFFD, so the output
/// is always valid JSON. Plain ASCII is copied 16 bytes at a time.
void append_json_escaped(std::string& out, std::string_view utf8);

/// What the escapers leave unchanged in `utf8` (one pass, 16 bytes at a time): kJsonPlain when
/// it is printable ASCII without '"' or '\\' (append_json_escaped copies it; a string with
/// other bytes may still need nothing, this answers for the common case), kXmlPlain when it holds
/// no control character nor & < > " ' (append_escaped copies it for XML text and attributes).
enum PlainFor : unsigned { kJsonPlain = 1, kXmlPlain = 2 };
unsigned plain_for(std::string_view utf8);

/// append_json_escaped in double quotes: a whole JSON string literal.
void append_json_string(std::string& out, std::string_view utf8);

/// Appends one code point as UTF-8.
void append_code_point(std::string& out, char32_t cp);

/// Decodes UTF-8 to UTF-16 code units; invalid bytes become U+FFFD.
std::u16string utf8_to_utf16(std::string_view utf8);

}  // namespace cmdsentry
