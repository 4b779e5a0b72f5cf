#pragma once
/// Reading whole EVTX files: chunks are decoded in parallel (one chunk is the unit of work) and
/// results are delivered on the calling thread in file order.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/raw_event.h"

namespace cmdsentry::evtx {

/// Which records to decode. Records that fail the filter cost only a look at their template's
/// EventID/Channel substitution values (stage 2 without rendering).
struct EventFilter {
  std::vector<std::uint32_t> event_ids;  ///< empty: every event id
  std::vector<std::string> channels;     ///< empty: every channel; ASCII case-insensitive match
  [[nodiscard]] bool accepts_all() const { return event_ids.empty() && channels.empty(); }
};

/// How to read.
struct ReadOptions {
  int threads = 0;  ///< worker threads; 0 = all cores
  EventFilter filter;
  /// Also recover records left in chunk slack (flagged as carved), and records hidden in the
  /// slack inside larger records (flagged carved and hidden). Hidden records are warned either way.
  bool carve = false;
  /// Decode little ahead (small batches, one in flight per thread): for a reader that is one of
  /// many open at once, whose decoded-ahead events would otherwise add up (16 chunks x 4
  /// batches of events per reader).
  bool lean = false;
};

/// A problem found in a file: what and where. Never fatal for the other chunks.
struct Diagnostic {
  std::string file;
  std::int64_t chunk = -1;      ///< chunk index, -1 for the file header
  std::uint64_t offset = 0;     ///< file offset
  std::uint64_t record_id = 0;  ///< 0 when not known
  std::string message;
};

/// Counts for one file (or a sum over files).
struct ReadStats {
  std::uint64_t chunks = 0;               ///< chunk slots looked at
  std::uint64_t chunks_empty = 0;         ///< all-zero slots (normal at the end of a log)
  std::uint64_t chunks_bad = 0;           ///< unusable chunks (bad magic, unreadable header)
  std::uint64_t chunks_crc_mismatch = 0;  ///< header or data CRC mismatch (still decoded)
  std::uint64_t records = 0;              ///< records decoded and delivered (or filtered out)
  std::uint64_t records_filtered = 0;     ///< records skipped by the filter (subset of `records`)
  std::uint64_t records_skipped = 0;      ///< records that could not be decoded
  /// Of `records_skipped`: records over a cap of core/limits.h (rendered size, template nodes,
  /// nesting, substitutions), not damaged as far as read.
  std::uint64_t records_over_limit = 0;
  std::uint64_t records_carved = 0;  ///< records recovered from slack (with carve)
  /// Of `records_carved`: records hidden inside a larger live record (deleted by eventlogedit).
  std::uint64_t records_hidden = 0;
  /// Chunks the file header promises but the file does not hold (cut short, zeroed), warned.
  std::uint64_t chunks_missing = 0;
  std::uint64_t bytes = 0;  ///< file bytes read

  ReadStats& operator+=(const ReadStats& o);
};

/// Reads one EVTX file and calls `on_event` (on the calling thread, in file order) for every
/// record the filter accepts, and `on_diagnostic` for every problem. Fails only when the file
/// cannot be opened or is not EVTX at all; damage inside the file is reported and skipped.
[[nodiscard]] Result<ReadStats> read_events(
    const std::filesystem::path& file, const ReadOptions& options,
    const std::function<void(RawEvent&&)>& on_event,
    const std::function<void(const Diagnostic&)>& on_diagnostic);

/// Output format of dump_files.
enum class RenderFormat : std::uint8_t { kJsonl, kXml };

/// How to dump.
struct DumpOptions {
  ReadOptions read;
  RenderFormat format = RenderFormat::kJsonl;
};

/// End-of-file report of dump_files: counts, or why the file could not be read at all.
struct FileReport {
  std::string file;
  ReadStats stats;
  bool opened = true;
  std::string error;  ///< set when !opened
};

/// Renders every accepted record of `files` (in order, records in file order). `write` receives
/// large blocks of output text on the calling thread; `on_file` is called once per file after
/// its last record. JSONL lines are evtx_dump's `{"Event":{...}}` plus a `"#source"` member
/// (file, record_id, chunk, carved, hidden); XML is `<Events>` of Windows-style `<Event>` elements.
ReadStats dump_files(const std::vector<std::filesystem::path>& files, const DumpOptions& options,
                     const std::function<void(std::string_view)>& write,
                     const std::function<void(const Diagnostic&)>& on_diagnostic,
                     const std::function<void(const FileReport&)>& on_file);

/// True when the first bytes look like an EVTX file header ("ElfFile\0").
[[nodiscard]] bool looks_like_evtx(const std::uint8_t* data, std::size_t size);

}  // namespace cmdsentry::evtx
