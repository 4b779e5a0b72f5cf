// EVTX files go to the EVTX decoder (parallel per chunk, filtered by event id before rendering).
// EVTX that is not a plain file (stdin, archive member) is spooled to a temporary file first:
// the decoder needs random access to chunks.
#include <cstdio>
#include <filesystem>
#include <random>

#include "evtx/reader.h"
#include "sources/readers.h"

namespace cmdsentry::sources::detail {
namespace {

void read_evtx_as(const std::string& path, const std::string& display, const ReadContext& ctx) {
  evtx::ReadOptions options;
  options.threads = ctx.options.threads;
  options.carve = ctx.options.carve;
  options.lean = ctx.options.lean;
  options.filter.event_ids = ctx.options.event_ids;
  auto result = evtx::read_events(
      path, options,
      [&, name = SourceName(display)](RawEvent&& event) {
        event.source.file = name;
        ctx.deliver(std::move(event));
      },
      [&](const evtx::Diagnostic& d) {
        SourceDiagnostic out;
        out.severity = Severity::kWarning;
        out.file = display;
        out.offset = d.offset;
        out.message = d.message;
        out.chunk = d.chunk >= 0 ? static_cast<std::uint64_t>(d.chunk) + 1 : 0;
        out.record = d.record_id;
        out.code = "evtx-damaged";
        ctx.diagnose(std::move(out));
      });
  if (!result) {
    ctx.stats.files_failed++;
    ctx.diagnose(Severity::kError, display, 0, result.error().offset, result.error().message);
    return;
  }
  ctx.stats.files++;
  ctx.stats.skipped += result->records_skipped;
  ctx.stats.skipped_over_limit += result->records_over_limit;
  ctx.stats.filtered += result->records_filtered;
  ctx.stats.bytes += result->bytes;
}

}  // namespace

void read_evtx_file(const std::string& path, const ReadContext& ctx) {
  read_evtx_as(path, path, ctx);
}

void read_evtx_stream(const std::string& name, ByteStream& in, const ReadContext& ctx) {
  namespace fs = std::filesystem;
  std::error_code ec;
  std::random_device rd;
  const fs::path tmp = fs::temp_directory_path(ec) /
                       ("cmdsentry-" + std::to_string(rd()) + "-" + std::to_string(rd()) + ".evtx");
  std::FILE* f = std::fopen(tmp.c_str(), "wbx");
  if (f == nullptr) {
    ctx.stats.files_failed++;
    ctx.diagnose(Severity::kError, name, 0, 0, "cannot create a temporary file for EVTX data");
    return;
  }
  std::vector<char> buf(1u << 20);
  bool ok = true;
  for (;;) {
    auto n = in.read(buf.data(), buf.size());
    if (!n) {
      ctx.diagnose(Severity::kWarning, name, 0, 0, n.error().message);
      ok = false;
      break;
    }
    if (*n == 0) break;
    if (std::fwrite(buf.data(), 1, *n, f) != *n) {
      ok = false;
      ctx.diagnose(Severity::kError, name, 0, 0, "cannot write the temporary EVTX copy");
      break;
    }
  }
  std::fclose(f);
  if (ok) read_evtx_as(tmp.string(), name, ctx);
  fs::remove(tmp, ec);
}

}  // namespace cmdsentry::sources::detail
