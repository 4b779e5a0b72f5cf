// The streaming engine: pluggable detectors and sinks, inputs merged by time, record halves,
// Security and Sysmon in separate inputs, late events, clock offsets, a live pipe.
#include "cmdsentry/engine.h"

#include <gtest/gtest.h>

#include "testing.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <thread>

#include "kb/detector.h"

namespace cmdsentry {
namespace {

std::string esc(const std::string& s) { return testing::json_text(s); }

/// A flat Security 4688 line; `at` is "HH:MM:SS.mmm" on 2024-05-01.
std::string sec(const std::string& at, unsigned record, unsigned pid, unsigned ppid,
                const std::string& image, const std::string& line,
                const std::string& host = "WS01") {
  return "{\"Channel\":\"Security\",\"EventID\":4688,\"Computer\":\"" + host +
         "\",\"TimeCreated\":\"2024-05-01T" + at +
         "Z\",\"EventRecordID\":" + std::to_string(record) +
         ",\"SubjectUserName\":\"alice\",\"NewProcessId\":\"" + std::to_string(pid) +
         "\",\"ProcessId\":\"" + std::to_string(ppid) + "\",\"NewProcessName\":\"" + esc(image) +
         "\",\"CommandLine\":\"" + esc(line) + "\"}\n";
}

/// A flat Sysmon 1 line; `utc` is Sysmon's UtcTime ("2024-05-01 10:00:00.100").
std::string sysmon(const std::string& at, const std::string& utc, unsigned record, unsigned pid,
                   unsigned ppid, const std::string& image, const std::string& line,
                   const std::string& host = "WS01") {
  return "{\"Channel\":\"Microsoft-Windows-Sysmon/Operational\",\"EventID\":1,\"Computer\":\"" +
         host + "\",\"TimeCreated\":\"2024-05-01T" + at +
         "Z\",\"EventRecordID\":" + std::to_string(record) + ",\"UtcTime\":\"" + utc +
         "\",\"ProcessId\":" + std::to_string(pid) +
         ",\"ParentProcessId\":" + std::to_string(ppid) + ",\"Image\":\"" + esc(image) +
         "\",\"CommandLine\":\"" + esc(line) + "\",\"User\":\"CORP\\\\alice\"}\n";
}

const std::string kWhoami = "C:\\Windows\\System32\\whoami.exe";
const std::string kCmd = "C:\\Windows\\System32\\cmd.exe";

/// A detector written here: flags every whoami.exe, as engine sigma, and counts what it sees.
class WhoamiDetector final : public Detector {
 public:
  [[nodiscard]] std::string_view name() const override { return "test"; }
  [[nodiscard]] std::uint8_t interests() const override { return kInterestOther; }
  void on_execution(const AnalyzedEvent& e, std::vector<Match>& out) override {
    ++executions;
    if (e.process->image().ends_with("whoami.exe")) {
      Match m;
      m.engine = MatchEngine::kSigma;
      m.rule_id = "test-whoami";
      m.title = "whoami run";
      m.level = Level::kHigh;
      out.push_back(std::move(m));
    }
  }
  void on_event(const Event&, std::vector<Match>&) override { ++others; }
  int executions = 0;
  int others = 0;
};

/// A sink written here: keeps what it receives.
class Collect final : public Sink {
 public:
  void on_finding(const Finding& f) override {
    std::string line = std::string(f.command()) + "@" + std::to_string(f.process->pid);
    for (const Match& m : f.matches) line += std::string(" ") + std::string(to_string(m.engine));
    findings.push_back(line);
    count.fetch_add(1);
  }
  void finish(const RunReport&) override { finished = true; }
  std::vector<std::string> findings;
  std::atomic<int> count{0};
  bool finished = false;
};

const kb::KnowledgeBase& default_kb() {
  static const auto kKb = kb::load_knowledge_base();
  return kKb.kb;
}

struct Result {
  RunReport report;
  std::vector<std::string> findings;
  std::vector<Diagnostic> diagnostics;
};

Result run(const std::vector<BufferInput>& inputs, EngineOptions o = {}) {
  Engine engine(o);
  kb::KbDetector kb(default_kb());
  engine.add_detector(kb);
  Collect sink;
  engine.add_sink(sink);
  Result r;
  engine.on_diagnostic([&](const Diagnostic& d) { r.diagnostics.push_back(d); });
  r.report = engine.run(inputs);
  EXPECT_TRUE(sink.finished);
  r.findings = sink.findings;
  return r;
}

std::string chain_log() {
  return sec("10:00:00.100", 1, 400, 300, kCmd, "cmd.exe /c whoami /all & ver & ipconfig /all") +
         sec("10:00:00.200", 2, 404, 400, kWhoami, "whoami  /all") +
         sec("10:00:00.300", 3, 408, 400, "C:\\Windows\\System32\\ipconfig.exe", "ipconfig  /all") +
         sec("10:20:00.000", 4, 500, 300, "C:\\Windows\\System32\\tasklist.exe", "tasklist /v");
}

TEST(Engine, detector_and_sink_written_outside_plug_in) {
  Engine engine;
  WhoamiDetector det;
  kb::KbDetector kb(default_kb());
  engine.add_detector(kb);
  engine.add_detector(det);
  Collect sink;
  engine.add_sink(sink);
  const std::string log = chain_log();
  const RunReport r = engine.run(std::vector<BufferInput>{{"t.jsonl", log}});
  EXPECT_EQ(det.executions, 4);
  EXPECT_EQ(r.findings, 4u);  // whoami (kb + sigma), ver, ipconfig, tasklist
  ASSERT_EQ(sink.findings.size(), 4u);
  EXPECT_EQ(sink.findings[0], "ver@400 kb");
  EXPECT_EQ(sink.findings[1], "whoami@404 kb sigma");
  EXPECT_EQ(sink.findings[2], "ipconfig@408 kb");
  EXPECT_EQ(sink.findings[3], "tasklist@500 kb");
  EXPECT_EQ(r.paired, 2u);
  EXPECT_EQ(r.on_shell, 1u);
}

TEST(Engine, one_file_and_its_halves_give_the_same_findings) {
  const std::string log = chain_log();
  const std::size_t cut = log.find('\n', log.size() / 2) + 1;
  const Result whole = run({{"all.jsonl", log}});
  const Result halves = run({{"b.jsonl", std::string_view(log).substr(cut)},
                             {"a.jsonl", std::string_view(log).substr(0, cut)}});
  EXPECT_EQ(whole.findings, halves.findings);
  EXPECT_EQ(halves.report.inputs, 2u);
  EXPECT_EQ(halves.report.late, 0u);
}

TEST(Engine, security_and_sysmon_in_separate_inputs_merge) {
  const std::string security = sec("10:00:00.105", 11, 404, 400, kWhoami, "whoami /all") +
                               sec("10:00:05.000", 12, 410, 400, kWhoami, "whoami /priv");
  const std::string sys =
      sysmon("10:00:00.110", "2024-05-01 10:00:00.100", 21, 404, 400, kWhoami, "whoami /all") +
      sysmon("10:00:05.010", "2024-05-01 10:00:05.000", 22, 410, 400, kWhoami, "whoami /priv");
  const Result r = run({{"security.jsonl", security}, {"sysmon.jsonl", sys}});
  EXPECT_EQ(r.report.executions, 4u);
  EXPECT_EQ(r.report.merge.same_process_merged, 2u);
  EXPECT_EQ(r.report.merge.executions_out, 2u);
  EXPECT_EQ(r.findings.size(), 2u);
}

// More inputs than may be open at once: a folder's files (one host's Security and Sysmon logs)
// open together, so their copies of one process merge even when they are older than what an
// earlier folder delivered (they are late), and the late events are not held to the end.
TEST(Engine, a_folders_files_open_together_and_merge_when_late) {
  EngineOptions o;
  o.max_open_inputs = 1;
  const std::string newer = sec("12:00:00.000", 1, 900, 300, kWhoami, "whoami", "WS09") +
                            sec("12:30:00.000", 2, 904, 300, kWhoami, "whoami", "WS09");
  const std::string security = sec("10:00:00.105", 11, 404, 400, kWhoami, "whoami /all") +
                               sec("10:00:05.000", 12, 410, 400, kWhoami, "whoami /priv") +
                               sec("10:10:00.000", 13, 420, 400, kWhoami, "whoami /groups");
  const std::string sys =
      sysmon("10:00:00.110", "2024-05-01 10:00:00.100", 21, 404, 400, kWhoami, "whoami /all") +
      sysmon("10:00:05.010", "2024-05-01 10:00:05.000", 22, 410, 400, kWhoami, "whoami /priv");
  const Result r = run({{"logs/WS09/security.jsonl", newer},
                        {"logs/WS01/security.jsonl", security},
                        {"logs/WS01/sysmon.jsonl", sys}},
                       o);
  EXPECT_EQ(r.report.inputs, 3u);
  EXPECT_EQ(r.report.late, 5u);
  EXPECT_EQ(r.report.merge.same_process_merged, 2u);
  EXPECT_EQ(r.findings.size(), 5u);
}

TEST(Engine, a_late_inputs_shell_pairs_with_its_children_by_its_own_clock) {
  // The WS01 chain arrives after WS09's newer events (one input open at a time): all of it is
  // late. Its shell must still be paired with the children read after it, as on its own, and
  // its events must not count against the pairing cap of the current front.
  const Result alone = run({{"logs/WS01/security.jsonl", chain_log()}});
  EngineOptions o;
  o.max_open_inputs = 1;
  o.max_held = 3;
  // Hours of WS09 first, so the merge stage has released them and the pairing stage's clock
  // stands at 13:00 when the 10:00 chain comes.
  const std::string newer = sec("12:00:00.000", 1, 900, 300, kWhoami, "whoami", "WS09") +
                            sec("12:30:00.000", 2, 904, 300, kWhoami, "whoami", "WS09") +
                            sec("13:00:00.000", 3, 908, 300, kWhoami, "whoami", "WS09");
  const Result late =
      run({{"logs/WS09/security.jsonl", newer}, {"logs/WS01/security.jsonl", chain_log()}}, o);
  EXPECT_EQ(late.report.late, 4u);
  EXPECT_EQ(late.report.held_forced, 0u);
  std::vector<std::string> ws01;
  for (const std::string& f : late.findings) {
    if (f.find("@90") == std::string::npos) ws01.push_back(f);
  }
  std::vector<std::string> expected = alone.findings;
  std::sort(ws01.begin(), ws01.end());
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(ws01, expected);
  EXPECT_EQ(late.report.paired, alone.report.paired);
  EXPECT_GT(alone.report.paired, 0u);
}

TEST(Engine, detectors_on_their_own_thread_give_what_they_give_inline) {
  // With more than one thread the detectors and sinks run on a thread of their own, fed in
  // order; with one, inline. Same findings, same order, same counts.
  const std::string security = chain_log() + sec("10:30:00.000", 5, 600, 300, kWhoami, "whoami");
  const std::string sys =
      sysmon("10:00:00.110", "2024-05-01 10:00:00.100", 21, 404, 400, kWhoami, "whoami  /all");
  EngineOptions one;
  one.threads = 1;
  EngineOptions four;
  four.threads = 4;
  const Result a = run({{"s.jsonl", security}, {"y.jsonl", sys}}, one);
  const Result b = run({{"s.jsonl", security}, {"y.jsonl", sys}}, four);
  ASSERT_FALSE(a.findings.empty());
  EXPECT_EQ(a.findings, b.findings);
  EXPECT_EQ(a.report.findings, b.report.findings);
  EXPECT_EQ(a.report.matches, b.report.matches);
  EXPECT_EQ(a.report.findings, a.findings.size());
}

/// A detector written here whose matching runs ahead on the detect workers: its prematcher
/// flags whoami.exe; on_execution_prematched reports what it found, in order.
class PrematchingDetector final : public Detector {
 public:
  struct Found final : Prematched {
    bool whoami = false;
    std::thread::id thread;
  };
  class Ahead final : public Prematcher {
   public:
    explicit Ahead(std::atomic<int>& made) { made.fetch_add(1); }
    std::unique_ptr<Prematched> prematch(const AnalyzedEvent& e) override {
      auto f = std::make_unique<Found>();
      f->whoami = e.process->image().ends_with("whoami.exe");
      f->thread = std::this_thread::get_id();
      return f;
    }
  };
  [[nodiscard]] std::string_view name() const override { return "test"; }
  [[nodiscard]] std::unique_ptr<Prematcher> prematcher() const override {
    return std::make_unique<Ahead>(made);
  }
  void on_execution(const AnalyzedEvent& e, std::vector<Match>& out) override {
    ++inline_calls;
    if (e.process->image().ends_with("whoami.exe")) out.push_back(match());
  }
  void on_execution_prematched(const AnalyzedEvent& e, std::unique_ptr<Prematched> p,
                               std::vector<Match>& out) override {
    ++prematched_calls;
    const auto& f = dynamic_cast<const Found&>(*p);
    EXPECT_EQ(f.whoami, e.process->image().ends_with("whoami.exe"));
    threads.insert(f.thread);
    order.push_back(e.process->pid);
    if (f.whoami) out.push_back(match());
  }
  static Match match() {
    Match m;
    m.engine = MatchEngine::kSigma;
    m.rule_id = "test-whoami";
    m.title = "whoami run";
    return m;
  }
  mutable std::atomic<int> made{0};
  int inline_calls = 0;
  int prematched_calls = 0;
  std::set<std::thread::id> threads;
  std::vector<std::uint32_t> order;
};

TEST(Engine, prematchers_run_ahead_and_results_come_back_in_order) {
  // 300 executions (more than a detect batch) alternating whoami and ipconfig, in time order.
  std::string log;
  for (unsigned i = 0; i < 300; ++i) {
    const bool who = i % 2 == 0;
    char at[16];
    std::snprintf(at, sizeof at, "10:%02u:%02u.000", i / 60, i % 60);
    log += sec(at, i + 1, 1000 + i * 4, 300, who ? kWhoami : "C:\\Windows\\System32\\ipconfig.exe",
               who ? "whoami" : "ipconfig");
  }
  std::vector<std::uint32_t> expected;
  for (unsigned i = 0; i < 300; ++i) expected.push_back(1000 + i * 4);
  std::vector<std::string> findings_by_threads[2];
  for (int threads : {1, 2}) {
    Engine engine(EngineOptions{.threads = threads});
    PrematchingDetector det;
    engine.add_detector(det);
    Collect sink;
    engine.add_sink(sink);
    const RunReport r = engine.run(std::vector<BufferInput>{{"t.jsonl", log}});
    EXPECT_EQ(r.findings, 150u) << threads;
    findings_by_threads[threads - 1] = sink.findings;
    if (threads == 1) {  // inline: no prematcher
      EXPECT_EQ(det.inline_calls, 300);
      EXPECT_EQ(det.prematched_calls, 0);
    } else {
      EXPECT_EQ(det.inline_calls, 0);
      EXPECT_EQ(det.prematched_calls, 300);
      EXPECT_EQ(det.order, expected);  // in time order
      EXPECT_GE(det.made.load(), 1);
      EXPECT_LE(det.made.load(), 2);  // one per detect worker, kept across batches
    }
  }
  EXPECT_EQ(findings_by_threads[0], findings_by_threads[1]);
}

TEST(Engine, events_out_of_order_within_the_window_are_put_back) {
  const std::string log = sec("10:00:30.000", 2, 404, 400, kWhoami, "whoami /all") +
                          sec("10:00:00.000", 1, 400, 300, kWhoami, "whoami /priv");
  const Result r = run({{"t.jsonl", log}});
  EXPECT_EQ(r.report.late, 0u);
  ASSERT_EQ(r.findings.size(), 2u);
  EXPECT_EQ(r.findings[0], "whoami@400 kb");
}

TEST(Engine, late_events_are_counted_and_still_processed) {
  EngineOptions o;
  o.reorder_window = 1 * kTicksPerSecond;
  const std::string log = sec("11:00:00.000", 2, 404, 400, kWhoami, "whoami /all") +
                          sec("11:00:05.000", 3, 408, 400, kWhoami, "whoami /user") +
                          sec("10:00:00.000", 1, 400, 300, kWhoami, "whoami /priv");
  const Result r = run({{"t.jsonl", log}}, o);
  EXPECT_EQ(r.report.late, 1u);
  EXPECT_EQ(r.findings.size(), 3u);
  bool warned = false;
  for (const Diagnostic& d : r.diagnostics) warned = warned || d.code == "late-events";
  EXPECT_TRUE(warned);
}

TEST(Engine, clock_offset_is_reported_once_and_corrected_for_merging) {
  // NXLog-style: the record times are local (UTC+9) while Sysmon's UtcTime is UTC.
  const std::string security = sec("19:00:00.105", 11, 404, 400, kWhoami, "whoami /all") +
                               sec("19:00:09.105", 12, 408, 400, kWhoami, "whoami /priv");
  const std::string sys =
      sysmon("19:00:00.110", "2024-05-01 10:00:00.100", 21, 404, 400, kWhoami, "whoami /all") +
      sysmon("19:00:09.110", "2024-05-01 10:00:09.100", 22, 408, 400, kWhoami, "whoami /priv");
  const Result r = run({{"security.jsonl", security}, {"sysmon.jsonl", sys}});
  EXPECT_EQ(r.report.clock_corrected, 2u);
  EXPECT_EQ(r.report.merge.executions_out, 2u);
  EXPECT_EQ(r.findings.size(), 2u);
  int warnings = 0;
  for (const Diagnostic& d : r.diagnostics) {
    if (d.code == "clock-offset") {
      ++warnings;
      EXPECT_NE(d.message.find("host ws01"), std::string::npos) << d.message;
      EXPECT_NE(d.message.find("9h00m"), std::string::npos) << d.message;
    }
  }
  EXPECT_EQ(warnings, 1);
}

TEST(Engine, pairing_window_cap_decides_early_and_counts) {
  EngineOptions o;
  o.max_held = 2;
  const Result r = run({{"t.jsonl", chain_log()}}, o);
  EXPECT_GT(r.report.held_forced, 0u);
  EXPECT_FALSE(r.findings.empty());
}

/// A flat event that is not an execution: Security `id` on WS01.
std::string other_event(const std::string& at, unsigned record, unsigned id) {
  return "{\"Channel\":\"Security\",\"EventID\":" + std::to_string(id) +
         ",\"Computer\":\"WS01\",\"TimeCreated\":\"2024-05-01T" + at +
         "Z\",\"EventRecordID\":" + std::to_string(record) + ",\"TargetUserName\":\"bob\"}\n";
}

/// A detector written here that looks at other events and filters them where they are read:
/// it wants event id 4625 only. Counts what its filters were asked and what on_event saw.
class FailedLogonDetector final : public Detector {
 public:
  class Filter final : public RecordFilter {
   public:
    explicit Filter(std::atomic<int>& asked) : asked_(asked) {}
    bool wants(const RawEvent& r) override {
      asked_.fetch_add(1);
      return r.event_id == 4625;
    }

