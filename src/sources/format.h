#pragma once
/// Format sniffing: what a file or archive member holds, decided from its first bytes (the name
/// is only a tie-breaker). Responders rename files; a `.log` may be JSON lines, a `.txt` XML.

#include <cstdint>
#include <string_view>

namespace cmdsentry::sources {

/// What a byte stream holds.
enum class Format : std::uint8_t {
  kUnknown,
  kEvtx,        ///< "ElfFile\0" header
  kJson,        ///< JSON lines (also with a cut first line), a JSON array, or concatenated objects
  kXml,         ///< Windows event XML: <Events> root or a stream of <Event> elements
  kArchive,     ///< zip, tar (libarchive reads the container, members are sniffed again)
  kCompressed,  ///< a single compressed stream: gzip, bzip2, xz, zstd
  kUtf16Text,   ///< UTF-16LE text with BOM: decoded, then sniffed again
};

/// Name of a format for messages ("json", "xml", ...).
[[nodiscard]] std::string_view to_string(Format format);

/// Sniffs `head` (the first bytes, up to a few KiB). `name` breaks ties only for empty or
/// whitespace-only heads.
[[nodiscard]] Format sniff_format(std::string_view head, std::string_view name = {});

/// Bytes worth reading before calling sniff_format.
inline constexpr std::size_t kSniffBytes = 4096;

}  // namespace cmdsentry::sources
