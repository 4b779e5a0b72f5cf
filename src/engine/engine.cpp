// Engine::run: producers (one thread per open input: read, decode, normalize) feed bounded
// queues; the engine thread merges the inputs by event time (k-way over each input's next
// event), puts local disorder back in order through the reorder window, and pushes events
// through the merge stage, the execution stage, the detectors and the sinks. Design and
// constants: docs/decisions/0004-streaming-engine.md.
#include "cmdsentry/engine.h"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <queue>
#include <thread>
#include <unordered_set>
#include <utility>
#include <variant>

#include <fmt/format.h>

#include "core/ordered_pool.h"
#include "engine/executions.h"
#include "events/merge.h"
#include "events/normalize.h"

namespace cmdsentry {
namespace {

/// Events (or diagnostics) a producer hands over at once when few inputs are open; a live input
/// hands over each at once.
constexpr std::size_t kBatch = 256;
/// Smallest batch: below it the hand-over (a lock and a wake-up) costs more than the events.
constexpr std::size_t kMinBatch = 16;
/// Batches queued per input before its producer waits, when few inputs are open.
constexpr std::size_t kQueueBatches = 4;
/// Events in flight over all open inputs: each input has one batch being filled, its queued
/// batches and one batch being merged. An event with its raw record is 1-3 KB, so this keeps
/// the inputs' share of memory near 5-20 MiB however many are open: with many inputs each
/// queues fewer batches, down to one, and then smaller ones, down to kMinBatch.
constexpr std::size_t kQueuedEvents = 2 * kQueueBatches * kBatch;
/// Most inputs of one folder opened together beyond EngineOptions::max_open_inputs.
constexpr std::size_t kMaxGroup = 64;
/// How often silent live inputs are polled once what was held has been written.
constexpr std::chrono::milliseconds kLivePoll{50};

using Item = std::variant<Event, sources::SourceDiagnostic>;

Diagnostic from_source(const sources::SourceDiagnostic& d) {
  Diagnostic out;
  out.severity = d.severity == sources::Severity::kError     ? DiagnosticSeverity::kError
                 : d.severity == sources::Severity::kWarning ? DiagnosticSeverity::kWarning
                                                             : DiagnosticSeverity::kNote;
  out.code = !d.code.empty()                           ? d.code
             : d.severity == sources::Severity::kInfo  ? "not-a-log"
             : d.severity == sources::Severity::kError ? "unreadable"
                                                       : "skipped";
  out.where.file = d.file;
  out.where.line = d.line;
  out.where.offset = d.offset;
  out.where.chunk = d.chunk;
  out.where.record = d.record;
  out.message = d.message;
  return out;
}

/// A warning of the engine's own.
Diagnostic warning(std::string code, std::string message) {
  Diagnostic d;
  d.severity = DiagnosticSeverity::kWarning;
  d.code = std::move(code);
  d.message = std::move(message);
  return d;
}

/// Takes a Sysmon event's time from its record when UtcTime disagrees by a clock offset.
bool correct_clock(ProcessEvent& p) {
  if (!p.has(EvidenceKind::kSysmon1) ||
      p.kinds != static_cast<std::uint8_t>(EvidenceKind::kSysmon1)) {
    return false;
  }
  const RawEvent* r = p.evidence.empty() ? nullptr : p.evidence.front().get();
  if (r == nullptr || r->time_created == 0 || p.time == 0) return false;
  const std::int64_t d =
      static_cast<std::int64_t>(r->time_created) - static_cast<std::int64_t>(p.time);
  if (static_cast<std::uint64_t>(d < 0 ? -d : d) < kClockOffsetThreshold) return false;
  p.clock_offset = d;
  p.time = r->time_created;
  return true;
}

/// The Detector::interests() bit that covers a non-execution event.
std::uint8_t interest_of(const Event& e) {
  if (std::holds_alternative<LogonEvent>(e)) return kInterestLogons;
  if (std::holds_alternative<ProcessExitEvent>(e)) return kInterestExits;
  return kInterestOther;
}

/// One input read on its own thread into a bounded queue.
class Producer {
 public:
  /// With keep_other and `filter_detectors` set, a non-execution event is kept only when one
  /// of those detectors covers it (interests()) and its RecordFilter (made on this thread), if
  /// it has one, wants it.
  Producer(std::string name, const BufferInput* buffer, bool live, sources::SourceOptions options,
           bool keep_other, const std::vector<Detector*>* filter_detectors,
           std::size_t queue_batches, std::size_t batch)
      : name_(std::move(name)),
        buffer_(buffer),
        live_(live),
        options_(std::move(options)),
        keep_other_(keep_other),
        filter_detectors_(filter_detectors),
        queue_batches_(queue_batches),
        batch_(batch) {}
  ~Producer() {
    {
      std::lock_guard lock(mu_);
      cancelled_ = true;
    }
    space_.notify_all();
    if (thread_.joinable()) thread_.join();
  }
  void start() {
    thread_ = std::thread([this] { run(); });
  }

