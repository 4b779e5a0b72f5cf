// Ingestion throughput: synthetic JSON lines -> RawEvent -> ProcessEvent, single thread, input
// generated here (no data files). Reported as items_per_second = events per second per core
// (CPU time of the benchmark thread) and bytes_per_second = input bytes per second.
//   BM_ParseOnly<Layout>   memchr line split + simdjson::dom::parser on each line and nothing
//                          else: the library floor the other rows are compared with (a DOM
//                          parse: the On-Demand Winlogbeat reader does not build one)
//   BM_Read<Layout>        sources only (split + simdjson + dialect mapping)
//   BM_Normalize<Layout>   sources + normalize (what "normalized ingestion" means)
//   BM_Pipeline<Layout>    sources + normalize + merge (sort, dedup, net1 folding)
// Layouts, all the same 4688 executions with five commands rotating:
//   Winlogbeat       compact Winlogbeat 7+/ECS line (~670 bytes): the fields the security module
//                    moves to process.*, and part of winlog.event_data
//   WinlogbeatFull   the event as Winlogbeat 8 ships it with the security module (~3.3 KB): agent,
//                    ecs, log, ECS event/process/user/related, the whole winlog object and Windows'
//                    rendered `message` (shared/reference/windows-events.md 7.2)
//   EvtxDump         evtx_dump JSONL (XML-shaped event tree)
// CMDSENTRY_BENCH_EVENTS=N changes the number of lines (default 200000; use ~2000 under
// callgrind, e.g. --toggle-collect='*BM_Normalize*'). A layout is generated on first use, so a
// --benchmark_filter naming one layout keeps only that one in memory (bench/ingest_bench.sh).
#include <benchmark/benchmark.h>
#include <simdjson.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "cmdsentry/engine.h"
#include "events/normalize.h"
#include "sources/source.h"

namespace {

using namespace cmdsentry;

// One execution, as JSON text (escaped): image, its base name, command line and process.args.
struct Command {
  std::string_view exe;
  std::string_view name;
  std::string_view line;
  std::string_view args;
};

constexpr Command kCommands[] = {
    {R"(C:\\Windows\\System32\\net.exe)", "net.exe", R"(net  view \\\\fs01)",
     R"(["net","view","\\\\fs01"])"},
    {R"(C:\\Windows\\System32\\whoami.exe)", "whoami.exe", "whoami /all", R"(["whoami","/all"])"},
    {R"(C:\\Windows\\System32\\ipconfig.exe)", "ipconfig.exe", "ipconfig /all",
     R"(["ipconfig","/all"])"},
    {R"(C:\\Windows\\System32\\tasklist.exe)", "tasklist.exe", "tasklist /v",
     R"(["tasklist","/v"])"},
    {R"(C:\\Windows\\System32\\cmd.exe)", "cmd.exe", R"(cmd /c dir c:\\users)",
     R"(["cmd","/c","dir","c:\\users"])"},
};
constexpr int kCommandCount = sizeof kCommands / sizeof kCommands[0];

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
    out +=
        R"(.441Z","event":{"code":"4688","provider":"Microsoft-Windows-Security-Auditing","action":"created-process"},"host":{"name":"ws-fin-07"},"process":{"pid":)";
    out += std::to_string(pid);
    out += R"(,"executable":"C:\\Windows\\System32\\net.exe","command_line":")";
    out += kCommands[i % kCommandCount].line;
    out +=
        R"(","parent":{"executable":"C:\\Windows\\System32\\cmd.exe"}},"winlog":{"channel":"Security","event_id":"4688","record_id":")";
    out += std::to_string(100000 + i);
    out +=
        R"(","computer_name":"WS-FIN-07.corp.example","event_data":{"SubjectUserSid":"S-1-5-21-1111111111-2222222222-3333333333-1104","SubjectUserName":"jdoe","SubjectDomainName":"CORP","SubjectLogonId":"0x5c3a1f","ProcessId":"0x2214","TargetUserName":"-","MandatoryLabel":"S-1-16-8192"}}})";
    out += '\n';
  }
  return out;
}

