#pragma once
/// Where a subcommand's main output goes (stdout or --output FILE), and its stderr messages.

#include <atomic>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>

#include "cmdsentry/diagnostic.h"
#include "cmdsentry/engine.h"

namespace cmdsentry::cli {

/// A buffered output stream over stdout or a file.
class Output {
 public:
  Output() = default;
  ~Output();
  Output(const Output&) = delete;
  Output& operator=(const Output&) = delete;

  /// Opens `path` ("" or "-" = stdout). Returns false with a message on failure.
  bool open(const std::string& path, std::string& error);
  void write(std::string_view text);
  /// Hands buffered text to the file now (a live feed's results appear as they come).
  void flush();
  /// Flushes; returns false when a write failed (disk full, closed pipe).
  bool close();

 private:
  static constexpr std::size_t kBufferBytes = 1 << 20;
  std::FILE* file_ = nullptr;
  std::unique_ptr<char[]> buffer_;
  bool owned_ = false;
  bool failed_ = false;
};

/// Opens `path` for a command's output with Hayabusa's clobber rule: an existing regular file is
/// not overwritten unless `force` (devices and pipes, like /dev/null, are written as always).
/// "" or "-" is stdout.
[[nodiscard]] bool open_output(Output& out, const std::string& path, bool force,
                               std::string& error);

/// Draws `line` as the progress line on stderr (in place; empty: clears it). While one is
/// shown, warn/error/note/print_diagnostic clear it before they print, and the next draw puts it
/// back; all of them take one lock, so lines never mix.
void draw_progress(const std::string& line);

/// Prints "cmdsentry: warning: <text>" to stderr, control characters made visible.
void warn(std::string_view text);
/// Prints "cmdsentry: error: <text>" to stderr.
void error(std::string_view text);
/// Prints a plain line to stderr.
void note(std::string_view text);
/// Prints a diagnostic on stderr as text or JSON (`format` "text" | "json"); with `quiet`,
/// notes are not printed.
void print_diagnostic(const Diagnostic& d, bool quiet, const std::string& format);
/// What was read: "N file(s) read (X not event logs, Y unreadable[, Z empty]), R records, S
/// skipped (M malformed, L over a limit)".
[[nodiscard]] std::string read_counts(const sources::SourceStats& s);
/// For --follow: installs SIGINT/SIGTERM handlers that set the returned flag (the engine then
/// stops following, decides what it holds and ends the run normally), and returns it.
[[nodiscard]] const std::atomic<bool>* stop_on_signals();
/// The engine's own counts for the end-of-run line: merging, ordering, clock corrections.
[[nodiscard]] std::string engine_counts(const RunReport& r);

}  // namespace cmdsentry::cli