  /// Next batch: true with `out` filled, false at the end. With a timeout, returns true with
  /// an empty batch when nothing came in time.
  bool pop(std::vector<Item>& out, std::chrono::milliseconds timeout, bool wait_forever) {
    std::unique_lock lock(mu_);
    auto ready = [&] { return !queue_.empty() || done_; };
    if (wait_forever) {
      ready_.wait(lock, ready);
    } else if (!ready_.wait_for(lock, timeout, ready)) {
      out.clear();
      return true;
    }
    if (queue_.empty()) return false;
    out = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();
    space_.notify_one();
    return true;
  }

  [[nodiscard]] bool live() const { return live_; }
  // Counts, read after the producer ended.
  sources::SourceStats stats;
  std::uint64_t executions = 0, other = 0, not_executions = 0, clock_corrected = 0;

 private:
  void push(std::vector<Item>&& batch) {
    std::unique_lock lock(mu_);
    space_.wait(lock, [&] { return queue_.size() < queue_batches_ || cancelled_; });
    if (cancelled_) return;
    queue_.push_back(std::move(batch));
    lock.unlock();
    ready_.notify_one();
  }

  void run() {
    name_this_thread("cs-read");
    std::vector<Item> batch;
    const std::size_t limit = live_ ? 1 : batch_;
    // The detectors' filters, made on this thread (each keeps its own scratch state).
    std::vector<std::pair<std::uint8_t, std::unique_ptr<RecordFilter>>> filters;
    if (filter_detectors_ != nullptr) {
      for (const Detector* d : *filter_detectors_) {
        if (d->interests() != 0) filters.emplace_back(d->interests(), d->record_filter());
      }
    }
    auto wanted = [&](const Event& e) {
      if (filter_detectors_ == nullptr) return true;
      const RawEvent* raw = events::raw_of(e);
      if (raw == nullptr) return true;
      const std::uint8_t bit = interest_of(e);
      return std::any_of(filters.begin(), filters.end(), [&](const auto& f) {
        return (f.first & bit) != 0 && (f.second == nullptr || f.second->wants(*raw));
      });
    };
    auto hand_over = [&] {
      if (batch.size() >= limit) {
        push(std::move(batch));
        batch = {};
        batch.reserve(limit);
      }
    };
    sources::SourceSink sink;
    sink.on_event = [&](RawEvent&& raw) {
      Event e = events::normalize(std::move(raw));
      if (auto* p = std::get_if<ProcessEvent>(&e)) {
        ++executions;
        if (correct_clock(*p)) ++clock_corrected;
      } else if (!keep_other_ || !wanted(e)) {
        ++not_executions;
        return;
      } else {
        ++other;
      }
      batch.emplace_back(std::move(e));
      hand_over();
    };
    sink.on_diagnostic = [&](const sources::SourceDiagnostic& d) {
      batch.emplace_back(d);
      hand_over();
    };
    if (buffer_ != nullptr) {
      stats = sources::read_buffer(buffer_->name, buffer_->data, options_, sink);
    } else {
      stats = sources::read_paths({name_}, options_, sink);
    }
    if (!batch.empty()) push(std::move(batch));
    {
      std::lock_guard lock(mu_);
      done_ = true;
    }
    ready_.notify_all();
  }

