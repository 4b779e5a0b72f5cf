#pragma once
/// Where a subcommand's main output goes (stdout or --output FILE), and its stderr messages.

#include <cstdio>
#include <string>
#include <string_view>

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
  /// Flushes; returns false when a write failed (disk full, closed pipe).
  bool close();

 private:
  std::FILE* file_ = nullptr;
  bool owned_ = false;
  bool failed_ = false;
};

/// Prints "cmdsentry: warning: <text>" to stderr, control characters made visible.
void warn(std::string_view text);
/// Prints "cmdsentry: error: <text>" to stderr.
void error(std::string_view text);
/// Prints a plain line to stderr.
void note(std::string_view text);

}  // namespace cmdsentry::cli
