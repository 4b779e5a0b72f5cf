#include "cli/progress.h"

#include <cstdio>

#include <fmt/format.h>

#include "cli/output.h"
#include "core/time.h"

namespace cmdsentry::cli {

std::string grouped(std::uint64_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string progress_text(std::uint64_t events, std::uint64_t findings, std::uint64_t event_time,
                          double seconds) {
  std::string at;
  if (event_time != 0) {
    append_filetime_iso(at, event_time, 0);
    at = at.substr(0, 16);
    if (at.size() > 10) at[10] = ' ';
  }
  const auto rate =
      seconds > 0 ? static_cast<std::uint64_t>(static_cast<double>(events) / seconds) : 0;
  return fmt::format("cmdsentry: {} executions ({}/s), {} findings{}, {:.1f} s", grouped(events),
                     grouped(rate), grouped(findings), at.empty() ? "" : ", event time " + at,
                     seconds);
}

void ProgressLine::start(const EngineProgress& progress,
                         const std::atomic<std::uint64_t>& findings) {
  thread_ = std::thread([this, &progress, &findings] {
    const auto t0 = std::chrono::steady_clock::now();
    std::unique_lock lock(mu_);
    // Nothing for the first second: a short run shows no line at all.
    if (cv_.wait_for(lock, std::chrono::seconds(1), [&] { return stop_; })) return;
    do {
      const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      draw_progress(progress_text(progress.events.load(std::memory_order_relaxed),
                                  findings.load(std::memory_order_relaxed),
                                  progress.event_time.load(std::memory_order_relaxed), s));
    } while (!cv_.wait_for(lock, std::chrono::milliseconds(250), [&] { return stop_; }));
  });
}

void ProgressLine::stop() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
  draw_progress({});
}

}  // namespace cmdsentry::cli
