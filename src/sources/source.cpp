#include "sources/source.h"

#include <algorithm>
#include <filesystem>
#include <string>
#include <system_error>

#include "core/limits.h"
#include "sources/input_checks.h"
#include "sources/readers.h"

namespace cmdsentry::sources {

SourceStats& SourceStats::operator+=(const SourceStats& o) {
  files += o.files;
  files_unrecognized += o.files_unrecognized;
  files_failed += o.files_failed;
  files_empty += o.files_empty;
  records += o.records;
  filtered += o.filtered;
  skipped += o.skipped;
  skipped_over_limit += o.skipped_over_limit;
  bytes += o.bytes;
  return *this;
}

namespace detail {

void ReadContext::diagnose(Severity severity, const std::string& file, std::uint64_t line,
                           std::uint64_t offset, std::string message) const {
  if (!sink.on_diagnostic) return;
  sink.on_diagnostic(SourceDiagnostic{severity, file, line, offset, std::move(message)});
}

void ReadContext::diagnose(SourceDiagnostic&& d) const {
  if (sink.on_diagnostic) sink.on_diagnostic(d);
}

void ReadContext::deliver(RawEvent&& event) const {
  const auto& ids = options.event_ids;
  if (!ids.empty() && std::find(ids.begin(), ids.end(), event.event_id) == ids.end()) {
    stats.filtered++;
    return;
  }
  stats.records++;
  if (sink.on_event) sink.on_event(std::move(event));
}

void dispatch_stream(const std::string& name, ByteStream& in, const ReadContext& ctx,
                     const std::string* path) {
  std::string head;
  if (auto r = read_head(in, head, kSniffBytes); !r) {
    ctx.stats.files_failed++;
    ctx.diagnose(Severity::kError, name, 0, 0, r.error().message);
    return;
  }
  if (ctx.followed != nullptr && head.empty()) {
    // A followed log that is still empty: wait for its first bytes, then sniff them.
    ctx.followed->wait_for_growth();
    if (auto r = read_head(in, head, kSniffBytes); !r) {
      ctx.stats.files_failed++;
      ctx.diagnose(Severity::kError, name, 0, 0, r.error().message);
      return;
    }
    if (head.empty()) return;  // stopped before anything arrived
  }
  if (report_empty_input(name, head, ctx)) return;
  const Format format = sniff_format(head, name);
  if (ctx.followed != nullptr) {
    if (format == Format::kJson || format == Format::kXml || format == Format::kUtf16Text) {
      ctx.followed->wait_for_growth();
    } else {
      ctx.diagnose(Severity::kInfo, name, 0, 0,
                   "only JSON and XML logs are followed as they grow; read once");
    }
  }
  if (format == Format::kEvtx && path != nullptr) {
    read_evtx_file(*path, ctx);
    return;
  }
  PrefixedStream stream(std::move(head), in);
  switch (format) {
    case Format::kEvtx:
      read_evtx_stream(name, stream, ctx);
      return;
    case Format::kJson:
      ctx.stats.files++;
      read_json_stream(name, stream, ctx);
      return;
    case Format::kXml:
      ctx.stats.files++;
      read_xml_stream(name, stream, ctx);
      return;
    case Format::kArchive:
    case Format::kCompressed:
      read_archive_stream(name, stream, ctx);
      return;
    case Format::kUtf16Text: {
      Utf16Stream decoded(stream);
      std::string inner_head;
      if (auto r = read_at_least(decoded, inner_head, kSniffBytes); !r) {
        ctx.stats.files_failed++;
        ctx.diagnose(Severity::kError, name, 0, 0, r.error().message);
        return;
      }
      const Format inner = sniff_format(inner_head, name);
      PrefixedStream text(std::move(inner_head), decoded);
      ctx.stats.files++;
      if (inner == Format::kJson) {
        read_json_stream(name, text, ctx);
      } else if (inner == Format::kXml) {
        read_xml_stream(name, text, ctx);
      } else {
        ctx.stats.files--;
        ctx.stats.files_unrecognized++;
        ctx.diagnose(Severity::kInfo, name, 0, 0,
                     "UTF-16 text that is neither JSON nor event XML: skipped");
      }
      return;
    }
    case Format::kUnknown:
      ctx.stats.files_unrecognized++;
      ctx.diagnose(Severity::kInfo, name, 0, 0, "not an event log format: skipped");
      return;
  }
}

namespace {

void read_file(const std::string& path, const ReadContext& ctx) {
  auto file = FileStream::open(path);
  if (!file) {
    ctx.stats.files_failed++;
    ctx.diagnose(Severity::kError, path, 0, 0, file.error().message);
    return;
  }
  std::error_code ec;
  if (ctx.options.follow != nullptr && std::filesystem::is_regular_file(path, ec)) {
    (*file)->follow(ctx.options.follow);
    ReadContext followed = ctx;
    followed.followed = file->get();
    dispatch_stream(path, **file, followed, &path);
    return;
  }
  dispatch_stream(path, **file, ctx, &path);
}

void walk_directory(const std::filesystem::path& dir, std::vector<std::string>& files,
                    const ReadContext& ctx) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec);
  for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    std::error_code type_ec;
    if (it.depth() >= limits::kMaxDirectoryDepth && it->is_directory(type_ec)) {
      it.disable_recursion_pending();
      ctx.diagnose(Severity::kWarning, it->path().string(), 0, 0,
                   "directory more than " + std::to_string(limits::kMaxDirectoryDepth) +
                       " levels below " + dir.string() + ": not read");
      continue;
    }
    if (it->is_regular_file(type_ec)) files.push_back(it->path().string());
  }
  if (ec) {
    ctx.diagnose(Severity::kError, dir.string(), 0, 0, "directory walk stopped: " + ec.message());
  }
  std::sort(files.begin(), files.end());
}

