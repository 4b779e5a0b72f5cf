#include "cli/output.h"

#include <csignal>
#include <mutex>

#include <fmt/format.h>

#include <cerrno>
#include <cstring>

#include <sys/stat.h>
#include <unistd.h>

#include "core/text_escape.h"

namespace cmdsentry::cli {

Output::~Output() { close(); }

bool Output::open(const std::string& path, std::string& error) {
  if (path.empty() || path == "-") {
    file_ = stdout;
    owned_ = false;
  } else {
    file_ = std::fopen(path.c_str(), "wb");
    if (file_ == nullptr) {
      error = path + ": " + std::strerror(errno);
      return false;
    }
    owned_ = true;
  }
  // Each Output has its own buffer: scan writes its findings and the HTML report at once.
  if (!buffer_) buffer_ = std::make_unique<char[]>(kBufferBytes);
  std::setvbuf(file_, buffer_.get(), _IOFBF, kBufferBytes);
  return true;
}

void Output::write(std::string_view text) {
  if (file_ == nullptr || failed_) return;
  if (text.size() < (1u << 16)) {
    if (std::fwrite(text.data(), 1, text.size(), file_) != text.size()) failed_ = true;
    return;
  }
  // Large blocks (a batch of rendered chunks) go straight to the descriptor: no copy through
  // the stdio buffer.
  if (std::fflush(file_) != 0) {
    failed_ = true;
    return;
  }
  const int fd = fileno(file_);
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      failed_ = true;
      return;
    }
    done += static_cast<std::size_t>(n);
  }
}

bool Output::close() {
  if (file_ == nullptr) return !failed_;
  if (std::fflush(file_) != 0) failed_ = true;
  if (owned_ && std::fclose(file_) != 0) failed_ = true;
  file_ = nullptr;
  return !failed_;
}

bool open_output(Output& out, const std::string& path, bool force, std::string& error) {
  if (!force && !path.empty() && path != "-") {
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode)) {
      error = path + ": exists; not overwritten (use --force to overwrite it)";
      return false;
    }
  }
  return out.open(path, error);
}

namespace {

std::mutex g_stderr_mu;
bool g_progress_shown = false;

/// Writes one message to stderr, clearing a progress line first.
void to_stderr(const std::string& text) {
  std::lock_guard lock(g_stderr_mu);
  if (g_progress_shown) {
    std::fputs("\r\x1b[K", stderr);
    g_progress_shown = false;
  }
  std::fwrite(text.data(), 1, text.size(), stderr);
}

}  // namespace

void draw_progress(const std::string& line) {
  std::lock_guard lock(g_stderr_mu);
  std::fputs("\r\x1b[K", stderr);
  std::fputs(terminal_safe(line).c_str(), stderr);
  std::fflush(stderr);
  g_progress_shown = !line.empty();
}

void warn(std::string_view text) { to_stderr("cmdsentry: warning: " + terminal_safe(text) + "\n"); }

void error(std::string_view text) { to_stderr("cmdsentry: error: " + terminal_safe(text) + "\n"); }

void note(std::string_view text) { to_stderr(terminal_safe(text) + "\n"); }

void print_diagnostic(const Diagnostic& d, bool quiet, const std::string& format) {
  if (quiet && d.severity == DiagnosticSeverity::kNote) return;
  std::string line = format == "json" ? render_json(d) : render_text(d);
  line += '\n';
  std::fflush(stdout);
  to_stderr(line);
}

namespace {
std::atomic<bool> g_stop{false};
extern "C" void on_stop_signal(int) { g_stop.store(true); }
}  // namespace

const std::atomic<bool>* stop_on_signals() {
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: a blocked read returns EINTR and sees the flag
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  return &g_stop;
}

std::string read_counts(const sources::SourceStats& s) {
  return fmt::format(
      "{} file(s) read ({} not event logs, {} unreadable{}), {} records, {} skipped ({} "
      "malformed, {} over a limit)",
      s.files, s.files_unrecognized, s.files_failed,
      s.files_empty > 0 ? fmt::format(", {} empty", s.files_empty) : std::string(), s.records,
      s.skipped, s.skipped - s.skipped_over_limit, s.skipped_over_limit);
}

std::string engine_counts(const RunReport& r) {
  std::string s = fmt::format(
      "cmdsentry: engine: {} input(s); {} execution records -> {} executions ({} duplicate "
      "copies, {} same process in several logs, {} net1 helpers folded); {} late, {} "
      "clock-corrected",
      r.inputs, r.executions, r.merge.executions_out, r.merge.copies_merged,
      r.merge.same_process_merged, r.merge.helpers_folded, r.late, r.clock_corrected);
  if (r.reorder_forced > 0)
    s += fmt::format(", {} released early (reorder window full)", r.reorder_forced);
  if (r.held_forced > 0)
    s += fmt::format(", {} decided early (pairing window full)", r.held_forced);
  if (r.idle_flushes > 0) s += fmt::format(", {} idle flushes", r.idle_flushes);
  s += fmt::format("; {} warning(s), {} error(s)", r.warnings, r.errors);
  return s;
}

void Output::flush() {
  if (file_ != nullptr && std::fflush(file_) != 0) failed_ = true;
}

}  // namespace cmdsentry::cli
