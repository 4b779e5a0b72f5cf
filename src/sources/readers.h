#pragma once
/// Internal: the per-format stream readers behind source.h, and the state they share.

#include <cstdint>
#include <string>

#include "core/error.h"
#include "core/raw_event.h"
#include "sources/format.h"
#include "sources/source.h"
#include "sources/stream.h"

namespace cmdsentry::sources::detail {

/// What every reader needs: options, sink, running counts.
struct ReadContext {
  const SourceOptions& options;
  const SourceSink& sink;
  SourceStats& stats;
  int archive_depth = 0;
  /// The followed file being read (SourceOptions::follow), else null.
  FileStream* followed = nullptr;

  void diagnose(Severity severity, const std::string& file, std::uint64_t line,
                std::uint64_t offset, std::string message) const;
  /// Hands on a diagnostic built by the caller (an EVTX one with its chunk and record).
  void diagnose(SourceDiagnostic&& d) const;
  /// Applies the event-id filter and delivers.
  void deliver(RawEvent&& event) const;
};

/// Where a record of a text input starts: 1-based line and byte offset in the (decompressed)
/// file.
struct TextPosition {
  std::uint64_t line = 1;
  std::uint64_t offset = 0;
};

/// The end of the text readers (JSON, XML), so both report and stamp alike: a record cut out
/// of the input is either delivered, its source stamped with file, record id, line and offset,
/// or skipped, as a warning naming file, line and offset, and counted (apart when over a cap).
class RecordSink {
 public:
  RecordSink(const std::string& name, const ReadContext& ctx)
      : name_(name), source_name_(name), ctx_(ctx) {}

  /// Stamps `event`'s source with the record's position and delivers it (filter applied).
  void deliver(RawEvent&& event, TextPosition at) const;
  /// A record not read: warns with `why` and counts it skipped (and over a limit if so).
  void skip(TextPosition at, std::string why, bool over_limit = false) const;
  /// A record the parser rejected: kLimit counts as over a limit. `error_line`, when known and
  /// not the record's first line, is added to the message ("(at line N)").
  void skip(TextPosition at, const Error& error, std::uint64_t error_line = 0) const;
  /// A warning that skips no record (the input is still read from `at`).
  void warn(TextPosition at, std::string why) const;
  /// The input could not be read on from `at` (an I/O or decompression error).
  void read_failed(TextPosition at, std::string why) const;

 private:
  const std::string& name_;
  const SourceName source_name_;
  const ReadContext& ctx_;
};

/// JSON lines, JSON arrays, concatenated objects.
void read_json_stream(const std::string& name, ByteStream& in, const ReadContext& ctx);
/// <Events> documents and concatenated <Event> elements.
void read_xml_stream(const std::string& name, ByteStream& in, const ReadContext& ctx);
/// zip/tar/gz/...: each member sniffed and dispatched.
void read_archive_stream(const std::string& name, ByteStream& in, const ReadContext& ctx);
/// An EVTX file on disk.
void read_evtx_file(const std::string& path, const ReadContext& ctx);
/// An EVTX image that is not a plain file (stdin, archive member): spooled to a temp file.
void read_evtx_stream(const std::string& name, ByteStream& in, const ReadContext& ctx);

/// Sniffs `in` and hands it to the matching reader. `path` is set when `in` is a plain file
/// (EVTX is then read by path, in parallel).
void dispatch_stream(const std::string& name, ByteStream& in, const ReadContext& ctx,
                     const std::string* path = nullptr);

}  // namespace cmdsentry::sources::detail
