// Archives built in memory with libarchive's writer, then read back through read_buffer.
#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>

#include <utility>
#include <vector>

#include "collected.h"
#include "core/limits.h"
#include "sources/source.h"

namespace cmdsentry::sources {
namespace {

using Members = std::vector<std::pair<std::string, std::string>>;

std::string make_archive(const Members& members, bool gzip_raw) {
  std::vector<char> buf(1 << 20);
  std::size_t used = 0;
  struct archive* a = archive_write_new();
  if (gzip_raw) {
    archive_write_add_filter_gzip(a);
    archive_write_set_format_raw(a);
  } else {
    archive_write_set_format_zip(a);
  }
  archive_write_open_memory(a, buf.data(), buf.size(), &used);
  for (const auto& [name, data] : members) {
    struct archive_entry* e = archive_entry_new();
    archive_entry_set_pathname(e, name.c_str());
    archive_entry_set_size(e, static_cast<la_int64_t>(data.size()));
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0644);
    archive_write_header(a, e);
    archive_write_data(a, data.data(), data.size());
    archive_entry_free(e);
  }
  archive_write_close(a);
  archive_write_free(a);
  return std::string(buf.data(), used);
}

const std::string kJson = "{\"EventID\":4688,\"Channel\":\"Security\"}\n";
const std::string kXml = "<Event><System><EventID>1</EventID></System></Event>";

}  // namespace

TEST(Archive, zip_members_are_sniffed_and_named) {
  const std::string zip =
      make_archive({{"a.json", kJson},
                    {"__MACOSX/._a.json", std::string("\x00\x05\x16\x07 binary", 11)},
                    {"b.txt", kXml}},
                   false);
  Collected c = read_collected("set.zip", zip);
  ASSERT_EQ(c.events.size(), 2u);
  EXPECT_EQ(c.events[0].source.file, "set.zip!a.json");
  EXPECT_EQ(c.events[1].source.file, "set.zip!b.txt");
  EXPECT_EQ(c.stats.files, 2u);
  EXPECT_EQ(c.stats.files_unrecognized, 1u);
}

TEST(Archive, gzip_stream_is_one_member_named_after_the_file) {
  Collected c = read_collected("dir/x.jsonl.gz", make_archive({{"data", kJson + kJson}}, true));
  ASSERT_EQ(c.events.size(), 2u);
  EXPECT_EQ(c.events[0].source.file, "dir/x.jsonl.gz!x.jsonl");
  EXPECT_EQ(c.events[1].source.line, 2u);
}

TEST(Archive, zip_inside_zip) {
  const std::string inner = make_archive({{"in.json", kJson}}, false);
  Collected c = read_collected("outer.zip", make_archive({{"inner.zip", inner}}, false));
  ASSERT_EQ(c.events.size(), 1u);
  EXPECT_EQ(c.events[0].source.file, "outer.zip!inner.zip!in.json");
}

TEST(Archive, max_archive_depth) {
  // `levels` zips, each holding an event and the next zip: the innermost sits inside levels - 1.
  const auto nest = [](int levels) {
    std::string zip = make_archive({{"level.json", kJson}}, false);
    for (int i = 1; i < levels; ++i)
      zip = make_archive({{"level.json", kJson}, {"in.zip", zip}}, false);
    return zip;
  };
  Collected c = read_collected("outer.zip", nest(limits::kMaxArchiveDepth));
  EXPECT_EQ(c.events.size(), static_cast<std::size_t>(limits::kMaxArchiveDepth));
  EXPECT_TRUE(c.diagnostics.empty());
  EXPECT_EQ(c.stats.files_failed, 0u);

  c = read_collected("outer.zip", nest(limits::kMaxArchiveDepth + 1));
  EXPECT_EQ(c.events.size(), static_cast<std::size_t>(limits::kMaxArchiveDepth));
  EXPECT_EQ(c.stats.files_failed, 1u);
  ASSERT_EQ(c.diagnostics.size(), 1u);
  EXPECT_EQ(c.diagnostics[0].message, "archive nested deeper than kMaxArchiveDepth: skipped");
  std::string innermost = "outer.zip";
  for (int i = 0; i < limits::kMaxArchiveDepth; ++i) innermost += "!in.zip";
  EXPECT_EQ(c.diagnostics[0].file, innermost);
}

TEST(Archive, truncated_zip_reports_and_keeps_what_was_read) {
  std::string zip =
      make_archive({{"a.json", kJson}, {"b.json", std::string(5000, ' ') + kJson}}, false);
  zip.resize(zip.size() / 2);
  Collected c = read_collected("cut.zip", zip);
  EXPECT_GE(c.events.size(), 1u);
  EXPECT_FALSE(c.diagnostics.empty());
}

}  // namespace cmdsentry::sources
