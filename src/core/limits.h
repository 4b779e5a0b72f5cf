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
/// Output of rendering one EVTX record (JSON, XML or RawEvent fields): an element repeats once per
/// array item, so 64 KiB could render into gigabytes; real records stay below 2 MiB.
inline constexpr std::size_t kMaxRenderedRecordBytes = 16u << 20;
/// Template nodes and values visited rendering one EVTX record: repetition that writes little
/// (null attributes, empty items) still costs time; real records visit at most a few thousand.
inline constexpr std::size_t kMaxRenderedRecordNodes = 256u << 10;
/// All renderings since a chunk was loaded, together: many small records sharing one hostile
/// template each stay under the caps above. About 0.1 s per chunk in release; a live chunk of
/// real logs renders into < 1 MiB (garbage-named carved records can reach it: docs/formats.md).
inline constexpr std::size_t kMaxRenderedChunkBytes = 32u << 20;
inline constexpr std::size_t kMaxRenderedChunkNodes = 512u << 10;
/// Levels of EVTX records hidden inside records (a deleted record inside its enlarged neighbour,
/// itself deleted later into the record before it...) that the walk looks into.
inline constexpr int kMaxHiddenRecordDepth = 8;
/// Record signatures tested per chunk in the slack inside records: each level's scan is bounded
/// by the chunk, and this bounds the checks of what it finds.
inline constexpr std::size_t kMaxHiddenRecordProbes = 4096;
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

// ---- Command-line analysis (src/cmdline) and knowledge base (src/kb) ----
// Attacker-typed text is hostile: every recursive or growing structure below is capped.

namespace cmdsentry::limits {

/// Bytes of one command line analysed; the rest is ignored (Windows caps a command line at
/// 32,767 UTF-16 units, i.e. at most ~96 KiB of UTF-8).
inline constexpr std::size_t kMaxCommandLineBytes = 128u << 10;
/// Nesting of shells inside shells: cmd /c cmd /c ..., powershell -enc, wmic process call create.
inline constexpr int kMaxShellDepth = 8;
/// Analysed commands produced from one event (chains, nested shells, decoded scripts).
inline constexpr std::size_t kMaxCommandsPerLine = 256;
/// Arguments kept per analysed command.
inline constexpr std::size_t kMaxArgsPerCommand = 512;
/// Output of %VAR% / !VAR! expansion of one line (stops %PATH%%PATH%... from growing memory).
inline constexpr std::size_t kMaxExpandedBytes = 256u << 10;
/// Bytes of a decoded PowerShell -EncodedCommand script.
inline constexpr std::size_t kMaxDecodedScriptBytes = 128u << 10;
/// Nesting of cmd.exe parenthesised blocks.
inline constexpr int kMaxParenDepth = 64;
/// Variables remembered from `set x=...` inside one cmd.exe line.
inline constexpr std::size_t kMaxSetVariables = 64;
/// Bytes of one knowledge-base YAML file.
inline constexpr std::size_t kMaxKbFileBytes = 4u << 20;
/// Entries in one knowledge-base file.
inline constexpr std::size_t kMaxKbEntries = 4096;

}  // namespace cmdsentry::limits

// ---- Sigma rules (src/sigma) ----
// Rule files come from anywhere (a downloaded pack, a colleague's gist): every size is capped.

namespace cmdsentry::limits {

/// Bytes of one Sigma rule file (SigmaHQ's largest is ~30 KiB).
inline constexpr std::size_t kMaxSigmaFileBytes = 1u << 20;
/// YAML documents (rules) in one file.
inline constexpr std::size_t kMaxSigmaDocuments = 1024;
/// Rule files read from the paths of one load (directories are walked recursively).
inline constexpr std::size_t kMaxSigmaFiles = 65536;
/// YAML nodes visited while reading one rule (aliases can make a small file a huge tree).
inline constexpr std::size_t kMaxSigmaNodes = 65536;
/// Nesting of YAML nodes inside one rule (a rule needs four levels).
inline constexpr int kMaxSigmaDepth = 16;
/// Detections (named search identifiers) in one rule.
inline constexpr std::size_t kMaxSigmaDetections = 256;
/// Values of one rule after modifiers expanded them (windash, base64offset, placeholders).
inline constexpr std::size_t kMaxSigmaValues = 16384;
/// Bytes of one value or regular expression.
inline constexpr std::size_t kMaxSigmaValueBytes = 16u << 10;

// Sigma correlation rules (src/sigma/correlation.*): state per group-by value tuple, held for the
// rule's timespan of event time. Group-by values come from logs (attacker-controlled: a user name
// per logon attempt makes a group each), so groups and the entries of a group are capped; what a
// cap turns away is counted (`sigma.correlation_dropped_*` counters at the end of the run).

/// Groups one correlation rule holds at once (one per host+user of an organisation of 10,000
/// hosts with a few users each); a new group past it is dropped once expired groups are gone.
inline constexpr std::size_t kMaxCorrelationGroups = 65536;
/// Base matches one group holds within its timespan: past it the oldest go, so a count saturates
/// there (event_count thresholds above it cannot be met; `rules check` says so).
inline constexpr std::size_t kMaxCorrelationEntries = 4096;
/// Base-match records a correlation match lists (the first ones of its window).
inline constexpr std::size_t kMaxCorrelationRecords = 32;
/// Rules one correlation refers to, and correlation chain depth (a correlation of a correlation).
inline constexpr std::size_t kMaxCorrelationRules = 64;
inline constexpr std::size_t kMaxCorrelationDepth = 8;
/// Longest timespan accepted (30 days): the state a group keeps grows with it.
inline constexpr std::uint64_t kMaxCorrelationTimespanSeconds = 30ull * 24 * 3600;

}  // namespace cmdsentry::limits