  std::string name_;
  const BufferInput* buffer_;
  bool live_;
  sources::SourceOptions options_;
  bool keep_other_;
  const std::vector<Detector*>* filter_detectors_;
  std::size_t queue_batches_;
  std::size_t batch_;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable ready_, space_;
  std::deque<std::vector<Item>> queue_;
  bool done_ = false;
  bool cancelled_ = false;
};

/// What the detectors' prematchers found for one execution, by detector index. Move-only
/// (declared so: a vector of unique_ptr would claim to be copyable, and the work queue's
/// vectors would then try to copy it).
struct Prematches {
  Prematches() = default;
  Prematches(Prematches&&) noexcept = default;
  Prematches& operator=(Prematches&&) noexcept = default;
  Prematches(const Prematches&) = delete;
  Prematches& operator=(const Prematches&) = delete;
  ~Prematches() = default;
  std::vector<std::unique_ptr<Prematched>> by_detector;
};

/// The detectors and sinks on a thread of their own: the engine thread (reorder, merge, pairing,
/// analysis) hands over final executions, final other events and flush marks in order, in
/// batches, through a bounded queue; one consumer keeps that order, so output is the same as
/// inline. With one thread (`-t 1`) everything runs inline on the engine thread.
class DetectThread {
 public:
  struct Flush {};
  /// An execution with its own copy of the host key (AnalyzedEvent::host views the pairing
  /// stage's copy, which is gone once the execution is final).
  struct Execution {
    AnalyzedEvent event;
    std::string host;
    /// Per detector: what its prematcher found, or null.
    Prematches prematched;
  };
  using Work = std::variant<Execution, Event, Flush>;
  /// `prepare` runs on each batch before `handle` takes its items in order (the prematchers).
  DetectThread(std::function<void(std::vector<Work>&)> prepare, std::function<void(Work&&)> handle)
      : prepare_(std::move(prepare)), handle_(std::move(handle)) {
    batch_.reserve(kWorkBatch);
    thread_ = std::thread([this] { run(); });
  }
  ~DetectThread() { finish(); }
  DetectThread(const DetectThread&) = delete;
  DetectThread& operator=(const DetectThread&) = delete;

  void push(Work&& w) {
    batch_.push_back(std::move(w));
    if (batch_.size() >= kWorkBatch) hand_over();
  }
  /// Hands over what is batched (a flush mark does, so live output is not held back).
  void hand_over() {
    if (batch_.empty()) return;
    std::unique_lock lock(mu_);
    space_.wait(lock, [&] { return queue_.size() < kWorkQueued || failed_; });
    if (!failed_) queue_.push_back(std::move(batch_));
    lock.unlock();
    ready_.notify_one();
    batch_ = std::vector<Work>();
    batch_.reserve(kWorkBatch);
  }
  /// Waits until everything handed over is done; rethrows what the thread threw.
  void finish() {
    if (!thread_.joinable()) return;
    hand_over();
    {
      std::lock_guard lock(mu_);
      done_ = true;
    }
    ready_.notify_one();
    thread_.join();
    if (error_) std::rethrow_exception(std::exchange(error_, nullptr));
  }

 private:
  /// Works handed over at once, and batches queued before the engine thread waits: about as
  /// many executions in flight as the pairing stage's analysis batch.
  static constexpr std::size_t kWorkBatch = 256;
  static constexpr std::size_t kWorkQueued = 4;

  void run() {
    name_this_thread("cs-detect");
    for (;;) {
      std::vector<Work> work;
      {
        std::unique_lock lock(mu_);
        ready_.wait(lock, [&] { return !queue_.empty() || done_; });
        if (queue_.empty()) return;
        work = std::move(queue_.front());
        queue_.pop_front();
      }
      space_.notify_one();
      try {
        if (prepare_) prepare_(work);
        for (Work& w : work) handle_(std::move(w));
      } catch (...) {
        std::lock_guard lock(mu_);
        error_ = std::current_exception();
        failed_ = true;
        queue_.clear();
        space_.notify_all();
        return;
      }
    }
  }

