/// cmdsentry-orgsim: same seed -> same bytes; every file it writes reads the same through
/// libevtx (evtxexport), python-evtx and cmdsentry's own decoder; labels point at the records
/// the intrusions produced. Organisations are tiny so the suite stays quick.

#include <gtest/gtest.h>

#include <unistd.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "orgsim/orgsim.h"
#include "testing.h"
#include "unit/evtx_writer/rendered_xml.h"

namespace cmdsentry::orgsim {
namespace {

namespace fs = std::filesystem;
namespace testing = ::cmdsentry::evtxgen::testing;

fs::path scratch(const std::string& name) {
  auto dir = fs::temp_directory_path() / ("cmdsentry_orgsim_" + std::to_string(getpid())) / name;
  fs::remove_all(dir);
  return dir;
}

Options small(const std::string& name, std::uint64_t seed = 7) {
  Options o;
  o.seed = seed;
  o.hosts = 3;
  o.users = 4;
  o.days = 1;
  o.intrusions = 2;
  o.out = scratch(name);
  o.tables = fs::path(CMDSENTRY_SHARED_REFERENCE) / "jpcert-2015-tables.csv";
  o.threads = 2;
  return o;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::map<std::string, std::string> tree(const fs::path& dir) {
  std::map<std::string, std::string> files;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) files[fs::relative(e.path(), dir).string()] = slurp(e.path());
  }
  return files;
}

std::vector<fs::path> evtx_files(const fs::path& dir) {
  std::vector<fs::path> v;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.path().extension() == ".evtx") v.push_back(e.path());
  }
  std::sort(v.begin(), v.end());
  return v;
}

class OrgSim : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists(fs::path(CMDSENTRY_SHARED_REFERENCE) / "jpcert-2015-tables.csv")) {
      GTEST_SKIP() << "../shared/reference/jpcert-2015-tables.csv is absent";
    }
  }
};

TEST_F(OrgSim, same_seed_same_bytes_other_seed_other_bytes) {
  Options a = small("a"), b = small("b"), c = small("c", 8);
  b.threads = 1;  // thread count must not matter
  ASSERT_TRUE(run(a));
  ASSERT_TRUE(run(b));
  ASSERT_TRUE(run(c));
  const auto ta = tree(a.out), tb = tree(b.out), tc = tree(c.out);
  ASSERT_GE(ta.size(), 5U);  // hosts' logs + labels.jsonl + org.json
  EXPECT_EQ(ta, tb);
  EXPECT_NE(ta.at("labels.jsonl"), tc.at("labels.jsonl"));
}

/// Numbers as integers (readers pad hex differently), everything else as text.
std::string canon(std::optional<std::string> v) {
  if (!v) return "<absent>";
  if (v->size() > 2 && (*v)[0] == '0' && (*v)[1] == 'x')
    return std::to_string(std::stoull(*v, nullptr, 16));
  return *v;
}

struct Row {
  std::string id, event_id, computer, time;
  std::map<std::string, std::string> data;
  bool operator==(const Row&) const = default;
};

std::vector<Row> rows(const std::string& rendered) {
  static const char* fields[] = {"CommandLine",    "NewProcessName",  "ParentProcessName",
                                 "NewProcessId",   "ProcessId",       "Image",
                                 "ParentImage",    "ParentProcessId", "User",
                                 "TargetUserName", "LogonType",       "TargetLogonId",
                                 "Status"};
  std::vector<Row> out;
  for (const std::string& x : testing::split_events(rendered)) {
    Row r;
    r.id = testing::leaf_text(x, "<EventRecordID").value_or("");
    r.event_id = testing::leaf_text(x, "<EventID").value_or("");
    r.computer = testing::leaf_text(x, "<Computer").value_or("");
    r.time = testing::attribute(x, "<TimeCreated", "SystemTime").value_or("").substr(0, 19);
    if (r.time.size() > 10) r.time[10] = 'T';
    for (const char* f : fields) r.data[f] = canon(testing::data_field(x, f));
    out.push_back(std::move(r));
  }
  return out;
}

