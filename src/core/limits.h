#pragma once
/// Caps on every recursive or size-driven structure the parsers read. Each has a test.

#include <cstddef>
#include <cstdint>

namespace cmdsentry::limits {

/// Nesting of BinXml (template instances inside 0x21 values inside elements...).
inline constexpr int kMaxBinXmlDepth = 16;
/// Element nesting inside one template or fragment.
inline constexpr int kMaxElementDepth = 64;
/// Substitution values in one template instance (a u32 count on disk).
inline constexpr std::uint32_t kMaxSubstitutions = 4096;
/// Template definitions cached per chunk.
inline constexpr std::size_t kMaxTemplatesPerChunk = 4096;
/// Nodes in one parsed template (elements, attributes, text pieces).
inline constexpr std::size_t kMaxTemplateNodes = 65536;
/// Items expanded from one array value.
inline constexpr std::size_t kMaxArrayItems = 65536;
/// JSON/XML nesting accepted by the source readers.
inline constexpr int kMaxDocumentDepth = 128;
/// Longest single line accepted by the JSONL reader.
inline constexpr std::size_t kMaxLineBytes = 64u << 20;

/// Data fields kept per event (EventData/UserData items or flat JSON keys); the rest is dropped.
inline constexpr std::size_t kMaxEventFields = 4096;
/// Largest single <Event> element accepted by the XML reader.
inline constexpr std::size_t kMaxXmlEventBytes = 16u << 20;
/// Archives inside archives (zip in zip, gz in tar) opened before giving up.
inline constexpr int kMaxArchiveDepth = 4;
/// Directory levels walked below a path given on the command line.
inline constexpr int kMaxDirectoryDepth = 64;

}  // namespace cmdsentry::limits
