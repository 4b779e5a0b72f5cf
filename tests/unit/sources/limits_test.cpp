// One test per cap in core/limits.h that the source readers enforce.
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "core/limits.h"
#include "sources/json_event.h"
#include "sources/readers.h"
#include "sources/source.h"
#include "sources/xml_event.h"

namespace cmdsentry::sources {
namespace {

/// A stream that can only be read, like a pipe or an archive member: the JSON reader copies it
/// into growing blocks instead of parsing it in place. Like a pipe, a read may return less than
/// asked: none crosses offset `pause_at`.
class PipeStream final : public ByteStream {
 public:
  PipeStream(std::string_view data, std::size_t pause_at) : data_(data), pause_at_(pause_at) {}
  [[nodiscard]] Result<std::size_t> read(char* out, std::size_t size) override {
    std::size_t n = std::min(size, data_.size());
    if (pos_ < pause_at_) n = std::min(n, pause_at_ - pos_);
    if (n > 0) std::memcpy(out, data_.data(), n);
    data_.remove_prefix(n);
    pos_ += n;
    return n;
  }

 private:
  std::string_view data_;
  std::size_t pause_at_;
  std::size_t pos_ = 0;
};

/// A JSON line of exactly `bytes` bytes (without its newline) for event `id`.
std::string json_line(std::size_t bytes, int id) {
  std::string line = "{\"EventID\":" + std::to_string(id) + ",\"x\":\"";
  line.append(bytes - line.size() - 2, 'a');
  return line + "\"}";
}

}  // namespace

TEST(SourceLimits, max_event_fields) {
  std::string json = "{\"EventID\":1";
  for (std::size_t i = 0; i < limits::kMaxEventFields + 10; ++i) {
    json += ",\"f" + std::to_string(i) + "\":1";
  }
  json += "}";
  JsonEventReader reader;
  RawEvent e;
  ASSERT_TRUE(reader.read(json, e));
  EXPECT_EQ(e.field_count(), limits::kMaxEventFields);
}

TEST(SourceLimits, max_document_depth) {
  std::string json = "{\"EventID\":1,\"x\":";
  for (int i = 0; i < limits::kMaxDocumentDepth + 5; ++i) json += "[";
  for (int i = 0; i < limits::kMaxDocumentDepth + 5; ++i) json += "]";
  json += "}\n{\"EventID\":2}\n";
  int n = 0;
  std::vector<SourceDiagnostic> d;
  SourceSink sink{[&](RawEvent&&) { ++n; }, [&](const SourceDiagnostic& x) { d.push_back(x); }};
  SourceStats s = read_buffer("deep", json, SourceOptions{}, sink);
  EXPECT_EQ(n, 1);
  EXPECT_EQ(s.skipped, 1u);
  EXPECT_EQ(s.skipped_over_limit, 1u);  // too deep is a cap, not a syntax error
  // The same nesting inside a JSON array of events (scanned object by object).
  std::string array = "[{\"EventID\":1,\"x\":";
  for (int i = 0; i < limits::kMaxDocumentDepth + 5; ++i) array += "[";
  for (int i = 0; i < limits::kMaxDocumentDepth + 5; ++i) array += "]";
  array += "},\n{\"EventID\":2},{\"EventID\":3,}]\n";
  n = 0;
  s = read_buffer("deep-array", array, SourceOptions{}, sink);
  EXPECT_EQ(n, 1);
  EXPECT_EQ(s.skipped, 2u);
  EXPECT_EQ(s.skipped_over_limit, 1u);  // the broken third object is malformed, not over a cap
}

TEST(SourceLimits, max_line_bytes) {
  for (const bool mapped : {true, false}) {
    for (const std::size_t size : {limits::kMaxLineBytes, limits::kMaxLineBytes + 1}) {
      SCOPED_TRACE(testing::Message()
                   << (mapped ? "in place, " : "streamed, ") << size << " bytes");
      // The short first line puts the reader in JSON lines mode: a record ends at its newline.
      const std::string input =
          json_line(60, 1) + "\n" + json_line(size, 2) + "\n" + json_line(60, 3) + "\n";
      std::vector<std::uint32_t> ids;
      std::vector<SourceDiagnostic> diags;
      SourceSink sink{[&](RawEvent&& e) { ids.push_back(e.event_id); },
                      [&](const SourceDiagnostic& d) { diags.push_back(d); }};
      SourceStats stats;
      if (mapped) {
        stats = read_buffer("big.jsonl", input, SourceOptions{}, sink);
      } else {
        const SourceOptions options;
        const detail::ReadContext ctx{options, sink, stats};
        PipeStream pipe(input, 61 + limits::kMaxLineBytes);  // a read ends right before the newline
        detail::read_json_stream("big.jsonl", pipe, ctx);
      }
      if (size <= limits::kMaxLineBytes) {
        EXPECT_EQ(ids, (std::vector<std::uint32_t>{1, 2, 3}));
        EXPECT_EQ(stats.skipped, 0u);
        EXPECT_TRUE(diags.empty()) << diags.front().message;
      } else {
        EXPECT_EQ(ids, (std::vector<std::uint32_t>{1, 3}));
        EXPECT_EQ(stats.skipped, 1u);
        EXPECT_EQ(stats.skipped_over_limit, 1u);
        ASSERT_EQ(diags.size(), 1u);
        EXPECT_EQ(diags[0].line, 2u);
        EXPECT_NE(diags[0].message.find("kMaxLineBytes"), std::string::npos) << diags[0].message;
      }
    }
  }
}

TEST(SourceLimits, max_xml_event_bytes) {
  RawEvent e;
  std::string big = "<Event><System><EventID>1</EventID></System><EventData><Data>" +
                    std::string(limits::kMaxXmlEventBytes, 'a') + "</Data></EventData></Event>";
  auto r = read_xml_event(big, e);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kLimit);
}

