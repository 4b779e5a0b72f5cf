// analyze() throughput on a mix of typical process command lines (plain programs, cmd.exe
// chains, obfuscated and encoded lines), with and without knowledge-base matching.
#include <benchmark/benchmark.h>

#include <array>
#include <string_view>

#include "cmdline/analyzer.h"
#include "kb/knowledge_base.h"

namespace {

using cmdsentry::cmdline::ProcessInput;

constexpr std::string_view kCmd = R"(C:\Windows\System32\cmd.exe)";

const std::array<ProcessInput, 12> kMix = {{
    {R"(C:\Windows\System32\svchost.exe)",
     R"(C:\Windows\system32\svchost.exe -k netsvcs -p -s Schedule)", "svchost.exe"},
    {R"(C:\Windows\System32\whoami.exe)", "whoami /all", "whoami.exe"},
    {R"(C:\Windows\System32\net.exe)",
     R"("C:\Windows\system32\net.exe" group "Domain Admins" /domain)", "net.exe"},
    {kCmd, "cmd.exe /c ver & ipconfig /all & net view & tasklist /v", "Cmd.Exe"},
    {kCmd,
     R"("C:\Windows\System32\cmd.exe" /Q /c whoami /all 1> \\127.0.0.1\ADMIN$\__1700000000.5 2>&1)",
     "Cmd.Exe"},
    {R"(C:\Program Files\Google\Chrome\Application\chrome.exe)",
     R"("C:\Program Files\Google\Chrome\Application\chrome.exe" --type=renderer --lang=en-US --field-trial-handle=1234,5678 /prefetch:1)",
     "chrome.exe"},
    {R"(C:\Windows\System32\rundll32.exe)",
     R"(C:\Windows\System32\rundll32.exe C:\Windows\System32\comsvcs.dll, MiniDump 624 C:\temp\l.dmp full)",
     "RUNDLL32.EXE"},
    {kCmd, "cmd /c n^e^t u^s^er /dom^ain", "Cmd.Exe"},
    {kCmd, "cmd /v:on /c \"set x=net user&&!x! /domain\"", "Cmd.Exe"},
    {R"(C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe)",
     "powershell -nop -w hidden -enc "
     "dwBoAG8AYQBtAGkAIAAvAGEAbABsADsAIABuAGUAdAAgAHUAcwBlAHIAIAAvAGQAbwBtAGEAaQBuAA==",
     "PowerShell.EXE"},
    {R"(C:\Windows\System32\wbem\WMIC.exe)",
     R"(wmic /node:dc01 process call create "cmd /c vssadmin create shadow /for=C:")", "wmic.exe"},
    {R"(C:\Windows\System32\schtasks.exe)",
     R"(schtasks /create /s dc01 /ru SYSTEM /tn upd /tr "cmd /c c:\temp\a.bat" /sc once /st 23:00)",
     "schtasks.exe"},
}};

void BM_Analyze(benchmark::State& state) {
  std::size_t i = 0, commands = 0;
  for (auto _ : state) {
    auto a = cmdsentry::cmdline::analyze(kMix[i++ % kMix.size()]);
    commands += a.commands.size();
    benchmark::DoNotOptimize(a);
  }
  state.counters["lines/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["commands/s"] =
      benchmark::Counter(static_cast<double>(commands), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Analyze);

void BM_AnalyzeAndMatch(benchmark::State& state) {
  static const auto loaded = cmdsentry::kb::load_knowledge_base();
  std::size_t i = 0, commands = 0;
  for (auto _ : state) {
    auto a = cmdsentry::cmdline::analyze(kMix[i++ % kMix.size()]);
    for (const auto& c : a.commands) benchmark::DoNotOptimize(loaded.kb.match(c));
    commands += a.commands.size();
  }
  state.counters["lines/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["commands/s"] =
      benchmark::Counter(static_cast<double>(commands), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_AnalyzeAndMatch);

void BM_LoadKnowledgeBase(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(cmdsentry::kb::load_knowledge_base());
}
BENCHMARK(BM_LoadKnowledgeBase)->Unit(benchmark::kMillisecond);

}  // namespace
