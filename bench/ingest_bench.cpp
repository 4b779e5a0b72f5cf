// Ingestion throughput: synthetic Winlogbeat (ECS) JSON lines -> RawEvent -> ProcessEvent.
// Single thread, input generated here (no data files). Reported as items/s = events per second.
//   BM_ReadWinlogbeat        sources only (split + simdjson + dialect mapping)
//   BM_NormalizeWinlogbeat   sources + normalize (what "normalized ingestion" means)
//   BM_PipelineWinlogbeat    sources + normalize + merge (sort, dedup, net1 folding)
#include <benchmark/benchmark.h>

#include <string>

#include "events/normalize.h"
#include "events/pipeline.h"
#include "sources/source.h"

namespace {

using namespace cmdsentry;

// A compact but realistic Winlogbeat 4688 line (security module: fields moved to process.*).
std::string make_input(int n) {
  std::string out;
  const char* commands[] = {"net  view \\\\\\\\fs01", "whoami /all", "ipconfig /all",
                            "tasklist /v", "cmd /c dir c:\\\\users"};
  for (int i = 0; i < n; ++i) {
    const int pid = 1000 + i * 4;
    out += R"({"@timestamp":"2025-03-14T09:)";
    out += std::to_string(10 + (i / 60000) % 50);
    out += ":";
    const int sec = (i / 1000) % 60;
    out += sec < 10 ? "0" : "";
    out += std::to_string(sec);
    out += R"(.441Z","event":{"code":"4688","provider":"Microsoft-Windows-Security-Auditing","action":"created-process"},"host":{"name":"ws-fin-07"},"process":{"pid":)";
    out += std::to_string(pid);
    out += R"(,"executable":"C:\\Windows\\System32\\net.exe","command_line":")";
    out += commands[i % 5];
    out += R"(","parent":{"executable":"C:\\Windows\\System32\\cmd.exe"}},"winlog":{"channel":"Security","event_id":"4688","record_id":")";
    out += std::to_string(100000 + i);
    out += R"(","computer_name":"WS-FIN-07.corp.example","event_data":{"SubjectUserSid":"S-1-5-21-1111111111-2222222222-3333333333-1104","SubjectUserName":"jdoe","SubjectDomainName":"CORP","SubjectLogonId":"0x5c3a1f","ProcessId":"0x2214","TargetUserName":"-","MandatoryLabel":"S-1-16-8192"}}})";
    out += '\n';
  }
  return out;
}

constexpr int kEvents = 200000;

const std::string& input() {
  static const std::string s = make_input(kEvents);
  return s;
}

void BM_ReadWinlogbeat(benchmark::State& state) {
  const std::string& in = input();  // generated before timing starts
  std::uint64_t n = 0;
  for (auto _ : state) {
    sources::SourceSink sink;
    sink.on_event = [&](RawEvent&& e) { benchmark::DoNotOptimize(e.event_id); ++n; };
    auto stats = sources::read_buffer("bench.jsonl", in, sources::SourceOptions{}, sink);
    benchmark::DoNotOptimize(stats);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(n));
  state.SetBytesProcessed(static_cast<std::int64_t>(in.size()) * state.iterations());
}

void BM_NormalizeWinlogbeat(benchmark::State& state) {
  const std::string& in = input();  // generated before timing starts
  std::uint64_t n = 0;
  for (auto _ : state) {
    sources::SourceSink sink;
    sink.on_event = [&](RawEvent&& e) {
      Event ev = events::normalize(std::move(e));
      benchmark::DoNotOptimize(ev);
      ++n;
    };
    auto stats = sources::read_buffer("bench.jsonl", in, sources::SourceOptions{}, sink);
    benchmark::DoNotOptimize(stats);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(n));
  state.SetBytesProcessed(static_cast<std::int64_t>(in.size()) * state.iterations());
}

void BM_PipelineWinlogbeat(benchmark::State& state) {
  const std::string& in = input();  // generated before timing starts
  std::uint64_t n = 0;
  for (auto _ : state) {
    auto r = events::run_pipeline_buffer("bench.jsonl", in, events::PipelineOptions{},
                                         [](const sources::SourceDiagnostic&) {});
    n += r.stats.read.records;
    benchmark::DoNotOptimize(r.events.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(n));
  state.SetBytesProcessed(static_cast<std::int64_t>(in.size()) * state.iterations());
}

}  // namespace

BENCHMARK(BM_ReadWinlogbeat)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_NormalizeWinlogbeat)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_PipelineWinlogbeat)->Unit(benchmark::kMillisecond);
