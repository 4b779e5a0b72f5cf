#pragma once
/// Replays the JPCERT/CC 2015 study's table rows as Security 4688 events (JSON lines), for tests
/// that check counting against the study (tests/unit/scan/jpcert_replay_test.cpp,
/// tests/unit/trend/). Each execution is delivered in one of three ways, so a replay also
/// exercises scan's counting rules:
///   0  its own process (builtins: `cmd /c ver`)
///   1  `cmd /c <command>` plus the child process (and net1.exe / quser.exe helpers) -> paired
///   2  batched three at a time into `cmd /c a & b & c` with no children -> on the shell's record

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "testing.h"

namespace cmdsentry::testing {

/// One row of jpcert-2015-tables.csv.
struct Row {
  std::string scope, phase;
  int rank = 0;
  std::string command;
  int count = 0;
  std::string options;
};

inline bool is_builtin(const std::string& c) {
  return c == "ver" || c == "dir" || c == "type" || c == "set" || c == "time";
}

/// Executable that runs `command` ("net view" -> net.exe, "tree" -> tree.com).
inline std::string image_of(const std::string& command) {
  std::string program = command.substr(0, command.find(' '));
  const bool com = program == "tree" || program == "chcp";
  return "C:\\Windows\\System32\\" + program + (com ? ".com" : ".exe");
}

/// The arguments of the k-th execution: switches all together ("/s /v"), verbs in turn
/// ("add export query" -> reg add, reg export, reg query), multi-word verbs whole.
inline std::string args_of(const Row& r, int k) {
  if (r.options.empty()) return {};
  std::vector<std::string> words;
  std::stringstream ss(r.options);
  for (std::string w; ss >> w;) words.push_back(w);
  const bool switches = words.front()[0] == '/' || words.front()[0] == '-';
  if (switches || r.command == "fsutil" || r.command == "query") return r.options;
  return words[static_cast<std::size_t>(k) % words.size()];
}

class Replay {
 public:
  std::string jsonl;

  void process(const std::string& host, const std::string& image, const std::string& line,
               std::uint32_t pid, std::uint32_t ppid, const std::string& parent_image) {
    ++second_;
    char time[64];
    std::snprintf(time, sizeof time, "2015-06-%02dT%02d:%02d:%02dZ", 1 + second_ / 86400,
                  second_ / 3600 % 24, second_ / 60 % 60, second_ % 60);
    const std::string t = time;
    char buf[1024];
    std::snprintf(
        buf, sizeof buf,
        "{\"Channel\":\"Security\",\"EventID\":4688,\"Computer\":\"%s\","
        "\"TimeCreated\":\"%s\",\"EventRecordID\":%u,\"SubjectUserName\":\"op\","
        "\"SubjectDomainName\":\"APT\",\"NewProcessId\":\"0x%x\",\"ProcessId\":\"0x%x\","
        "\"NewProcessName\":\"%s\",\"CommandLine\":\"%s\",\"ParentProcessName\":\"%s\"}\n",
        host.c_str(), t.c_str(), ++record_, pid, ppid, json_text(image).c_str(),
        json_text(line).c_str(), json_text(parent_image).c_str());
    jsonl += buf;
  }

  /// One execution of `command` with `args` on `host`, delivered by `mode`.
  void execute(const std::string& host, const std::string& command, const std::string& args,
               int mode) {
    const std::string line = args.empty() ? command : command + " " + args;
    const std::string cmd = "C:\\Windows\\System32\\cmd.exe";
    const std::string rat = "C:\\Users\\op\\AppData\\Local\\Temp\\rat.exe";
    if (mode == 2) {
      auto& batch = batches_[host];
      batch.push_back(line);
      if (batch.size() == 3) flush(host);
      return;
    }
    if (is_builtin(command)) {
      process(host, cmd, "cmd.exe /c " + line, next_pid(), kRatPid, rat);
      return;
    }
    if (mode == 0) {
      process(host, image_of(command), line, next_pid(), kRatPid, rat);
      return;
    }
    const std::uint32_t shell = next_pid();
    process(host, cmd, "cmd.exe /c " + line, shell, kRatPid, rat);
    const std::uint32_t child = next_pid();
    const std::string rest =
        line.substr(line.find(' ') == std::string::npos ? line.size() : line.find(' '));
    process(host, image_of(command), command.substr(0, command.find(' ')) + " " + rest, child,
            shell, cmd);
    if (command.starts_with("net ")) {
      process(host, "C:\\Windows\\System32\\net1.exe", "C:\\Windows\\system32\\net1 " + rest,
              next_pid(), child, image_of(command));
    } else if (command == "query") {
      process(host, "C:\\Windows\\System32\\quser.exe", "quser", next_pid(), child,
              image_of(command));
    }
  }

  void flush_all() {
    for (auto& [host, batch] : batches_) {
      if (!batch.empty()) flush(host);
    }
  }

 private:
  static constexpr std::uint32_t kRatPid = 0x900;

  std::uint32_t next_pid() { return pid_ += 4; }

  void flush(const std::string& host) {
    auto& batch = batches_[host];
    std::string line = "cmd.exe /c ";
    for (std::size_t i = 0; i < batch.size(); ++i) line += (i > 0 ? " & " : "") + batch[i];
    process(host, "C:\\Windows\\System32\\cmd.exe", line, next_pid(), kRatPid,
            "C:\\Users\\op\\AppData\\Local\\Temp\\rat.exe");
    batch.clear();
  }

  int second_ = 0;
  std::uint32_t record_ = 0;
  std::uint32_t pid_ = 0x1000;
  std::map<std::string, std::vector<std::string>> batches_;
};

/// The rows of ../shared/reference/jpcert-2015-tables.csv (empty when it is absent).
inline std::vector<Row> read_study_rows() {
  std::vector<Row> rows;
  std::ifstream in(testing::shared_reference() / "jpcert-2015-tables.csv");
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    std::vector<std::string> f;
    std::stringstream ss(line);
    std::string cell;
    while (std::getline(ss, cell, ',')) f.push_back(cell);
    if (f.size() == 5) f.emplace_back();
    if (f.size() != 6) continue;
    rows.push_back({f[0], f[1], std::stoi(f[2]), f[3], std::stoi(f[4]), f[5]});
  }
  return rows;
}

/// The executions of `groups`' rows, one host per group ("GRP-A"), interleaved round by round in
/// the CSV's row order so that every command's first execution comes in rank order (equal counts
/// rank by first sighting, as the study's ties read).
inline std::string replay_groups(const std::vector<Row>& rows,
                                 const std::vector<std::string>& groups) {
  Replay replay;
  int max_count = 0;
  for (const Row& r : rows) max_count = std::max(max_count, r.count);
  for (int k = 0; k < max_count; ++k) {
    for (const Row& r : rows) {
      if (k >= r.count || std::find(groups.begin(), groups.end(), r.scope) == groups.end())
        continue;
      replay.execute("GRP-" + r.scope, r.command, args_of(r, k), k == 0 ? 0 : k % 3);
    }
  }
  replay.flush_all();
  return replay.jsonl;
}

}  // namespace cmdsentry::testing