void read_directory(const std::filesystem::path& dir, const ReadContext& ctx) {
  std::vector<std::string> files;
  walk_directory(dir, files, ctx);
  for (const std::string& f : files) read_file(f, ctx);
}

}  // namespace
}  // namespace detail

SourceStats read_paths(const std::vector<std::string>& paths, const SourceOptions& options,
                       const SourceSink& sink) {
  SourceStats stats;
  const detail::ReadContext ctx{options, sink, stats};
  for (const std::string& path : paths) {
    if (path == "-") {
      auto in = FileStream::standard_input();
      detail::dispatch_stream("-", *in, ctx);
      continue;
    }
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
      detail::read_directory(path, ctx);
    } else {
      detail::read_file(path, ctx);
    }
  }
  return stats;
}

std::vector<std::string> expand_inputs(
    const std::vector<std::string>& paths,
    const std::function<void(const SourceDiagnostic&)>& on_diagnostic) {
  std::vector<std::string> out;
  SourceOptions options;
  SourceSink sink;
  sink.on_diagnostic = on_diagnostic;
  SourceStats stats;
  const detail::ReadContext ctx{options, sink, stats};
  for (const std::string& path : paths) {
    std::error_code ec;
    if (path != "-" && std::filesystem::is_directory(path, ec)) {
      detail::walk_directory(path, out, ctx);
    } else {
      out.push_back(path);
    }
  }
  return out;
}

bool is_live_input(const std::string& path) {
  if (path == "-") return true;
  std::error_code ec;
  const auto st = std::filesystem::status(path, ec);
  return !ec && std::filesystem::exists(st) && !std::filesystem::is_regular_file(st) &&
         !std::filesystem::is_directory(st);
}

SourceStats read_buffer(const std::string& name, std::string_view data,
                        const SourceOptions& options, const SourceSink& sink) {
  SourceStats stats;
  const detail::ReadContext ctx{options, sink, stats};
  MemoryStream in(data);
  detail::dispatch_stream(name, in, ctx);
  return stats;
}

}  // namespace cmdsentry::sources