   private:
    std::atomic<int>& asked_;
  };
  [[nodiscard]] std::string_view name() const override { return "test"; }
  [[nodiscard]] std::uint8_t interests() const override { return kInterestOther; }
  [[nodiscard]] std::unique_ptr<RecordFilter> record_filter() const override {
    return std::make_unique<Filter>(asked);
  }
  void on_execution(const AnalyzedEvent&, std::vector<Match>&) override {}
  void on_event(const Event& e, std::vector<Match>&) override {
    const auto* other = std::get_if<OtherEvent>(&e);
    seen.push_back(other != nullptr && other->raw ? other->raw->event_id : 0);
  }
  mutable std::atomic<int> asked{0};
  std::vector<std::uint32_t> seen;
};

std::string mixed_log() {
  return other_event("10:00:00.000", 1, 4625) + other_event("10:00:01.000", 2, 4672) +
         sec("10:00:02.000", 3, 404, 400, kWhoami, "whoami /all") +
         other_event("10:00:03.000", 4, 4625) + other_event("10:00:04.000", 5, 5379);
}

/// mixed_log() through an engine with `detectors` only.
RunReport run_mixed(const std::vector<Detector*>& detectors, EngineOptions o = {}) {
  Engine engine(o);
  for (Detector* d : detectors) engine.add_detector(*d);
  const std::string log = mixed_log();
  return engine.run(std::vector<BufferInput>{{"t.jsonl", log}});
}

TEST(Engine, events_no_detector_filter_wants_are_dropped_where_read_and_counted) {
  for (int threads : {1, 2}) {
    FailedLogonDetector det;
    const RunReport r = run_mixed({&det}, EngineOptions{.threads = threads});
    EXPECT_EQ(det.asked.load(), 4) << threads;  // the four other events, not the execution
    EXPECT_EQ(det.seen, (std::vector<std::uint32_t>{4625, 4625})) << threads;
    EXPECT_EQ(r.other, 2u) << threads;
    EXPECT_EQ(r.not_executions, 2u) << threads;
    EXPECT_EQ(r.executions, 1u) << threads;
  }
}

TEST(Engine, a_detector_without_a_filter_gets_every_event_it_is_interested_in) {
  WhoamiDetector det;  // interests kInterestOther, no filter
  FailedLogonDetector filtered;
  const RunReport r = run_mixed({&det, &filtered});
  EXPECT_EQ(det.others, 4);
  // Kept for the other detector, the events its filter declined reach it too.
  EXPECT_EQ(filtered.seen, (std::vector<std::uint32_t>{4625, 4672, 4625, 5379}));
  EXPECT_EQ(r.other, 4u);
  EXPECT_EQ(r.not_executions, 0u);
}

TEST(Engine, all_events_keeps_what_no_filter_wants) {
  EngineOptions o;
  o.all_events = true;
  FailedLogonDetector det;
  const RunReport r = run_mixed({&det}, o);
  EXPECT_EQ(r.other, 4u);
  EXPECT_EQ(det.asked.load(), 0);  // no filter is asked when every event is kept
  EXPECT_EQ(det.seen, (std::vector<std::uint32_t>{4625, 4672, 4625, 5379}));
}

TEST(Engine, reorder_window_byte_budget_releases_early_and_counts) {
  // Three events within the 60 s window, out of order: with room for one event's bytes the
  // window releases early (counted), the late one is still processed.
  const std::string log = sec("10:00:20.000", 2, 404, 400, kWhoami, "whoami /all") +
                          sec("10:00:30.000", 3, 408, 400, kWhoami, "whoami /user") +
                          sec("10:00:00.000", 1, 400, 300, kWhoami, "whoami /priv");
  EngineOptions o;
  o.max_reorder_bytes = 1;
  const Result tight = run({{"t.jsonl", log}}, o);
  EXPECT_GT(tight.report.reorder_forced, 0u);
  EXPECT_EQ(tight.report.late, 1u);
  EXPECT_EQ(tight.findings.size(), 3u);
  const Result roomy = run({{"t.jsonl", log}});
  EXPECT_EQ(roomy.report.reorder_forced, 0u);
  EXPECT_EQ(roomy.report.late, 0u);
  EXPECT_EQ(roomy.findings.size(), 3u);
}

TEST(Engine, a_live_pipe_gives_results_before_it_closes) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  Engine engine;
  kb::KbDetector kb(default_kb());
  engine.add_detector(kb);
  Collect sink;
  engine.add_sink(sink);
  const std::string path = "/dev/fd/" + std::to_string(fds[0]);
  RunReport report;
  std::thread runner([&] { report = engine.run(std::vector<std::string>{path}); });
  const std::string line = sec("10:00:00.000", 1, 400, 300, kWhoami, "whoami /all");
  ASSERT_EQ(::write(fds[1], line.data(), line.size()), static_cast<ssize_t>(line.size()));
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (sink.count.load() == 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  const int before_close = sink.count.load();
  ::close(fds[1]);
  runner.join();
  ::close(fds[0]);
  EXPECT_EQ(before_close, 1) << "no finding before the input closed";
  EXPECT_GE(report.idle_flushes, 1u);
  EXPECT_EQ(report.findings, 1u);
}

TEST(Engine, followed_files_give_results_as_they_grow_even_when_one_stays_silent) {
  namespace fs = std::filesystem;
  const fs::path dir =
      fs::temp_directory_path() / ("cmdsentry_follow_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const std::string grows = (dir / "security.jsonl").string();
  const std::string silent = (dir / "sysmon.jsonl").string();
  std::ofstream(grows).close();
  std::ofstream(silent).close();
  std::atomic<bool> stop{false};
  EngineOptions o;
  o.follow = &stop;
  Engine engine(o);
  kb::KbDetector kb(default_kb());
  engine.add_detector(kb);
  Collect sink;
  engine.add_sink(sink);
  RunReport report;
  std::thread runner([&] { report = engine.run(std::vector<std::string>{grows, silent}); });
  auto wait_for = [&](int n) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
    while (sink.count.load() < n && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return sink.count.load();
  };
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // both inputs open and empty
  {
    std::ofstream out(grows, std::ios::app);
    out << sec("10:00:00.000", 1, 400, 300, kWhoami, "whoami /all") << std::flush;
  }
  const int first = wait_for(1);
  {
    std::ofstream out(grows, std::ios::app);
    out << sec("10:00:05.000", 2, 404, 300, "C:\\Windows\\System32\\ipconfig.exe", "ipconfig /all");
  }
  const int second = wait_for(2);
  stop.store(true);
  runner.join();
  fs::remove_all(dir);
  EXPECT_EQ(first, 1) << "no finding while the files were followed";
  EXPECT_EQ(second, 2) << "the appended line was not read";
  EXPECT_EQ(report.findings, 2u);
  EXPECT_EQ(report.inputs, 2u);
  EXPECT_GE(report.idle_flushes, 1u);
}

}  // namespace
}  // namespace cmdsentry