  std::function<void(std::vector<Work>&)> prepare_;
  std::function<void(Work&&)> handle_;
  std::vector<Work> batch_;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable ready_, space_;
  std::deque<std::vector<Work>> queue_;
  bool done_ = false;
  bool failed_ = false;
  std::exception_ptr error_;
};

/// An event in the reorder window: its place in the heap (small, cheap to move) and the slot
/// its event waits in (an Event is ~300 bytes: the heap's log n moves per push and pop would
/// each move one).
struct Held {
  std::uint64_t time;
  std::uint64_t seq;
  std::uint32_t slot;
  std::uint32_t bytes;  ///< events::footprint of the event, capped
  bool operator>(const Held& o) const { return time != o.time ? time > o.time : seq > o.seq; }
};

/// The whole run: inputs -> order -> merge -> executions -> detectors -> sinks.
class Run {
 public:
  Run(const EngineOptions& o, const std::vector<Detector*>& detectors,
      const std::vector<Sink*>& sinks, const DiagnosticHandler& on_diag)
      : o_(o),
        detectors_(detectors),
        sinks_(sinks),
        on_diag_(on_diag),
        merger_([this](Event&& e) { merged(std::move(e)); }),
        stage_(o.max_held,
               engine::StageOutput{[this](AnalyzedEvent&& ae) { execution(std::move(ae)); },
                                   [this](Event&& e) { other(std::move(e)); }},
               resolve_threads(o.threads)) {
    for (Sink* s : sinks_) wants_events_ = wants_events_ || s->wants_events();
    for (Detector* d : detectors_) interests_ |= d->interests();
  }
  ~Run() {
    // An exception is on its way: stop the detect thread without rethrowing its own.
    if (detect_) {
      try {
        detect_->finish();
      } catch (...) {
      }
    }
  }