std::string own_render(const fs::path& file) {
  const std::string cmd =
      std::string(CMDSENTRY_BIN) + " dump --format xml '" + file.string() + "' 2>/dev/null";
  FILE* p = popen(cmd.c_str(), "r");
  std::string out;
  char buf[65536];
  for (std::size_t n; (n = fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
  EXPECT_EQ(pclose(p), 0) << cmd;
  // Our XML quotes attributes with ' (as Windows does), the readers with ": align the markup.
  bool tag = false;
  for (char& ch : out) {
    if (ch == '<') tag = true;
    if (ch == '>') tag = false;
    if (tag && ch == '\'') ch = '"';
  }
  return out;
}

TEST_F(OrgSim, three_readers_agree_on_every_file) {
  Options o = small("readers");
  o.hosts = 2;
  auto r = run(o);
  ASSERT_TRUE(r) << r.error().message;
  const auto files = evtx_files(o.out);
  ASSERT_GE(files.size(), 2U);
  std::size_t total = 0;
  for (const auto& f : files) {
    SCOPED_TRACE(f.string());
    const auto own = rows(own_render(f));
    ASSERT_FALSE(own.empty());
    for (std::size_t i = 0; i < own.size(); ++i) ASSERT_EQ(own[i].id, std::to_string(i + 1));
    total += own.size();
    for (auto tool : {testing::Tool::kEvtxexport, testing::Tool::kPythonEvtx}) {
      if (!testing::tool_present(tool)) continue;  // interop_test.cpp reports the missing reader
      const auto text = testing::render(tool, f);
      ASSERT_TRUE(text);
      const auto theirs = rows(*text);
      ASSERT_EQ(theirs.size(), own.size());
      for (std::size_t i = 0; i < own.size(); ++i) {
        ASSERT_EQ(theirs[i], own[i]) << "record " << own[i].id;
      }
    }
  }
  EXPECT_EQ(total, r->records);
  // cmdsentry events normalizes every process creation (4688 and Sysmon 1) of the logs.
  std::size_t creations = 0;
  for (const auto& f : files) {
    for (const Row& row : rows(own_render(f)))
      creations += row.event_id == "4688" || row.event_id == "1";
  }
  const std::string cmd =
      std::string(CMDSENTRY_BIN) + " events '" + (o.out / "logs").string() + "' 2>&1 >/dev/null";
  FILE* p = popen(cmd.c_str(), "r");
  std::string err;
  char buf[4096];
  for (std::size_t n; (n = fread(buf, 1, sizeof buf, p)) > 0;) err.append(buf, n);
  pclose(p);
  EXPECT_NE(err.find(std::to_string(creations) + " execution records normalized"),
            std::string::npos)
      << err;
  EXPECT_NE(err.find(", 0 error(s)"), std::string::npos) << err;
}

TEST_F(OrgSim, jsonl_matches_evtx_and_labels_point_at_intrusion_records) {
  Options o = small("both");
  o.evtx = o.jsonl = true;
  auto r = run(o);
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_GT(r->intrusion_records, 10U);
  // Each JSONL file has as many lines as its EVTX has records, ids 1..n.
  for (const auto& f : evtx_files(o.out)) {
    auto j = f;
    j.replace_extension(".jsonl");
    const std::string text = slurp(j);
    const auto lines = static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
    EXPECT_EQ(lines, rows(own_render(f)).size()) << j;
    EXPECT_NE(text.find("\"EventRecordID\":" + std::to_string(lines) + ","), std::string::npos);
  }
  // Every labelled command record shows the command's program or its cmd.exe line.
  std::ifstream labels(o.out / "labels.jsonl");
  std::map<std::string, std::vector<std::string>> commands;  // intrusion id -> command lines
  std::size_t intrusions = 0, records = 0, checked = 0;
  std::map<std::string, std::string> rendered;
  for (std::string line; std::getline(labels, line);) {
    auto field = [&](const std::string& k) {
      const auto p = line.find("\"" + k + "\":");
      if (p == std::string::npos) return std::string();
      auto s = p + k.size() + 3;
      if (line[s] == '"') return line.substr(s + 1, line.find('"', s + 1) - s - 1);
      return line.substr(s, line.find_first_of(",}", s) - s);
    };
    if (field("type") == "intrusion") {
      ++intrusions;
      EXPECT_FALSE(field("host").empty());
      continue;
    }
    ++records;
    if (field("role") != "command" || field("event") != "4688") continue;
    const auto p = line.find("\"files\":[\"") + 10;
    const std::string file = line.substr(p, line.find('"', p) - p);
    ASSERT_TRUE(fs::exists(o.out / file)) << file;
    if (!rendered.contains(file)) rendered[file] = own_render(o.out / file);
    const auto all = rows(rendered[file]);
    const auto id = std::stoul(field("record"));
    ASSERT_LE(id, all.size());
    EXPECT_EQ(all[id - 1].event_id, "4688");
    EXPECT_NE(all[id - 1].data.at("CommandLine"), "<absent>");
    ++checked;
  }
  EXPECT_GE(intrusions, 2U);
  EXPECT_EQ(records, r->intrusion_records);
  EXPECT_GT(checked, 5U);
}

TEST_F(OrgSim, bad_tables_file_is_named) {
  Options o = small("bad");
  o.tables = scratch("none") / "missing.csv";
  auto r = run(o);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("missing.csv"), std::string::npos);
}

}  // namespace
}  // namespace cmdsentry::orgsim
