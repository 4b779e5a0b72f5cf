// Input hygiene: an empty input and a JSON lines file whose first line is cut are read for what
// they are, each with a warning, never silently and never as "not an event log".
#include "sources/input_checks.h"

#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "collected.h"
#include "sources/source.h"
#include "testing.h"

namespace cmdsentry::sources {
namespace {

/// The first member of a zip, decompressed ("" when it cannot be read).
std::string first_member(const std::filesystem::path& zip) {
  struct archive* a = archive_read_new();
  archive_read_support_format_zip(a);
  std::string out;
  struct archive_entry* e = nullptr;
  if (archive_read_open_filename(a, zip.c_str(), 1 << 16) == ARCHIVE_OK &&
      archive_read_next_header(a, &e) == ARCHIVE_OK) {
    char buf[1 << 16];
    for (la_ssize_t n; (n = archive_read_data(a, buf, sizeof buf)) > 0;) {
      out.append(buf, static_cast<std::size_t>(n));
    }
  }
  archive_read_free(a);
  return out;
}

}  // namespace

TEST(EmptyInput, is_warned_and_counted) {
  SourceStats stats;
  std::vector<SourceDiagnostic> diags;
  const SourceOptions options;
  const SourceSink sink{nullptr, [&](const SourceDiagnostic& d) { diags.push_back(d); }};
  const detail::ReadContext ctx{options, sink, stats};
  EXPECT_FALSE(detail::report_empty_input("x.jsonl", " ", ctx));
  EXPECT_TRUE(diags.empty());
  EXPECT_TRUE(detail::report_empty_input("logs/empty.evtx", "", ctx));
  EXPECT_EQ(stats.files_empty, 1u);
  EXPECT_EQ(stats.files, 0u);
  EXPECT_EQ(stats.files_unrecognized, 0u);
  ASSERT_EQ(diags.size(), 1u);
  EXPECT_EQ(diags[0].severity, Severity::kWarning);
  EXPECT_EQ(diags[0].file, "logs/empty.evtx");
  EXPECT_EQ(diags[0].message, "empty file");
}

// Enable once dispatch_stream (src/sources/source.cpp) calls report_empty_input right after
// reading the head; until then an empty .json reads as 0 events and an empty .evtx as "not an
// event log format".
TEST(EmptyInput, any_empty_input_says_empty_file) {
  for (const char* name : {"empty.evtx", "empty.json", "empty.xml", "README"}) {
    const Collected c = read_collected(name, "");
    EXPECT_EQ(c.stats.files_empty, 1u) << name;
    EXPECT_EQ(c.stats.files + c.stats.files_unrecognized + c.stats.files_failed, 0u) << name;
    ASSERT_EQ(c.diagnostics.size(), 1u) << name;
    EXPECT_EQ(c.diagnostics[0].message, "empty file") << name;
  }
}

TEST(CutFirstLine, read_from_the_first_whole_line_with_a_warning) {
  const std::string cut =
      "e.exe\",\"EventID\":4688}\n{\"EventID\":1,\"RecordNumber\":8}\n"
      "{\"EventID\":4688,\"RecordNumber\":9}\n";
  const Collected c = read_collected("tail.jsonl", cut);
  ASSERT_EQ(c.events.size(), 2u);
  EXPECT_EQ(c.events[0].record_id, 8u);
  EXPECT_EQ(c.events[0].source.line, 2u);
  EXPECT_EQ(c.stats.files, 1u);
  EXPECT_EQ(c.stats.files_unrecognized, 0u);
  EXPECT_EQ(c.stats.skipped, 1u);  // the cut record
  ASSERT_EQ(c.diagnostics.size(), 1u);
  EXPECT_EQ(c.diagnostics[0].severity, Severity::kWarning);
  EXPECT_EQ(c.diagnostics[0].line, 1u);
  EXPECT_EQ(c.diagnostics[0].message, "first line is cut: skipped 22 bytes");
}

TEST(CutFirstLine, tail_of_a_real_security_datasets_export) {
  CMDSENTRY_REQUIRE_SHARED_DATA();
  // 68 JSON lines (119,351 bytes) of an OTRF Security-Datasets export.
  const std::string full =
      first_member(testing::shared_data() /
                   "evtx/OTRF_Security-Datasets/datasets/atomic/windows/discovery/"
                   "host/cmd_discover_iexplorer_version_registry.zip");
  ASSERT_EQ(full.size(), 119351u);
  const Collected all = read_collected("full.json", full);
  ASSERT_EQ(all.events.size(), 68u);
  for (const std::size_t n : {3000u, 20000u, 60000u}) {
    SCOPED_TRACE(n);
    // What `tail -c N` writes: the last N bytes, which start inside a line here.
    const std::string tail = full.substr(full.size() - n);
    ASSERT_NE(tail.front(), '{');
    const std::size_t cut = tail.find('\n');
    const Collected c = read_collected("tail.json", tail);
    ASSERT_FALSE(c.events.empty());
    ASSERT_EQ(c.diagnostics.size(), 1u);
    EXPECT_EQ(c.diagnostics[0].message,
              "first line is cut: skipped " + std::to_string(cut) + " bytes");
    EXPECT_EQ(c.stats.skipped, 1u);
    // The whole lines are the last records of the export, unchanged.
    const auto whole = static_cast<std::size_t>(std::count(tail.begin(), tail.end(), '\n')) - 1;
    ASSERT_EQ(c.events.size(), whole);
    for (std::size_t i = 0; i < whole; ++i) {
      const RawEvent& want = all.events[all.events.size() - whole + i];
      EXPECT_EQ(c.events[i].event_id, want.event_id);
      EXPECT_EQ(c.events[i].record_id, want.record_id);
      EXPECT_EQ(c.events[i].source.offset + (full.size() - n), want.source.offset);
    }
  }
}

}  // namespace cmdsentry::sources