  RunReport go(std::vector<std::string> names, const std::vector<BufferInput>* buffers) {
    for (Sink* s : sinks_) s->begin();
    if (o_.analyze && resolve_threads(o_.threads) > 1) {
      std::function<void(std::vector<DetectThread::Work>&)> prepare;
      for (std::size_t i = 0; i < detectors_.size(); ++i) {
        if (auto p = detectors_[i]->prematcher()) {
          prematch_.push_back({i, {}});
          prematch_.back().per_worker.push_back(std::move(p));
        }
      }
      if (!prematch_.empty()) {
        prepare = [this](std::vector<DetectThread::Work>& work) { prematch(work); };
      }
      detect_ = std::make_unique<DetectThread>(std::move(prepare), [this](DetectThread::Work&& w) {
        if (auto* x = std::get_if<DetectThread::Execution>(&w)) {
          x->event.host = x->host;
          detect_execution(std::move(x->event), std::move(x->prematched));
        } else if (auto* e = std::get_if<Event>(&w)) {
          detect_other(std::move(*e));
        } else {
          for (Sink* s : sinks_) s->flush();
        }
      });
    }
    const bool keep_other = o_.all_events || interests_ != 0;
    // Only detectors want other events: keep those their RecordFilters want (on the reader
    // threads), so that a few Sigma rules over logons do not make every event of the input
    // wait in the reorder window and the pairing stage.
    const std::vector<Detector*>* filter_detectors =
        !o_.all_events && interests_ != 0 ? &detectors_ : nullptr;
    const std::size_t n = names.size();
    // Followed inputs never end by themselves: all of them are open at once.
    const std::size_t open_cap = o_.follow != nullptr
                                     ? std::max<std::size_t>(1, n)
                                     : std::max<std::size_t>(1, o_.max_open_inputs);
    const int threads = resolve_threads(o_.threads);
    const int per_input =
        std::max(1, threads / static_cast<int>(std::max<std::size_t>(1, std::min(n, open_cap))));
    const std::size_t concurrent = std::max<std::size_t>(1, std::min(n, open_cap));
    const std::size_t queue_batches =
        std::clamp<std::size_t>(kQueuedEvents / kBatch / concurrent, 1, kQueueBatches);
    const std::size_t batch = std::clamp<std::size_t>(
        kQueuedEvents / concurrent / (queue_batches + 2), kMinBatch, kBatch);
    sources::SourceOptions so;
    so.threads = per_input;
    so.carve = o_.carve;
    // More inputs open than threads: each decodes only a little ahead of what the merge takes.
    so.lean = concurrent > static_cast<std::size_t>(threads);
    so.follow = o_.follow;
    if (!keep_other) so.event_ids = events::execution_event_ids();

    struct Open {
      std::unique_ptr<Producer> p;
      std::vector<Item> batch;
      std::size_t pos = 0;
      bool idle = false;  ///< live and silent past the idle timeout: polled without waiting
    };
    std::vector<Open> open;
    std::size_t next_input = 0;
    // Inputs open by folder: the files of one folder (a host's Security.evtx and its Sysmon
    // log, in the layouts collection tools write) are opened together, even past open_cap (up
    // to kMaxGroup more), so that the copies of one process in them are held at the same time
    // and merge. Inputs opened one after another would be merged only while the first one's
    // events were still held, and holding them all is what made memory grow with the input.
    auto folder = [&](std::size_t i) {
      const std::string& s = names[i];
      const std::size_t slash = s.find_last_of("/\\");
      return std::string_view(s).substr(0, slash == std::string::npos ? 0 : slash);
    };
    std::size_t group_end = 0;  // inputs before it belong to a group already being opened
    auto open_more = [&] {
      while ((open.size() < open_cap || next_input < group_end) && next_input < n) {
        if (next_input >= group_end) {
          group_end = next_input + 1;
          while (group_end < n && group_end - next_input < kMaxGroup &&
                 folder(group_end) == folder(next_input)) {
            ++group_end;
          }
        }
        const std::size_t i = next_input++;
        const BufferInput* b = buffers != nullptr ? &(*buffers)[i] : nullptr;
        const bool live = b == nullptr && (sources::is_live_input(names[i]) ||
                                           (o_.follow != nullptr && names[i] != "-"));
        Open op;
        op.p = std::make_unique<Producer>(names[i], b, live, so, keep_other, filter_detectors,
                                          queue_batches, batch);
        op.p->start();
        open.push_back(std::move(op));
        report_.inputs++;
      }
    };
    auto finish_input = [&](Producer& p) {
      report_.read += p.stats;
      report_.executions += p.executions;
      report_.other += p.other;
      report_.not_executions += p.not_executions;
      report_.clock_corrected += p.clock_corrected;
    };

    open_more();
    // Live inputs (pipes, followed files) may stay silent for any time. One that has nothing
    // within the idle timeout is passed over (`idle`) while other inputs have events, and looked
    // at again without waiting; its later events are ordered by the reorder window or counted as
    // late. When every open input is live and silent, what is held is decided and written once
    // (an idle flush) and the inputs are polled until one delivers or ends.
    bool flushed_idle = true;
    for (;;) {
      bool any = false;
      for (std::size_t k = 0; k < open.size();) {
        Open& op = open[k];
        if (op.pos < op.batch.size()) {
          any = true;
          ++k;
          continue;
        }
        op.batch.clear();
        op.pos = 0;
        const bool live = op.p->live();
        const std::chrono::milliseconds wait =
            !live || op.idle ? std::chrono::milliseconds(0) : o_.idle_flush;
        const bool got = op.p->pop(op.batch, wait, !live);
        if (!got) {
          finish_input(*op.p);
          open.erase(open.begin() + static_cast<std::ptrdiff_t>(k));
          open_more();
          continue;
        }
        if (op.batch.empty()) {
          op.idle = true;
          ++k;
          continue;
        }
        op.idle = false;
        flushed_idle = false;
        any = true;
        ++k;
      }
      if (open.empty()) break;
      if (!any) {
        if (!flushed_idle) {
          flush_all();
          report_.idle_flushes++;
          flushed_idle = true;
        }
        std::this_thread::sleep_for(kLivePoll);
        continue;
      }
      std::size_t best = open.size();
      std::uint64_t best_time = 0;
      for (std::size_t k = 0; k < open.size(); ++k) {
        if (open[k].pos >= open[k].batch.size()) continue;  // idle live input
        Item& it = open[k].batch[open[k].pos];
        if (auto* d = std::get_if<sources::SourceDiagnostic>(&it)) {
          diagnose(from_source(*d));
          open[k].pos++;
          best = open.size() + 1;  // look again: this input needs its next item
          break;
        }
        const std::uint64_t t = events::event_time(std::get<Event>(it));
        if (best == open.size() || t < best_time) {
          best = k;
          best_time = t;
        }
      }
      if (best >= open.size()) continue;
      Open& op = open[best];
      reorder(std::move(std::get<Event>(op.batch[op.pos])), best_time);
      op.pos++;
      if (o_.progress != nullptr) {
        o_.progress->events.fetch_add(1, std::memory_order_relaxed);
        o_.progress->event_time.store(best_time, std::memory_order_relaxed);
      }
      if (op.p->live() && op.pos == op.batch.size()) flushed_idle = false;
    }
    flush_all();
    if (detect_) detect_->finish();
    report_.matches += detected_matches_;
    report_.findings += detected_findings_;

    report_.merge = merger_.stats();
    stage_.add_counts(report_);
    for (Detector* d : detectors_) d->counters(report_.detector_counters);
    if (report_.late > 0) {
      diagnose(
          warning("late-events",
                  fmt::format("{} event(s) arrived later than the reorder window ({} s) allows; "
                              "they were processed, merged where their partners were still held",
                              report_.late, o_.reorder_window / kTicksPerSecond)));
    }
    if (report_.held_forced > 0) {
      diagnose(warning("window-full",
                       fmt::format("{} event(s) were decided before their pairing window closed "
                                   "(more than {} executions or {} MiB of events held at once)",
                                   report_.held_forced, o_.max_held, engine::kMaxHeldBytes >> 20)));
    }
    for (Sink* s : sinks_) s->finish(report_);
    return report_;
  }