// The same executions as Winlogbeat 8 ships them with the security module: keys in the order
// Beats writes them, the three renamed fields (NewProcessId, NewProcessName, ParentProcessName)
// gone from event_data, Subject* copied to user.*, and the rendered message before process and
// winlog, so a reader walks over its 1.7 KB to reach them.
std::string make_winlogbeat_full(int n) {
  std::string out;
  char hex[16];
  for (int i = 0; i < n; ++i) {
    const Command& c = kCommands[i % kCommandCount];
    const int pid = 1000 + i * 4;
    std::snprintf(hex, sizeof hex, "0x%x", pid);
    const std::string clock = clock_of(i);
    out += R"({"@timestamp":"2025-03-14T09:)";
    out += clock;
    out +=
        R"(.441Z","agent":{"ephemeral_id":"4c8e2b52-7c1d-4a8e-9f0e-2d5b3a6c7e11","id":"9a1f5c3e-2b7d-4e8a-b6c4-0d9e8f7a6b5c","name":"WS-FIN-07","type":"winlogbeat","version":"8.12.2"},"ecs":{"version":"8.0.0"},"event":{"action":"created-process","category":["process"],"code":"4688","created":"2025-03-14T09:)";
    out += clock;
    out +=
        R"(.902Z","kind":"event","module":"security","outcome":"success","provider":"Microsoft-Windows-Security-Auditing","type":["start"]},"host":{"name":"ws-fin-07"},"log":{"level":"information"},"message":"A new process has been created.\n\nCreator Subject:\n\tSecurity ID:\t\tS-1-5-21-1111111111-2222222222-3333333333-1104\n\tAccount Name:\t\tjdoe\n\tAccount Domain:\t\tCORP\n\tLogon ID:\t\t0x5C3A1F\n\nTarget Subject:\n\tSecurity ID:\t\tS-1-0-0\n\tAccount Name:\t\t-\n\tAccount Domain:\t\t-\n\tLogon ID:\t\t0x0\n\nProcess Information:\n\tNew Process ID:\t\t)";
    out += hex;
    out += R"(\n\tNew Process Name:\t)";
    out += c.exe;
    out +=
        R"(\n\tToken Elevation Type:\tTokenElevationTypeLimited (3)\n\tMandatory Label:\t\tS-1-16-8192\n\tCreator Process ID:\t0x2214\n\tCreator Process Name:\tC:\\Windows\\System32\\cmd.exe\n\tProcess Command Line:\t)";
    out += c.line;
    out +=
        R"(\n\nToken Elevation Type indicates the type of token that was assigned to the new process in accordance with User Account Control policy.\n\nType 1 is a full token with no privileges removed or groups disabled.  A full token is only used if User Account Control is disabled or if the user is the built-in Administrator account or a service account.\n\nType 2 is an elevated token with no privileges removed or groups disabled.  An elevated token is used when User Account Control is enabled and the user chooses to start the program using Run as administrator.  An elevated token is also used when an application is configured to always require administrative privilege or to always require maximum privilege, and the user is a member of the Administrators group.\n\nType 3 is a limited token with administrative privileges removed and administrative groups disabled.  The limited token is used when User Account Control is enabled, the application does not require administrative privilege, and the user does not choose to start the program using Run as administrator.","process":{"args":)";
    out += c.args;
    out += R"(,"command_line":")";
    out += c.line;
    out += R"(","executable":")";
    out += c.exe;
    out += R"(","name":")";
    out += c.name;
    out += R"(","parent":{"executable":"C:\\Windows\\System32\\cmd.exe","name":"cmd.exe"},"pid":)";
    out += std::to_string(pid);
    out +=
        R"(},"related":{"user":["jdoe"]},"user":{"domain":"CORP","id":"S-1-5-21-1111111111-2222222222-3333333333-1104","name":"jdoe"},"winlog":{"api":"wineventlog","channel":"Security","computer_name":"WS-FIN-07.corp.example","event_data":{"SubjectUserSid":"S-1-5-21-1111111111-2222222222-3333333333-1104","SubjectUserName":"jdoe","SubjectDomainName":"CORP","SubjectLogonId":"0x5c3a1f","TokenElevationType":"%%1938","ProcessId":"0x2214","CommandLine":")";
    out += c.line;
    out +=
        R"(","TargetUserSid":"S-1-0-0","TargetUserName":"-","TargetDomainName":"-","TargetLogonId":"0x0","MandatoryLabel":"S-1-16-8192"},"event_id":"4688","keywords":["Audit Success"],"logon":{"id":"0x5c3a1f"},"opcode":"Info","process":{"pid":4,"thread":{"id":7316}},"provider_guid":"{54849625-5478-4994-a5ba-3e3b0328c30d}","provider_name":"Microsoft-Windows-Security-Auditing","record_id":")";
    out += std::to_string(100000 + i);
    out += R"(","task":"Process Creation","version":2}})";
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
    out +=
        R"({"Event":{"#attributes":{"xmlns":"http://schemas.microsoft.com/win/2004/08/events/event"},"System":{"Provider":{"#attributes":{"Name":"Microsoft-Windows-Security-Auditing","Guid":"54849625-5478-4994-A5BA-3E3B0328C30D"}},"EventID":4688,"Version":2,"Level":0,"Task":13312,"Opcode":0,"Keywords":"0x8020000000000000","TimeCreated":{"#attributes":{"SystemTime":"2025-03-14T09:)";
    out += clock_of(i);
    out += R"(.441182Z"}},"EventRecordID":)";
    out += std::to_string(100000 + i);
    out +=
        R"(,"Correlation":null,"Execution":{"#attributes":{"ProcessID":4,"ThreadID":7316}},"Channel":"Security","Computer":"WS-FIN-07.corp.example","Security":null},"EventData":{"SubjectUserSid":"S-1-5-21-1111111111-2222222222-3333333333-1104","SubjectUserName":"jdoe","SubjectDomainName":"CORP","SubjectLogonId":"0x5c3a1f","NewProcessId":")";
    out += hex;
    out +=
        R"(","NewProcessName":"C:\\Windows\\System32\\net.exe","TokenElevationType":"%%1938","ProcessId":"0x2214","CommandLine":")";
    out += kCommands[i % kCommandCount].line;
    out +=
        R"(","TargetUserSid":"S-1-0-0","TargetUserName":"-","TargetDomainName":"-","TargetLogonId":"0x0","ParentProcessName":"C:\\Windows\\System32\\cmd.exe","MandatoryLabel":"S-1-16-8192"}}})";
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

