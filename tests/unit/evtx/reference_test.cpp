// Every EVTX file of the shared data set against the Rust evtx_dump 0.12.2 rendering kept in
// ../shared/data/expected-evtx_dump (one JSON object per record). Each record we render must be
// identical to the reference record with the same EventRecordID, with two documented deviations:
//  - Data elements sharing one Name (e.g. 4648's two LogonGuid): evtx_dump writes the key twice
//    (which most JSON readers collapse), we write "LogonGuid" and "LogonGuid_1";
//  - unpaired UTF-16 surrogates: evtx_dump drops them, we write U+FFFD (visible corruption).
// A reference record we do not render must be one we reported as skipped; records we recover
// beyond the reference are allowed only in damaged files or where evtx_dump reported errors.
// A third, lenient-only rule: members whose value is null are ignored (evtx_dump writes an empty
// nested BinXml value as "Name": null; we write nothing).
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "evtx/reader.h"
#include "json_canon.h"
#include "testing.h"

namespace cmdsentry::evtx {
namespace {

namespace fs = std::filesystem;

std::set<std::string> files_with_reference_errors(const fs::path& ref_root) {
  std::set<std::string> out;
  std::ifstream in(ref_root / "errors.txt");
  std::string line;
  while (std::getline(in, line)) {
    const auto colon = line.find(".evtx:");
    if (colon != std::string::npos) out.insert(line.substr(0, colon + 5));
  }
  return out;
}

/// EventRecordID as a number (evtx_dump writes a string when the record stores it as text).
bool record_id(simdjson::dom::element doc, std::uint64_t& id) {
  auto v = doc["Event"]["System"]["EventRecordID"];
  if (!v.get(id)) return true;
  std::string_view s;
  if (v.get(s)) return false;
  id = std::strtoull(std::string(s).c_str(), nullptr, 10);
  return true;
}

/// Records without an EventRecordID are matched among themselves by content.
constexpr std::uint64_t kNoId = UINT64_MAX;

struct FileResult {
  std::size_t reference = 0, identical = 0, mismatched = 0, missing = 0, extra = 0;
  std::uint64_t skipped = 0;
  std::string first_problem;
};

FileResult compare_file(const fs::path& evtx, const fs::path& ref) {
  FileResult res;
  std::string out;
  DumpOptions opt;
  opt.read.threads = 2;
  const ReadStats stats = dump_files(
      {evtx}, opt, [&](std::string_view t) { out.append(t); }, [](const Diagnostic&) {},
      [](const FileReport&) {});
  res.skipped = stats.records_skipped;

  simdjson::dom::parser parser;
  const testing::CanonOptions lenient{true, true, true};
  struct Ref {
    std::string strict, stripped;
  };
  std::map<std::uint64_t, std::vector<Ref>> ref_by_id;
  for (const std::string& line : testing::read_gz_lines(ref)) {
    auto doc = parser.parse(line);
    if (doc.error()) continue;
    std::uint64_t id = kNoId;
    record_id(doc.value(), id);
    ref_by_id[id].push_back({testing::canon(doc.value()), testing::canon(doc.value(), lenient)});
    ++res.reference;
  }
  std::istringstream lines(out);
  std::string line;
  std::set<std::uint64_t> seen;
  while (std::getline(lines, line)) {
    auto doc = parser.parse(line);
    if (doc.error()) {
      ++res.mismatched;
      if (res.first_problem.empty()) res.first_problem = "invalid JSON: " + line.substr(0, 200);
      continue;
    }
    std::uint64_t id = kNoId;
    record_id(doc.value(), id);
    auto it = ref_by_id.find(id);
    if (it == ref_by_id.end()) {
      ++res.extra;
      continue;
    }
    seen.insert(id);
    // Compare {"Event":...} only: our "#source" member is an addition.
    simdjson::dom::element event = doc["Event"].value();
    const std::string strict = "{\"Event\":" + testing::canon(event) + ",}";
    const std::string loose = "{\"Event\":" + testing::canon(event, lenient) + ",}";
    bool match = false;
    for (const auto& r : it->second) match = match || r.strict == strict || r.stripped == loose;
    if (match) {
      ++res.identical;
    } else {
      ++res.mismatched;
      if (res.first_problem.empty()) {
        res.first_problem = "record " + std::to_string(id) + ":\n ours: " + strict.substr(0, 1500) +
                            "\n  ref: " + it->second.front().strict.substr(0, 1500);
      }
    }
  }
  for (const auto& [id, v] : ref_by_id) {
    if (!seen.count(id)) res.missing += v.size();
  }
  return res;
}

TEST(EvtxReference, every_data_set_file_matches_evtx_dump) {
  CMDSENTRY_REQUIRE_SHARED_DATA();
  const fs::path data = testing::shared_data();
  const fs::path evtx_root = data / "evtx";
  const fs::path ref_root = data / "expected-evtx_dump";
  const auto tolerated = files_with_reference_errors(ref_root);
  std::vector<fs::path> files;
  for (const auto& e : fs::recursive_directory_iterator(evtx_root)) {
    if (e.is_regular_file() && e.path().extension() == ".evtx") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  ASSERT_GT(files.size(), 400u);
  std::size_t total_ref = 0, total_identical = 0, total_extra = 0, compared = 0;
  for (const auto& f : files) {
    const std::string rel = fs::relative(f, evtx_root).string();
    const fs::path ref = ref_root / (rel + ".jsonl.gz");
    if (!fs::exists(ref)) continue;
    ++compared;
    const FileResult r = compare_file(f, ref);
    total_ref += r.reference;
    total_identical += r.identical;
    total_extra += r.extra;
    EXPECT_EQ(r.mismatched, 0u) << rel << "\n" << r.first_problem;
    EXPECT_LE(r.missing, r.skipped) << rel << ": reference records neither rendered nor reported";
    if (!tolerated.count(rel) && rel.rfind("damaged/", 0) != 0) {
      EXPECT_EQ(r.extra, 0u) << rel << ": records beyond the reference in a file it read cleanly";
    }
  }
  std::printf(
      "compared %zu files: %zu reference records, %zu identical, %zu recovered beyond "
      "the reference (files where evtx_dump reported errors)\n",
      compared, total_ref, total_identical, total_extra);
  EXPECT_GE(compared, 400u);
}

}  // namespace
}  // namespace cmdsentry::evtx