 private:
  void diagnose(const Diagnostic& d) {
    switch (d.severity) {
      case DiagnosticSeverity::kNote:
        report_.notes++;
        break;
      case DiagnosticSeverity::kWarning:
        report_.warnings++;
        break;
      case DiagnosticSeverity::kError:
        report_.errors++;
        break;
    }
    if (on_diag_) on_diag_(d);
  }

  void reorder(Event&& e, std::uint64_t t) {
    if (const auto* p = std::get_if<ProcessEvent>(&e); p != nullptr && p->clock_offset != 0) {
      const std::string host = events::host_key(p->host());
      if (offset_hosts_.insert(host).second) {
        const std::int64_t off = p->clock_offset;
        const std::uint64_t mins =
            static_cast<std::uint64_t>(off < 0 ? -off : off) / (60 * kTicksPerSecond);
        Diagnostic d = warning(
            "clock-offset",
            fmt::format("host {}: Sysmon UtcTime is {}h{:02}m {} the record time; the record time "
                        "is used for its events so they merge with the host's other logs",
                        host, mins / 60, mins % 60, off > 0 ? "behind" : "ahead of"));
        if (const SourceRef* src = p->source()) {
          d.where.file = src->file.str();
          d.where.record = src->record_id;
        }
        diagnose(d);
      }
    }
    if (t < released_) {
      report_.late++;
      merger_.add(std::move(e));
      return;
    }
    max_time_ = std::max(max_time_, t);
    std::uint32_t slot = 0;
    if (free_slots_.empty()) {
      slot = static_cast<std::uint32_t>(slots_.size());
      slots_.push_back(std::move(e));
    } else {
      slot = free_slots_.back();
      free_slots_.pop_back();
      slots_[slot] = std::move(e);
    }
    const auto bytes = static_cast<std::uint32_t>(
        std::min<std::size_t>(events::footprint(slots_[slot]), UINT32_MAX));
    window_.push(Held{t, seq_++, slot, bytes});
    window_bytes_ += bytes;
    while (!window_.empty() &&
           (window_.top().time + o_.reorder_window <= max_time_ ||
            window_.size() > o_.max_reorder || window_bytes_ > o_.max_reorder_bytes)) {
      if (window_.top().time + o_.reorder_window > max_time_) report_.reorder_forced++;
      release_one();
    }
  }

