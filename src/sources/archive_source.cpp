// Archives read in place with libarchive, from any ByteStream (so a zip inside a zip, or a gzip
// on stdin, needs no temporary files). Single compressed streams (.gz/.bz2/.xz/.zst) go through
// libarchive's "raw" format and yield one member named after the file without its suffix.
#include <archive.h>
#include <archive_entry.h>

#include <memory>
#include <vector>

#include "core/limits.h"
#include "sources/readers.h"

namespace cmdsentry::sources::detail {
namespace {

struct Client {
  ByteStream* in;
  std::vector<char> buf = std::vector<char>(256 * 1024);
  std::string error;
  std::uint64_t bytes = 0;
};

la_ssize_t read_callback(struct archive* a, void* data, const void** out) {
  auto* c = static_cast<Client*>(data);
  auto n = c->in->read(c->buf.data(), c->buf.size());
  if (!n) {
    c->error = n.error().message;
    archive_set_error(a, EIO, "%s", c->error.c_str());
    return -1;
  }
  c->bytes += *n;
  *out = c->buf.data();
  return static_cast<la_ssize_t>(*n);
}

// The current member's data as a ByteStream.
class MemberStream final : public ByteStream {
 public:
  explicit MemberStream(struct archive* a) : a_(a) {}
  Result<std::size_t> read(char* data, std::size_t size) override {
    const la_ssize_t n = archive_read_data(a_, data, size);
    if (n < 0) {
      const char* msg = archive_error_string(a_);
      return fail(ErrorCode::kCorrupt, std::string("archive member unreadable: ") +
                                           (msg != nullptr ? msg : "unknown error"));
    }
    return static_cast<std::size_t>(n);
  }

 private:
  struct archive* a_;
};

std::string strip_compression_suffix(const std::string& name) {
  std::string base = name.substr(name.find_last_of("/\\!") + 1);
  for (std::string_view suffix : {".gz", ".gzip", ".bz2", ".xz", ".zst", ".GZ"}) {
    if (base.size() > suffix.size() && base.ends_with(suffix)) {
      return base.substr(0, base.size() - suffix.size());
    }
  }
  return base.empty() ? std::string("data") : base;
}

struct ArchiveDeleter {
  void operator()(struct archive* a) const { archive_read_free(a); }
};

}  // namespace

void read_archive_stream(const std::string& name, ByteStream& in, const ReadContext& ctx) {
  if (ctx.archive_depth >= limits::kMaxArchiveDepth) {
    ctx.stats.files_failed++;
    ctx.diagnose(Severity::kWarning, name, 0, 0,
                 "archive nested deeper than kMaxArchiveDepth: skipped");
    return;
  }
  std::unique_ptr<struct archive, ArchiveDeleter> a(archive_read_new());
  archive_read_support_filter_all(a.get());
  archive_read_support_format_zip(a.get());
  archive_read_support_format_tar(a.get());
  archive_read_support_format_gnutar(a.get());
  archive_read_support_format_raw(a.get());
  Client client{&in};
  if (archive_read_open(a.get(), &client, nullptr, read_callback, nullptr) != ARCHIVE_OK) {
    ctx.stats.files_failed++;
    const char* msg = archive_error_string(a.get());
    ctx.diagnose(Severity::kError, name, 0, 0,
                 std::string("cannot open archive: ") + (msg != nullptr ? msg : "unknown error"));
    return;
  }
  ReadContext inner = ctx;
  inner.archive_depth = ctx.archive_depth + 1;
  struct archive_entry* entry = nullptr;
  for (;;) {
    const int rc = archive_read_next_header(a.get(), &entry);
    if (rc == ARCHIVE_EOF) break;
    if (rc < ARCHIVE_WARN) {
      const char* msg = archive_error_string(a.get());
      ctx.stats.files_failed++;
      ctx.diagnose(Severity::kError, name, 0, client.bytes,
                   std::string("archive damaged, remaining members lost: ") +
                       (msg != nullptr ? msg : "unknown error"));
      break;
    }
    if (archive_entry_filetype(entry) != AE_IFREG &&
        archive_format(a.get()) != ARCHIVE_FORMAT_RAW) {
      continue;
    }
    const char* path = archive_entry_pathname(entry);
    const std::string member = archive_format(a.get()) == ARCHIVE_FORMAT_RAW
                                   ? strip_compression_suffix(name)
                                   : std::string(path != nullptr ? path : "?");
    MemberStream stream(a.get());
    dispatch_stream(name + "!" + member, stream, inner);
  }
}

}  // namespace cmdsentry::sources::detail
