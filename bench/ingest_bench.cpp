// Ingestion throughput: synthetic JSON lines -> RawEvent -> ProcessEvent, single thread, input
// generated here (no data files). Reported as items_per_second = events per second per core.
//   BM_Read<Layout>        sources only (split + simdjson + dialect mapping)
//   BM_Normalize<Layout>   sources + normalize (what "normalized ingestion" means)
//   BM_Pipeline<Layout>    sources + normalize + merge (sort, dedup, net1 folding)
// Layouts: Winlogbeat 7+/ECS (security module, fields moved to process.*) and evtx_dump JSONL.
// CMDSENTRY_BENCH_EVENTS=N changes the number of lines (default 200000; use ~2000 under
// callgrind, e.g. --toggle-collect='*BM_Normalize*').
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "events/normalize.h"
#include "events/pipeline.h"
#include "sources/source.h"

namespace {

using namespace cmdsentry;

const char* const kCommands[] = {"net  view \\\\\\\\fs01", "whoami /all", "ipconfig /all",
                                 "tasklist /v", "cmd /c dir c:\\\\users"};

// "09:MM:SS.441" advancing one second per 1000 events.
std::string clock_of(int i) {
  std::string s = std::to_string(10 + (i / 60000) % 50);
  s += ':';
  const int sec = (i / 1000) % 60;
  if (sec < 10) s += '0';
  s += std::to_string(sec);
  return s;
}

// A compact but realistic Winlogbeat 4688 line (security module: fields moved to process.*).
std::string make_winlogbeat(int n) {
  std::string out;
  for (int i = 0; i < n; ++i) {
    const int pid = 1000 + i * 4;
    out += R"({"@timestamp":"2025-03-14T09:)";
    out += clock_of(i);
    out += R"(.441Z","event":{"code":"4688","provider":"Microsoft-Windows-Security-Auditing","action":"created-process"},"host":{"name":"ws-fin-07"},"process":{"pid":)";
    out += std::to_string(pid);
    out += R"(,"executable":"C:\\Windows\\System32\\net.exe","command_line":")";
    out += kCommands[i % 5];
    out += R"(","parent":{"executable":"C:\\Windows\\System32\\cmd.exe"}},"winlog":{"channel":"Security","event_id":"4688","record_id":")";
    out += std::to_string(100000 + i);
    out += R"(","computer_name":"WS-FIN-07.corp.example","event_data":{"SubjectUserSid":"S-1-5-21-1111111111-2222222222-3333333333-1104","SubjectUserName":"jdoe","SubjectDomainName":"CORP","SubjectLogonId":"0x5c3a1f","ProcessId":"0x2214","TargetUserName":"-","MandatoryLabel":"S-1-16-8192"}}})";
    out += '\n';
  }
  return out;
}

// The same executions as evtx_dump writes them (XML-shaped event tree, one object per line).
std::string make_evtx_dump(int n) {
  std::string out;
  char hex[16];
  for (int i = 0; i < n; ++i) {
    std::snprintf(hex, sizeof hex, "0x%x", 1000 + i * 4);
    out += R"({"Event":{"#attributes":{"xmlns":"http://schemas.microsoft.com/win/2004/08/events/event"},"System":{"Provider":{"#attributes":{"Name":"Microsoft-Windows-Security-Auditing","Guid":"54849625-5478-4994-A5BA-3E3B0328C30D"}},"EventID":4688,"Version":2,"Level":0,"Task":13312,"Opcode":0,"Keywords":"0x8020000000000000","TimeCreated":{"#attributes":{"SystemTime":"2025-03-14T09:)";
    out += clock_of(i);
    out += R"(.441182Z"}},"EventRecordID":)";
    out += std::to_string(100000 + i);
    out += R"(,"Correlation":null,"Execution":{"#attributes":{"ProcessID":4,"ThreadID":7316}},"Channel":"Security","Computer":"WS-FIN-07.corp.example","Security":null},"EventData":{"SubjectUserSid":"S-1-5-21-1111111111-2222222222-3333333333-1104","SubjectUserName":"jdoe","SubjectDomainName":"CORP","SubjectLogonId":"0x5c3a1f","NewProcessId":")";
    out += hex;
    out += R"(","NewProcessName":"C:\\Windows\\System32\\net.exe","TokenElevationType":"%%1938","ProcessId":"0x2214","CommandLine":")";
    out += kCommands[i % 5];
    out += R"(","TargetUserSid":"S-1-0-0","TargetUserName":"-","TargetDomainName":"-","TargetLogonId":"0x0","ParentProcessName":"C:\\Windows\\System32\\cmd.exe","MandatoryLabel":"S-1-16-8192"}}})";
    out += '\n';
  }
  return out;
}

int event_count() {
  const char* env = std::getenv("CMDSENTRY_BENCH_EVENTS");
  const int n = env != nullptr ? std::atoi(env) : 0;
  return n > 0 ? n : 200000;
}

const std::string& winlogbeat() {
  static const std::string s = make_winlogbeat(event_count());
  return s;
}

const std::string& evtx_dump() {
  static const std::string s = make_evtx_dump(event_count());
  return s;
}

void report(benchmark::State& state, std::uint64_t events, const std::string& in) {
  state.SetItemsProcessed(static_cast<std::int64_t>(events));
  state.SetBytesProcessed(static_cast<std::int64_t>(in.size()) * state.iterations());
}

void read_only(benchmark::State& state, const std::string& in) {
  std::uint64_t n = 0;
  for (auto _ : state) {
    sources::SourceSink sink;
    sink.on_event = [&](RawEvent&& e) { benchmark::DoNotOptimize(e.event_id); ++n; };
    auto stats = sources::read_buffer("bench.jsonl", in, sources::SourceOptions{}, sink);
    benchmark::DoNotOptimize(stats);
  }
  report(state, n, in);
}

void read_normalize(benchmark::State& state, const std::string& in) {
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
  report(state, n, in);
}

void pipeline(benchmark::State& state, const std::string& in) {
  std::uint64_t n = 0;
  for (auto _ : state) {
    auto r = events::run_pipeline_buffer("bench.jsonl", in, events::PipelineOptions{},
                                         [](const sources::SourceDiagnostic&) {});
    n += r.stats.read.records;
    benchmark::DoNotOptimize(r.events.data());
  }
  report(state, n, in);
}

// Inputs are generated before timing starts.
void BM_ReadWinlogbeat(benchmark::State& s) { read_only(s, winlogbeat()); }
void BM_NormalizeWinlogbeat(benchmark::State& s) { read_normalize(s, winlogbeat()); }
void BM_PipelineWinlogbeat(benchmark::State& s) { pipeline(s, winlogbeat()); }
void BM_ReadEvtxDump(benchmark::State& s) { read_only(s, evtx_dump()); }
void BM_NormalizeEvtxDump(benchmark::State& s) { read_normalize(s, evtx_dump()); }
void BM_PipelineEvtxDump(benchmark::State& s) { pipeline(s, evtx_dump()); }

}  // namespace

BENCHMARK(BM_ReadWinlogbeat)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_NormalizeWinlogbeat)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_PipelineWinlogbeat)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ReadEvtxDump)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_NormalizeEvtxDump)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_PipelineEvtxDump)->Unit(benchmark::kMillisecond);