  void release_one() {
    const Held h = window_.top();
    window_.pop();
    window_bytes_ -= h.bytes;
    released_ = std::max(released_, h.time);
    Event e = std::move(slots_[h.slot]);
    free_slots_.push_back(h.slot);
    merger_.add(std::move(e));
  }

  void flush_all() {
    while (!window_.empty()) release_one();
    merger_.flush();
    if (o_.analyze) stage_.flush();
    if (detect_) {
      detect_->push(DetectThread::Flush{});
      detect_->hand_over();
      return;
    }
    for (Sink* s : sinks_) s->flush();
  }

  /// Out of the merge stage: to the execution stage, or (without analysis) to the event sinks.
  void merged(Event&& e) {
    if (o_.analyze) {
      stage_.add(std::move(e));
      return;
    }
    if (!wants_events_ || (!o_.all_events && !std::holds_alternative<ProcessEvent>(e))) return;
    for (Sink* s : sinks_) {
      if (s->wants_events()) s->on_event(e);
    }
  }

  /// A final non-execution event, in order with the executions.
  void other(Event&& e) {
    if (detect_) {
      detect_->push(std::move(e));
      return;
    }
    detect_other(std::move(e));
  }

  /// A final execution: detectors, then findings to the sinks.
  void execution(AnalyzedEvent&& ae) {
    if (detect_) {
      std::string host(ae.host);
      detect_->push(DetectThread::Execution{std::move(ae), std::move(host)});
      return;
    }
    detect_execution(std::move(ae));
  }

  // On the detect thread (or inline): only these touch detectors, sinks, matches_, findings_
  // and the detected_ counters while the run goes on.
  void detect_other(Event&& e) {
    const std::uint8_t bit = interest_of(e);
    const std::uint64_t t = events::event_time(e);
    for (Detector* d : detectors_) {
      if ((d->interests() & bit) == 0) continue;
      d->on_time(t);
      d->on_event(e, matches_);
    }
    detected_matches_ += matches_.size();
    findings_.clear();
    engine::assemble_event_findings(e, matches_, findings_);
    detected_findings_ += findings_.size();
    for (Sink* s : sinks_) {
      if (o_.all_events && s->wants_events()) s->on_event(e);
      for (const Finding& f : findings_) s->on_finding(f);
    }
  }

  /// The detectors' prematchers over the executions of one detect batch, on the detect thread
  /// and workers (fork-join, in slices of kPrematchSlice executions); each worker id keeps its
  /// own prematcher of each detector across batches.
  void prematch(std::vector<DetectThread::Work>& work) {
    std::vector<DetectThread::Execution*> xs;
    for (DetectThread::Work& w : work) {
      if (auto* x = std::get_if<DetectThread::Execution>(&w)) {
        x->event.host = x->host;
        x->prematched.by_detector.resize(detectors_.size());
        xs.push_back(x);
      }
    }
    if (xs.empty()) return;
    const std::size_t slices = (xs.size() + kPrematchSlice - 1) / kPrematchSlice;
    const int threads = static_cast<int>(
        std::min<std::size_t>(slices, static_cast<std::size_t>(resolve_threads(o_.threads))));
    for (Prematch& p : prematch_) {
      while (p.per_worker.size() < static_cast<std::size_t>(threads)) {
        p.per_worker.push_back(detectors_[p.detector]->prematcher());
      }
    }
    struct SliceDone {
      bool done = true;  // run_ordered hands a value on per slice; the work is in `xs`
    };
    run_ordered<SliceDone>(
        slices, threads, slices,
        [&](int worker, std::size_t slice, SliceDone&) {
          const std::size_t end = std::min(xs.size(), (slice + 1) * kPrematchSlice);
          for (std::size_t i = slice * kPrematchSlice; i < end; ++i) {
            for (Prematch& p : prematch_) {
              xs[i]->prematched.by_detector[p.detector] =
                  p.per_worker[static_cast<std::size_t>(worker)]->prematch(xs[i]->event);
            }
          }
        },
        [](std::size_t, SliceDone&) {});
  }