TEST(SourceLimits, oversized_xml_event_is_counted_over_the_limit) {
  const std::string xml =
      "<Events><Event><System><EventID>1</EventID></System></Event>"
      "<Event><System><EventID>2</EventID></System><EventData><Data>" +
      std::string(limits::kMaxXmlEventBytes, 'a') +
      "</Data></EventData></Event>"
      "<Event><System><EventID>3</EventID></System></Event></Events>\n";
  std::vector<std::uint32_t> ids;
  SourceSink sink{[&](RawEvent&& e) { ids.push_back(e.event_id); }, [](const SourceDiagnostic&) {}};
  const SourceStats s = read_buffer("big.xml", xml, SourceOptions{}, sink);
  EXPECT_EQ(ids, (std::vector<std::uint32_t>{1, 3}));
  EXPECT_EQ(s.skipped, 1u);
  EXPECT_EQ(s.skipped_over_limit, 1u);
}

TEST(SourceLimits, max_directory_depth) {
  // kMaxArchiveDepth is tested in archive_test. Here: one event file at each directory level;
  // a directory kMaxDirectoryDepth levels below the path is not walked.
  namespace fs = std::filesystem;
  const fs::path root =
      fs::temp_directory_path() / ("cmdsentry_dirdepth_" + std::to_string(::getpid()));
  fs::remove_all(root);
  fs::path dir = root;
  for (int level = 0; level <= limits::kMaxDirectoryDepth + 1; ++level) {
    fs::create_directories(dir);
    std::ofstream(dir / "events.jsonl") << "{\"EventID\":" << level << "}\n";
    dir /= "d";
  }
  std::vector<std::uint32_t> levels;
  std::vector<SourceDiagnostic> diagnostics;
  SourceSink sink{[&](RawEvent&& e) { levels.push_back(e.event_id); },
                  [&](const SourceDiagnostic& d) { diagnostics.push_back(d); }};
  const SourceStats s = read_paths({root.string()}, SourceOptions{}, sink);
  fs::remove_all(root);
  std::sort(levels.begin(), levels.end());
  ASSERT_EQ(levels.size(), static_cast<std::size_t>(limits::kMaxDirectoryDepth) + 1);
  EXPECT_EQ(levels.back(), static_cast<std::uint32_t>(limits::kMaxDirectoryDepth));
  EXPECT_EQ(s.files, levels.size());
  // The directory not walked is said, not dropped silently.
  ASSERT_EQ(diagnostics.size(), 1u);
  EXPECT_EQ(diagnostics[0].severity, Severity::kWarning);
  EXPECT_NE(diagnostics[0].message.find("levels below"), std::string::npos);
}

}  // namespace cmdsentry::sources
