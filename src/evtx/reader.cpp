// File-level reading: header, chunk slots, and the parallel ordered pipeline over chunk batches.
#include "evtx/reader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <mutex>

#include <fmt/format.h>

#include "core/ordered_pool.h"
#include "core/utf.h"
#include "evtx/chunk_decoder.h"
#include "evtx/file_header.h"
#include "evtx/mapping.h"
#include "evtx/value_format.h"

namespace cmdsentry::evtx {
namespace {

/// Chunks decoded per work item: 1 MiB of input, large enough to amortise the hand-off.
constexpr std::uint64_t kChunksPerBatch = 16;
/// Chunks per batch of a lean reader (ReadOptions::lean).
constexpr std::uint64_t kLeanChunksPerBatch = 2;

/// An open file descriptor that closes itself.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(Fd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  Fd& operator=(Fd&& o) noexcept {
    if (this != &o) {
      reset();
      fd_ = std::exchange(o.fd_, -1);
    }
    return *this;
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { reset(); }
  void reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  [[nodiscard]] int get() const { return fd_; }

 private:
  int fd_ = -1;
};

/// Reads up to `size` bytes at `offset`; returns bytes read (short at end of file) or -1.
std::int64_t read_at(int fd, std::uint8_t* buf, std::size_t size, std::uint64_t offset) {
  std::size_t done = 0;
  while (done < size) {
    const ssize_t n = ::pread(fd, buf + done, size - done, static_cast<off_t>(offset + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    if (n == 0) break;
    done += static_cast<std::size_t>(n);
  }
  return static_cast<std::int64_t>(done);
}

struct FileInfo {
  std::filesystem::path path;
  std::string name;
  SourceName source_name;  ///< `name`, interned once for all its events
  std::uint64_t size = 0;
  std::uint64_t slots = 0;  ///< chunk slots from the file size (the header count is not trusted)
  /// What a header with a good CRC says the file holds: chunks in use and the last record's
  /// number (next record number - 1); 0 when unknown. Checked against what was found.
  std::uint64_t promised_chunks = 0;
  std::uint64_t promised_last_record = 0;
  bool ok = false;
  std::string error;
  std::vector<Diagnostic> header_diags;
};

FileInfo inspect(const std::filesystem::path& p) {
  FileInfo f;
  f.path = p;
  f.name = p.string();
  f.source_name = f.name;
  Fd fd(::open(p.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    f.error = fmt::format("cannot open: {}", std::strerror(errno));
    return f;
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) {
    f.error = "not a regular file";
    return f;
  }
  f.size = static_cast<std::uint64_t>(st.st_size);
  std::vector<std::uint8_t> head(kFileHeaderSize);
  const auto n = read_at(fd.get(), head.data(), head.size(), 0);
  if (n < 0) {
    f.error = fmt::format("read failed: {}", std::strerror(errno));
    return f;
  }
  auto h = parse_file_header(std::span(head.data(), static_cast<std::size_t>(n)));
  if (!h) {
    f.error = h.error().message;
    return f;
  }
  f.ok = true;
  f.slots = f.size > kFileHeaderSize ? (f.size - kFileHeaderSize + kChunkSize - 1) / kChunkSize : 0;
  auto diag = [&](std::uint64_t off, std::string msg) {
    f.header_diags.push_back(Diagnostic{f.name, -1, off, 0, std::move(msg)});
  };
  if (!h->crc_ok) diag(124, "file header CRC mismatch (header fields ignored)");
  if (h->crc_ok) {
    f.promised_chunks = h->chunk_count;
    f.promised_last_record = h->next_record_id > 0 ? h->next_record_id - 1 : 0;
  }
  if (h->major_version != 3) diag(38, fmt::format("unexpected major version {}", h->major_version));
  if (h->dirty()) {
    diag(120, fmt::format("file is dirty (not closed cleanly): header says {} chunks, the file has "
                          "room for {}; reading every chunk",
                          h->chunk_count, f.slots));
  }
  if ((f.size - std::min<std::uint64_t>(f.size, kFileHeaderSize)) % kChunkSize != 0) {
    diag(f.size,
         fmt::format("file size {} is not header + whole chunks: last chunk truncated", f.size));
  }
  return f;
}

struct Job {
  std::size_t file = 0;
  std::uint64_t first_chunk = 0;
  std::uint64_t chunk_count = 0;
  bool last_of_file = false;
};

std::vector<Job> plan(const std::vector<FileInfo>& files, std::uint64_t per_batch) {
  std::vector<Job> jobs;
  for (std::size_t i = 0; i < files.size(); ++i) {
    if (!files[i].ok || files[i].slots == 0) {
      jobs.push_back({i, 0, 0, true});
      continue;
    }
    for (std::uint64_t c = 0; c < files[i].slots; c += per_batch) {
      const std::uint64_t n = std::min(per_batch, files[i].slots - c);
      jobs.push_back({i, c, n, c + n >= files[i].slots});
    }
  }
  return jobs;
}

/// What a worker hands to the consumer for one job.
struct BatchOut {
  std::string text;
  std::vector<RawEvent> events;
  std::vector<Diagnostic> diags;
  ReadStats stats;
  std::uint64_t last_record = 0;  ///< highest live record number found (decoded or not)
};

/// Output buffers handed back by the consumer for the workers' next batches. Why: a batch's
/// text is ~2.5 MiB; allocated fresh by a worker and freed by the consuming thread, the
/// allocator kept freed pages resident for a while, and two threads peaked at 78 MiB against
/// 50 MiB with buffers reused. At most `cap` buffers wait here.
class TextPool {
 public:
  explicit TextPool(std::size_t cap) : cap_(cap) {}
  std::string take() {
    std::lock_guard lk(mu_);
    if (free_.empty()) return {};
    std::string s = std::move(free_.back());
    free_.pop_back();
    return s;
  }
  void give(std::string&& s) {
    s.clear();
    std::lock_guard lk(mu_);
    if (free_.size() < cap_) free_.push_back(std::move(s));
  }

 private:
  std::mutex mu_;
  std::vector<std::string> free_;
  std::size_t cap_;
};

/// Per-worker state: decoder, read buffer and the file it has open.
struct Worker {
  ChunkDecoder decoder;
  std::vector<std::uint8_t> buffer;
  std::size_t open_file = SIZE_MAX;
  Fd fd;
  bool reported_shrink = false;  ///< the open file's shrink warning was given
};

enum class Mode { kEvents, kJson, kXml };

void append_source(std::string& out, std::string_view file_json, std::int64_t chunk,
                   const RecordRef& r) {
  out += ",\"#source\":{\"file\":\"";
  out += file_json;
  out += "\",\"record_id\":";
  detail::append_uint(out, r.id);
  out += ",\"chunk\":";
  detail::append_uint(out, static_cast<std::uint64_t>(chunk));
  if (r.carved) out += ",\"carved\":true";
  if (r.hidden) out += ",\"hidden\":true";
  out += "}}";
}

/// The start of `<!-- source file='...' record_id='N' chunk='C' -->` (then `carved='true'` and
/// `hidden='true'` for records recovered that way), written before each XML
/// event: XML readers skip comments, people and our own reader see where the record came from.
/// "--" cannot appear in a comment, so dashes that would form one are written as character
/// references. Built once per batch (the file name is escaped once, not once per record).
std::string source_comment_prefix(std::string_view file) {
  std::string escaped;
  append_escaped(escaped, file, Escape::kXmlAttr);
  std::string out = "<!-- source file='";
  for (std::size_t i = 0; i < escaped.size(); ++i) {
    if (escaped[i] == '-' &&
        (i + 1 == escaped.size() || escaped[i + 1] == '-' || (i > 0 && escaped[i - 1] == '-'))) {
      out += "&#45;";
    } else {
      out += escaped[i];
    }
  }
  out += "' record_id='";
  return out;
}

/// The source comment of record `r` of chunk `chunk` (prefix from source_comment_prefix).
void append_source_comment(std::string& out, std::string_view prefix, std::int64_t chunk,
                           const RecordRef& r) {
  out += prefix;
  detail::append_uint(out, r.id);
  out += "' chunk='";
  detail::append_uint(out, static_cast<std::uint64_t>(chunk));
  out += r.hidden   ? "' carved='true' hidden='true' -->"
         : r.carved ? "' carved='true' -->"
                    : "' -->";
}

/// Decodes one job into `out`. False when the file shrank while the batch was decoded (a mapped
/// page past its new end was touched and read as zeros: detail::Mapping): `out` is not the file's.
bool decode_batch(Worker& w, const std::vector<FileInfo>& files, const Job& job,
                  const ReadOptions& opt, Mode mode, BatchOut& out) {
  const FileInfo& f = files[job.file];
  if (job.chunk_count == 0) return true;
  std::string file_json;
  append_escaped(file_json, f.name, Escape::kJson);
  const std::string comment = mode == Mode::kXml ? source_comment_prefix(f.name) : std::string();
  if (w.open_file != job.file) {
    w.fd = Fd(::open(f.path.c_str(), O_RDONLY | O_CLOEXEC));
    w.open_file = job.file;
    w.reported_shrink = false;
  }
  const std::uint64_t offset = kFileHeaderSize + job.first_chunk * kChunkSize;
  // A live log that rotates or is truncated while we read it: touching a mapped page past the
  // new end of file would fault (SIGBUS). Look at the size before each batch, map only what is
  // still there and say so; the batches after it find nothing and end the file. A cut in the
  // middle of one batch's decoding reads zeros instead of faulting (detail::Mapping), and
  // run_job decodes that batch again.
  std::uint64_t size_now = f.size;
  if (struct stat st{}; w.fd.get() >= 0 && ::fstat(w.fd.get(), &st) == 0 &&
                        static_cast<std::uint64_t>(st.st_size) < f.size) {
    size_now = static_cast<std::uint64_t>(st.st_size);
    if (offset < f.size && !w.reported_shrink) {
      w.reported_shrink = true;
      out.diags.push_back({f.name, static_cast<std::int64_t>(job.first_chunk), offset, 0,
                           fmt::format("the file shrank while it was read ({} bytes at the start, "
                                       "{} now): the rest is not read",
                                       f.size, size_now)});
    }
  }
  // Map the batch (chunk offsets are page aligned) instead of copying it: with pread the kernel's
  // copy into our buffer was a quarter of single-thread decoding time. Only the bytes the file
  // has when it was inspected are mapped; the mapping ends with the job, so resident memory
  // stays at the batches in flight. pread remains the fallback when mapping fails.
  const std::uint64_t want = std::min<std::uint64_t>(job.chunk_count * kChunkSize,
                                                     size_now > offset ? size_now - offset : 0);
  detail::Mapping map;
  std::int64_t got = -1;
  const std::uint8_t* base = nullptr;
  if (w.fd.get() >= 0 && want > 0 && map.map(w.fd.get(), offset, want)) {
    base = map.data();
    got = static_cast<std::int64_t>(want);
  } else if (w.fd.get() >= 0) {
    w.buffer.resize(job.chunk_count * kChunkSize);
    got = read_at(w.fd.get(), w.buffer.data(), w.buffer.size(), offset);
    base = w.buffer.data();
  }
  if (got < 0) {
    out.diags.push_back({f.name, static_cast<std::int64_t>(job.first_chunk), offset, 0,
                         fmt::format("read failed: {}", std::strerror(errno))});
    out.stats.chunks_bad += job.chunk_count;
    return true;
  }
  out.stats.bytes += static_cast<std::uint64_t>(got);
  // JSON is about 2.5 times the size of the EVTX it comes from: reserve once instead of letting
  // the string double (and copy) its way up.
  if (mode != Mode::kEvents) out.text.reserve(static_cast<std::size_t>(got) * 3);
  for (std::uint64_t i = 0; i < job.chunk_count; ++i) {
    const std::uint64_t begin = i * kChunkSize;
    if (begin >= static_cast<std::uint64_t>(got)) break;
    const std::uint64_t len =
        std::min<std::uint64_t>(kChunkSize, static_cast<std::uint64_t>(got) - begin);
    const std::int64_t chunk_no = static_cast<std::int64_t>(job.first_chunk + i);
    const std::uint64_t chunk_off = offset + begin;
    const ChunkIndex& idx = w.decoder.load(std::span(base + begin, len), opt.carve);
    ++out.stats.chunks;
    for (const ChunkIssue& is : idx.issues) {
      out.diags.push_back({f.name, chunk_no, chunk_off + is.offset, 0, is.message});
    }
    if (idx.state == ChunkIndex::State::kEmpty) {
      ++out.stats.chunks_empty;
      continue;
    }
    if (idx.state == ChunkIndex::State::kBadMagic) {
      ++out.stats.chunks_bad;
      continue;
    }
    if (!idx.header_crc_ok || !idx.data_crc_ok) ++out.stats.chunks_crc_mismatch;
    for (const RecordRef& rec : idx.records) {
      if (!rec.carved) out.last_record = std::max(out.last_record, rec.id);
      auto doc = w.decoder.open(rec);
      Result<void> done;
      if (doc) {
        if (!w.decoder.accepts(*doc, opt.filter)) {
          ++out.stats.records;
          ++out.stats.records_filtered;
          continue;
        }
        switch (mode) {
          case Mode::kEvents: {
            RawEvent ev;
            done = w.decoder.extract(*doc, ev);
            if (done) {
              // Identity is the BinXml's EventRecordID (extract() reads it); the header's
              // number is only a position: a log saved from a filtered view renumbers its
              // headers from 1 but keeps each event's EventRecordID.
              if (ev.record_id == 0) ev.record_id = rec.id;
              ev.source.file = f.source_name;
              ev.source.record_id = ev.record_id;
              ev.source.record_number = rec.id;
              ev.source.chunk = static_cast<std::int32_t>(chunk_no);
              ev.source.offset = chunk_off + rec.offset;
              ev.source.carved = rec.carved;
              ev.source.hidden = rec.hidden;
              out.events.push_back(std::move(ev));
            }
            break;
          }
          case Mode::kJson: {
            const std::size_t mark = out.text.size();
            done = w.decoder.render_json(*doc, out.text);
            if (done) {
              out.text.pop_back();  // reopen the root object to add the source
              append_source(out.text, file_json, chunk_no, rec);
              out.text += '\n';
            } else {
              out.text.resize(mark);
            }
            break;
          }
          case Mode::kXml: {
            const std::size_t mark = out.text.size();
            append_source_comment(out.text, comment, chunk_no, rec);
            done = w.decoder.render_xml(*doc, out.text);
            if (done) {
              out.text += '\n';
            } else {
              out.text.resize(mark);
            }
            break;
          }
        }
      } else {
        done = tl::unexpected(doc.error());
      }
      if (!done) {
        ++out.stats.records_skipped;
        if (done.error().code == ErrorCode::kLimit) ++out.stats.records_over_limit;
        out.diags.push_back({f.name, chunk_no, chunk_off + rec.offset, rec.id,
                             fmt::format("record {} skipped: {} (at chunk offset 0x{:x})", rec.id,
                                         done.error().message, done.error().offset)});
        continue;
      }
      ++out.stats.records;
      if (rec.carved) ++out.stats.records_carved;
      if (rec.hidden) ++out.stats.records_hidden;
    }
  }
  return !map.faulted();
}

/// Decodes one job; when the file shrank while it was decoded, drops what was decoded and decodes
/// it again from what the file still holds (a few times: a file can keep shrinking).
void run_job(Worker& w, const std::vector<FileInfo>& files, const Job& job, const ReadOptions& opt,
             Mode mode, BatchOut& out) {
  constexpr int kAttempts = 3;
  bool faulted = false;
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    if (decode_batch(w, files, job, opt, mode, out)) {
      const FileInfo& f = files[job.file];
      if (faulted && !w.reported_shrink) {
        w.reported_shrink = true;
        out.diags.push_back(
            {f.name, static_cast<std::int64_t>(job.first_chunk),
             kFileHeaderSize + job.first_chunk * kChunkSize, 0,
             fmt::format("the file shrank while it was read ({} bytes at the start): this batch "
                         "was decoded again from what it holds",
                         f.size)});
      }
      return;
    }
    faulted = true;
    w.reported_shrink = false;  // the next attempt says how far the file shrank
    out.text.clear();
    out.events.clear();
    out.diags.clear();
    out.stats = {};
    out.last_record = 0;
  }
  out.diags.push_back({files[job.file].name, static_cast<std::int64_t>(job.first_chunk),
                       kFileHeaderSize + job.first_chunk * kChunkSize, 0,
                       fmt::format("the file kept shrinking while it was read: chunks {} to {} "
                                   "are not read",
                                   job.first_chunk, job.first_chunk + job.chunk_count - 1)});
  out.stats.chunks_bad += job.chunk_count;
}

/// When the file holds less than its header promises (a copy cut short, chunks zeroed): the
/// warning with both counts, and the missing chunks counted. The header is otherwise only a hint
/// (dirty files promise less than they hold, and every chunk slot is read anyway).
void check_promises(const FileInfo& f, std::uint64_t last_record, ReadStats& stats,
                    const std::function<void(const Diagnostic&)>& on_diag) {
  const std::uint64_t found = stats.chunks - stats.chunks_empty - stats.chunks_bad;
  if (found >= f.promised_chunks && last_record >= f.promised_last_record) return;
  if (found < f.promised_chunks) stats.chunks_missing += f.promised_chunks - found;
  const bool records = f.promised_last_record > 0;
  std::string msg = fmt::format("promises {} chunks", f.promised_chunks);
  if (records) msg += fmt::format(" and records up to number {}", f.promised_last_record);
  msg += fmt::format(", found {} chunks", found);
  if (records) msg += fmt::format(" and records up to number {}", last_record);
  on_diag({f.name, -1, f.size, 0, msg + ": the file is truncated or chunks are lost"});
}

/// Shared driver of read_events and dump_files.
template <class OnBatch, class OnFile>
void drive(const std::vector<FileInfo>& files, const ReadOptions& opt, Mode mode,
           const std::function<void(const Diagnostic&)>& on_diag, OnBatch&& on_batch,
           OnFile&& on_file) {
  const std::vector<Job> jobs = plan(files, opt.lean ? kLeanChunksPerBatch : kChunksPerBatch);
  const int threads = resolve_threads(opt.threads);
  std::vector<std::unique_ptr<Worker>> workers;
  for (int i = 0; i < threads; ++i) workers.push_back(std::make_unique<Worker>());
  ReadStats file_stats;
  std::uint64_t file_last_record = 0;
  // Batches in flight: a lean reader (one of many inputs open at once) decodes little ahead.
  const std::size_t window = static_cast<std::size_t>(threads) * (opt.lean ? 1 : 4);
  TextPool texts(window + static_cast<std::size_t>(threads));
  run_ordered<BatchOut>(
      jobs.size(), threads, window,
      [&](int worker, std::size_t i, BatchOut& out) {
        if (mode != Mode::kEvents) out.text = texts.take();
        run_job(*workers[static_cast<std::size_t>(worker)], files, jobs[i], opt, mode, out);
      },
      [&](std::size_t i, BatchOut& out) {
        const Job& job = jobs[i];
        if (job.first_chunk == 0) {
          for (const auto& d : files[job.file].header_diags) on_diag(d);
        }
        for (const auto& d : out.diags) on_diag(d);
        on_batch(out);
        if (mode != Mode::kEvents) texts.give(std::move(out.text));
        file_stats += out.stats;
        file_last_record = std::max(file_last_record, out.last_record);
        if (job.last_of_file) {
          if (files[job.file].ok) {
            check_promises(files[job.file], file_last_record, file_stats, on_diag);
          }
          on_file(files[job.file], file_stats);
          file_stats = {};
          file_last_record = 0;
        }
      });
}

}  // namespace

ReadStats& ReadStats::operator+=(const ReadStats& o) {
  chunks += o.chunks;
  chunks_empty += o.chunks_empty;
  chunks_bad += o.chunks_bad;
  chunks_crc_mismatch += o.chunks_crc_mismatch;
  records += o.records;
  records_filtered += o.records_filtered;
  records_skipped += o.records_skipped;
  records_over_limit += o.records_over_limit;
  records_carved += o.records_carved;
  records_hidden += o.records_hidden;
  chunks_missing += o.chunks_missing;
  bytes += o.bytes;
  return *this;
}

bool looks_like_evtx(const std::uint8_t* data, std::size_t size) {
  return size >= 8 && std::memcmp(data, "ElfFile\0", 8) == 0;
}

Result<ReadStats> read_events(const std::filesystem::path& file, const ReadOptions& options,
                              const std::function<void(RawEvent&&)>& on_event,
                              const std::function<void(const Diagnostic&)>& on_diagnostic) {
  std::vector<FileInfo> files{inspect(file)};
  if (!files[0].ok) return fail(ErrorCode::kIo, files[0].name + ": " + files[0].error);
  ReadStats total;
  drive(
      files, options, Mode::kEvents, on_diagnostic,
      [&](BatchOut& out) {
        for (auto& ev : out.events) on_event(std::move(ev));
      },
      [&](const FileInfo&, const ReadStats& s) { total = s; });
  return total;
}

ReadStats dump_files(const std::vector<std::filesystem::path>& paths, const DumpOptions& options,
                     const std::function<void(std::string_view)>& write,
                     const std::function<void(const Diagnostic&)>& on_diagnostic,
                     const std::function<void(const FileReport&)>& on_file) {
  std::vector<FileInfo> files;
  files.reserve(paths.size());
  for (const auto& p : paths) files.push_back(inspect(p));
  const Mode mode = options.format == RenderFormat::kXml ? Mode::kXml : Mode::kJson;
  if (mode == Mode::kXml) write("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<Events>\n");
  ReadStats total;
  std::size_t announced = SIZE_MAX;
  drive(
      files, options.read, mode, on_diagnostic,
      [&](BatchOut& out) {
        if (!out.text.empty()) write(out.text);
      },
      [&](const FileInfo& f, const ReadStats& s) {
        (void)announced;
        total += s;
        FileReport rep{f.name, s, f.ok, f.error};
        on_file(rep);
      });
  if (mode == Mode::kXml) write("</Events>\n");
  return total;
}

}  // namespace cmdsentry::evtx
