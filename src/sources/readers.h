#pragma once
/// Internal: the per-format stream readers behind source.h, and the state they share.

#include <string>

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

  void diagnose(Severity severity, const std::string& file, std::uint64_t line,
                std::uint64_t offset, std::string message) const;
  /// Applies the event-id filter and delivers.
  void deliver(RawEvent&& event) const;
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
