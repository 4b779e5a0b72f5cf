#pragma once
/// Helpers of the baseline tests: flat Security 4688 lines, a temporary database path, and a
/// learn run through the engine as `cmdsentry baseline learn` does it.

#include <filesystem>
#include <string>
#include <vector>

#include "baseline/learner.h"
#include "baseline/store.h"
#include "cmdsentry/engine.h"
#include "kb/knowledge_base.h"
#include "testing.h"

namespace cmdsentry::baseline::test {

/// One user of the test organisation.
struct User {
  std::string sid;
  std::string name;  ///< without domain
};

inline const User kAdmin{"S-1-5-21-1-2-3-1104", "adm-ito"};
inline const User kStaff{"S-1-5-21-1-2-3-1201", "jmori"};

/// A Security 4688 JSON line on 2024-05-`day` at `at` ("HH:MM:SS"); its process id is
/// 1000 + 4 x `record`.
inline std::string exec_line(int day, const std::string& at, unsigned record, const User& user,
                             const std::string& image, const std::string& line,
                             const std::string& host = "WS01", unsigned ppid = 900) {
  const std::string d = day < 10 ? "0" + std::to_string(day) : std::to_string(day);
  return "{\"Channel\":\"Security\",\"EventID\":4688,\"Computer\":\"" + host +
         ".corp.example\",\"TimeCreated\":\"2024-05-" + d + "T" + at +
         ".000Z\",\"EventRecordID\":" + std::to_string(record) + ",\"SubjectUserSid\":\"" +
         user.sid + "\",\"SubjectDomainName\":\"CORP\",\"SubjectUserName\":\"" + user.name +
         "\",\"NewProcessId\":\"" + std::to_string(1000 + record * 4) + "\",\"ProcessId\":\"" +
         std::to_string(ppid) + "\",\"ParentProcessName\":\"C:\\\\Windows\\\\explorer.exe\"," +
         "\"NewProcessName\":\"" + testing::json_text(image) + "\",\"CommandLine\":\"" +
         testing::json_text(line) + "\"}\n";
}

inline const std::string kNet = "C:\\Windows\\System32\\net.exe";
inline const std::string kIpconfig = "C:\\Windows\\System32\\ipconfig.exe";
inline const std::string kWhoami = "C:\\Windows\\System32\\whoami.exe";

/// A fresh database path in the test's temporary directory.
inline std::string temp_db(const std::string& name) {
  const auto p = std::filesystem::temp_directory_path() / ("cmdsentry-baseline-" + name + ".db");
  std::filesystem::remove(p);
  return p.string();
}

/// The embedded knowledge base, loaded once.
inline const kb::KnowledgeBase& knowledge_base() {
  static const kb::LoadedKnowledgeBase kb = kb::load_knowledge_base();
  return kb.kb;
}

/// Learns `inputs` into `store`; the run's counts.
inline Result<LearnCounts> learn(Store& store, const std::vector<BufferInput>& inputs,
                                 LearnOptions options = {}) {
  EngineOptions eo;
  eo.threads = 1;
  Engine engine(eo);
  Learner learner(store, knowledge_base(), std::move(options));
  engine.add_detector(learner);
  (void)engine.run(inputs);
  return learner.finish();
}

}  // namespace cmdsentry::baseline::test