  void detect_execution(AnalyzedEvent&& ae, Prematches&& pre = {}) {
    auto& prematched = pre.by_detector;
    const std::uint64_t t = ae.process->time;
    for (std::size_t i = 0; i < detectors_.size(); ++i) {
      Detector* d = detectors_[i];
      d->on_time(t);
      if (i < prematched.size() && prematched[i] != nullptr) {
        d->on_execution_prematched(ae, std::move(prematched[i]), matches_);
      } else {
        d->on_execution(ae, matches_);
      }
    }
    detected_matches_ += matches_.size();
    findings_.clear();
    engine::assemble_findings(ae, matches_, findings_);
    detected_findings_ += findings_.size();
    for (Sink* s : sinks_) {
      if (s->wants_events()) {
        const Event e{*ae.process};
        s->on_event(e);
      }
      for (const Finding& f : findings_) s->on_finding(f);
    }
  }

  const EngineOptions& o_;
  const std::vector<Detector*>& detectors_;
  const std::vector<Sink*>& sinks_;
  const DiagnosticHandler& on_diag_;
  RunReport report_;
  bool wants_events_ = false;
  std::uint8_t interests_ = 0;
  events::StreamMerger merger_;
  engine::ExecutionStage stage_;
  std::priority_queue<Held, std::vector<Held>, std::greater<>> window_;
  std::size_t window_bytes_ = 0;           ///< sum of the held events' Held::bytes
  std::vector<Event> slots_;               ///< the window's events, by Held::slot
  std::vector<std::uint32_t> free_slots_;  ///< slots of released events, for reuse
  std::uint64_t seq_ = 0;
  std::uint64_t released_ = 0;
  std::uint64_t max_time_ = 0;
  std::unordered_set<std::string> offset_hosts_;
  /// Executions prematched per slice of a detect batch (a batch is 256 work items).
  static constexpr std::size_t kPrematchSlice = 32;
  /// A detector with a prematcher, and its prematchers by detect worker id.
  struct Prematch {
    std::size_t detector;
    std::vector<std::unique_ptr<Prematcher>> per_worker;
  };
  std::vector<Prematch> prematch_;
  std::vector<Match> matches_;
  std::vector<Finding> findings_;
  std::uint64_t detected_matches_ = 0;
  std::uint64_t detected_findings_ = 0;
  /// Last member: destroyed (joined) first, while what its thread uses still exists.
  std::unique_ptr<DetectThread> detect_;
};

}  // namespace

RunReport Engine::run(const std::vector<std::string>& paths) {
  Run run(options_, detectors_, sinks_, on_diagnostic_);
  std::vector<std::string> inputs =
      sources::expand_inputs(paths, [&](const sources::SourceDiagnostic& d) {
        if (on_diagnostic_) on_diagnostic_(from_source(d));
      });
  return run.go(std::move(inputs), nullptr);
}

RunReport Engine::run(const std::vector<BufferInput>& buffers) {
  Run run(options_, detectors_, sinks_, on_diagnostic_);
  std::vector<std::string> names;
  for (const BufferInput& b : buffers) names.push_back(b.name);
  return run.go(std::move(names), &buffers);
}

}  // namespace cmdsentry
