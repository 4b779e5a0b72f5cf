#pragma once
/// Reading event sources: files, directories, stdin and archives in any supported format, each
/// record delivered as a RawEvent. This is the entry point the rest of cmdsentry uses.
///
/// Every path is sniffed by content (format.h). Directories are walked recursively in name order.
/// "-" is stdin, read as a stream. Archives (.zip, .tar, .gz, ...) are read in place; their
/// members are sniffed like files and named "archive.zip!member.json". EVTX goes to
/// evtx::read_events. Damage is never fatal: a malformed line, element or member is reported
/// through on_diagnostic (file, line, offset, reason), counted, and the rest is read.

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/raw_event.h"

namespace cmdsentry::sources {

/// How serious a diagnostic is.
enum class Severity : std::uint8_t {
  kInfo,     ///< not an event log (a README next to the logs, macOS metadata in a zip)
  kWarning,  ///< a record or member was skipped; the rest of the input was read
  kError,    ///< a whole file could not be read
};

/// A problem with the input, with enough location to find it.
struct SourceDiagnostic {
  Severity severity = Severity::kWarning;
  std::string file;          ///< path, or "archive.zip!member"
  std::uint64_t line = 0;    ///< 1-based line in text formats, 0 when not applicable
  std::uint64_t offset = 0;  ///< byte offset in the (decompressed) file
  std::string message;
  std::uint64_t chunk = 0;   ///< EVTX chunk index + 1 (0: not an EVTX chunk problem)
  std::uint64_t record = 0;  ///< EVTX EventRecordID or record number when known
  /// Stable kebab-case code ("empty-file", "evtx-damaged"); empty: the engine derives one from
  /// the severity ("not-a-log", "skipped", "unreadable").
  std::string code;
};

/// Counts over everything read.
struct SourceStats {
  std::uint64_t files = 0;               ///< files and archive members opened as event sources
  std::uint64_t files_unrecognized = 0;  ///< skipped: not an event format
  std::uint64_t files_failed = 0;        ///< could not be opened or read at all
  std::uint64_t files_empty = 0;         ///< skipped: 0 bytes (warned "empty file"), not in `files`
  std::uint64_t records = 0;             ///< events delivered to on_event
  std::uint64_t filtered = 0;            ///< events dropped by SourceOptions::event_ids
  std::uint64_t skipped = 0;             ///< records not read (lines, elements, EVTX records)
  /// Of `skipped`: records that are well formed as far as read but exceed one of the caps in
  /// core/limits.h (size, nesting, rendered size); the others are damaged or malformed.
  std::uint64_t skipped_over_limit = 0;
  std::uint64_t bytes = 0;  ///< bytes read (decompressed)

  SourceStats& operator+=(const SourceStats& o);
};

/// What to read.
struct SourceOptions {
  int threads = 0;                       ///< EVTX decoder threads (0: all cores)
  std::vector<std::uint32_t> event_ids;  ///< deliver only these ids (empty: all)
  bool carve = false;                    ///< EVTX: also recover records from chunk slack
  /// Read little ahead (one of many inputs open at once): EVTX decodes small batches.
  bool lean = false;
  /// Set: follow regular JSON/XML files as they grow (FileStream::follow) until it is true.
  /// EVTX files are read once (Windows rewrites their chunks in place), with a note.
  const std::atomic<bool>* follow = nullptr;
};

/// Where events and problems go. Called on the calling thread, in input order.
struct SourceSink {
  std::function<void(RawEvent&&)> on_event;
  std::function<void(const SourceDiagnostic&)> on_diagnostic;
};

/// Reads every path (file, directory, archive, or "-" for stdin) in order.
SourceStats read_paths(const std::vector<std::string>& paths, const SourceOptions& options,
                       const SourceSink& sink);

/// The inputs behind `paths`, each read on its own: a directory becomes its files (recursively,
/// in name order), a file, archive or "-" stays as given. Problems walking go to on_diagnostic.
[[nodiscard]] std::vector<std::string> expand_inputs(
    const std::vector<std::string>& paths,
    const std::function<void(const SourceDiagnostic&)>& on_diagnostic);

/// True for "-" and paths that are not regular files (pipes, FIFOs, terminals): input that may
/// arrive slowly, for which the engine flushes when it goes idle.
[[nodiscard]] bool is_live_input(const std::string& path);

/// Reads one in-memory buffer named `name` (sniffed like a file). For tests and fuzzers.
SourceStats read_buffer(const std::string& name, std::string_view data,
                        const SourceOptions& options, const SourceSink& sink);

}  // namespace cmdsentry::sources
