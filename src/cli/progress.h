#pragma once
/// The progress line on stderr during a long scan: executions merged, their rate, findings so
/// far, the event time reached and the elapsed time, redrawn in place every 250 ms from the
/// first second on. Only on a terminal (the CLI decides: stderr a TTY, not --quiet, output not
/// on that terminal); other stderr messages clear the line first (cli/output.h).

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

#include "cmdsentry/engine.h"

namespace cmdsentry::cli {

/// "12,345" (thousands separated by commas).
[[nodiscard]] std::string grouped(std::uint64_t n);

/// The line, without control characters: "cmdsentry: 12,345 executions (6,172/s), 59 findings,
/// event time 2026-03-02 13:12, 2.0 s".
[[nodiscard]] std::string progress_text(std::uint64_t events, std::uint64_t findings,
                                        std::uint64_t event_time, double seconds);

/// Draws the line on its own thread while a run goes.
class ProgressLine {
 public:
  ProgressLine() = default;
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;
  ~ProgressLine() { stop(); }
  /// Starts drawing from `progress` (and `findings`, counted by the caller).
  void start(const EngineProgress& progress, const std::atomic<std::uint64_t>& findings);
  /// Stops and clears the line.
  void stop();

 private:
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
};

}  // namespace cmdsentry::cli