const std::string& winlogbeat_full() {
  static const std::string s = make_winlogbeat_full(event_count());
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

// What the JSON lines reader cannot do without: find each line and let simdjson build its DOM
// (in place where SIMDJSON_PADDING bytes follow the line, as the reader does).
void parse_only(benchmark::State& state, const std::string& in) {
  simdjson::dom::parser parser;
  if (parser.allocate(64 * 1024) != simdjson::SUCCESS) {
    state.SkipWithError("simdjson: cannot allocate");
    return;
  }
  const char* const end = in.data() + in.size();
  std::uint64_t n = 0;
  for (auto _ : state) {
    const char* p = in.data();
    while (p < end) {
      const char* nl = static_cast<const char*>(std::memchr(p, '\n', end - p));
      const char* stop = nl != nullptr ? nl : end;
      const auto len = static_cast<std::size_t>(stop - p);
      const bool padded = static_cast<std::size_t>(end - stop) >= simdjson::SIMDJSON_PADDING;
      simdjson::dom::element root;
      if (len > 0 && parser.parse(p, len, !padded).get(root) == simdjson::SUCCESS) {
        benchmark::DoNotOptimize(root);
        ++n;
      }
      if (nl == nullptr) break;
      p = nl + 1;
    }
  }
  report(state, n, in);
}

void read_only(benchmark::State& state, const std::string& in) {
  std::uint64_t n = 0;
  for (auto _ : state) {
    sources::SourceSink sink;
    sink.on_event = [&](RawEvent&& e) {
      benchmark::DoNotOptimize(e.event_id);
      ++n;
    };
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
    // The streaming engine without analysis, as `cmdsentry events` runs it; the sink counts.
    EngineOptions o;
    o.analyze = false;
    Engine engine(o);
    struct Count final : Sink {
      [[nodiscard]] bool wants_events() const override { return true; }
      void on_event(const Event&) override { ++events; }
      std::uint64_t events = 0;
    } sink;
    engine.add_sink(sink);
    const RunReport r = engine.run(std::vector<BufferInput>{{"bench.jsonl", in}});
    n += r.read.records;
    benchmark::DoNotOptimize(sink.events);
  }
  report(state, n, in);
}

// Inputs are generated before timing starts.
void BM_ParseOnlyWinlogbeat(benchmark::State& s) { parse_only(s, winlogbeat()); }
void BM_ReadWinlogbeat(benchmark::State& s) { read_only(s, winlogbeat()); }
void BM_NormalizeWinlogbeat(benchmark::State& s) { read_normalize(s, winlogbeat()); }
void BM_PipelineWinlogbeat(benchmark::State& s) { pipeline(s, winlogbeat()); }
void BM_ParseOnlyWinlogbeatFull(benchmark::State& s) { parse_only(s, winlogbeat_full()); }
void BM_ReadWinlogbeatFull(benchmark::State& s) { read_only(s, winlogbeat_full()); }
void BM_NormalizeWinlogbeatFull(benchmark::State& s) { read_normalize(s, winlogbeat_full()); }
void BM_PipelineWinlogbeatFull(benchmark::State& s) { pipeline(s, winlogbeat_full()); }
void BM_ParseOnlyEvtxDump(benchmark::State& s) { parse_only(s, evtx_dump()); }
void BM_ReadEvtxDump(benchmark::State& s) { read_only(s, evtx_dump()); }
void BM_NormalizeEvtxDump(benchmark::State& s) { read_normalize(s, evtx_dump()); }
void BM_PipelineEvtxDump(benchmark::State& s) { pipeline(s, evtx_dump()); }

}  // namespace

BENCHMARK(BM_ParseOnlyWinlogbeat)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ReadWinlogbeat)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_NormalizeWinlogbeat)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_PipelineWinlogbeat)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ParseOnlyWinlogbeatFull)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ReadWinlogbeatFull)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_NormalizeWinlogbeatFull)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_PipelineWinlogbeatFull)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ParseOnlyEvtxDump)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ReadEvtxDump)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_NormalizeEvtxDump)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_PipelineEvtxDump)->Unit(benchmark::kMillisecond);
