// The stream readers end to end through read_buffer: record splitting, bad records, positions.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <tuple>

#include "collected.h"
#include "sources/readers.h"
#include "sources/source.h"

namespace cmdsentry::sources {
namespace {

Collected read(std::string_view data, const std::string& name = "input") {
  return read_collected(name, data);
}

constexpr std::string_view kLine = R"({"EventID":4688,"Channel":"Security","RecordNumber":1})";

}  // namespace

TEST(JsonStream, jsonl_bad_line_costs_one_record_and_names_its_line) {
  std::string in = std::string(kLine) + "\n{\"EventID\":4688,\"Chan\n" + std::string(kLine) +
                   "\nnot json\n{\"EventID\":1,\"x\":[1,2\n" + std::string(kLine) + "\n";
  Collected c = read(in, "x.jsonl");
  EXPECT_EQ(c.events.size(), 3u);
  EXPECT_EQ(c.stats.skipped, 3u);
  ASSERT_EQ(c.diagnostics.size(), 3u);
  EXPECT_EQ(c.diagnostics[0].line, 2u);
  EXPECT_EQ(c.diagnostics[0].file, "x.jsonl");
  EXPECT_EQ(c.diagnostics[1].line, 4u);
  EXPECT_EQ(c.diagnostics[2].line, 5u);
  EXPECT_EQ(c.events[2].source.line, 6u);
  EXPECT_EQ(c.events[1].source.offset, kLine.size() + 23);
}

TEST(JsonStream, jsonl_in_parallel_blocks_reads_exactly_what_one_thread_reads) {
  // Many parallel blocks (1 MiB each) of lines, with bad lines, blank lines and a
  // non-object line scattered (some near block boundaries), and a cut last line.
  std::string in;
  const std::string pad(700, 'x');
  unsigned n = 0;
  while (in.size() < (13u << 20)) {
    ++n;
    if (n % 997 == 0) {
      in += "{\"EventID\":4688,\"broken\n";
    } else if (n % 1511 == 0) {
      in += "garbage line\n\n";
    } else {
      in += "{\"EventID\":4688,\"Channel\":\"Security\",\"EventRecordID\":" + std::to_string(n) +
            ",\"CommandLine\":\"" + pad + "\"}\r\n";
    }
  }
  in += "{\"EventID\":4688,\"cut";
  SourceOptions two;
  two.threads = 2;
  const Collected a = read_collected("big.jsonl", in);
  const Collected b = read_collected("big.jsonl", in, two);
  ASSERT_GT(a.events.size(), 10'000u);
  ASSERT_EQ(a.events.size(), b.events.size());
  for (std::size_t i = 0; i < a.events.size(); ++i) {
    ASSERT_EQ(a.events[i].record_id, b.events[i].record_id) << i;
    ASSERT_EQ(a.events[i].source.line, b.events[i].source.line) << i;
    ASSERT_EQ(a.events[i].source.offset, b.events[i].source.offset) << i;
  }
  ASSERT_EQ(a.diagnostics.size(), b.diagnostics.size());
  for (std::size_t i = 0; i < a.diagnostics.size(); ++i) {
    EXPECT_EQ(a.diagnostics[i].line, b.diagnostics[i].line) << i;
    EXPECT_EQ(a.diagnostics[i].offset, b.diagnostics[i].offset) << i;
    EXPECT_EQ(a.diagnostics[i].message, b.diagnostics[i].message) << i;
  }
  EXPECT_EQ(a.stats.skipped, b.stats.skipped);
  EXPECT_EQ(a.stats.records, b.stats.records);
  EXPECT_EQ(a.stats.bytes, b.stats.bytes);
  EXPECT_GT(a.stats.skipped, 10u);
}

TEST(JsonStream, array_pretty_printed_and_bom) {
  Collected c = read("\xef\xbb\xbf[\n  {\n    \"EventID\": 1,\n    \"Channel\": \"x\"\n  },\n  " +
                     std::string(kLine) + "\n]\n");
  ASSERT_EQ(c.events.size(), 2u);
  EXPECT_EQ(c.events[0].source.line, 2u);
  EXPECT_EQ(c.events[1].source.line, 6u);
  EXPECT_EQ(c.stats.skipped, 0u);
}

TEST(JsonStream, truncated_last_record_is_reported) {
  Collected c = read(std::string(kLine) + "\n{\"EventID\":4688,");
  EXPECT_EQ(c.events.size(), 1u);
  EXPECT_EQ(c.stats.skipped, 1u);
}

TEST(JsonStream, crlf_lines_and_blank_lines) {
  Collected c = read(std::string(kLine) + "\r\n\r\n" + std::string(kLine) + "\r\n");
  EXPECT_EQ(c.events.size(), 2u);
  EXPECT_EQ(c.events[1].source.line, 3u);
}

TEST(XmlStream, concatenated_events_with_one_broken_element) {
  const std::string good =
      "<Event xmlns='x'><System><EventID>4688</EventID><Channel>Security</Channel></System>"
      "</Event>";
  std::string in = "<?xml version='1.0'?>\n<Events>\n" + good + "\n<Event><System><EventID>1" +
                   "\n" + good + "\n<Event><System></Sys></Event>\n" + good + "\n</Events>\n";
  Collected c = read(in);
  EXPECT_EQ(c.events.size(), 3u);
  EXPECT_EQ(c.stats.skipped, 2u);
  ASSERT_EQ(c.diagnostics.size(), 2u);
  EXPECT_EQ(c.diagnostics[0].line, 4u);
  EXPECT_EQ(c.diagnostics[1].line, 6u);
  EXPECT_EQ(c.events[2].source.line, 7u);
}

TEST(XmlStream, broken_event_warning_names_its_line_and_offset) {
  // Pretty-printed, as Save-As-XML writes it: the broken element starts on line 7 and the
  // parser trips on line 10; the warning names the element (file, line 7, its offset), like a
  // bad JSON record, and says where the parser stopped.
  const std::string good =
      "<Event>\n  <System>\n    <EventID>4688</EventID>\n  </System>\n</Event>\n";
  const std::string bad = "<Event>\n  <System>\n    <EventID>1</EventID>\n  </Sys>\n</Event>\n";
  const std::string in = "<Events>\n" + good + bad + good + "</Events>\n";
  Collected c = read(in, "saved.xml");
  ASSERT_EQ(c.events.size(), 2u);
  EXPECT_EQ(c.stats.skipped, 1u);
  ASSERT_EQ(c.diagnostics.size(), 1u);
  const SourceDiagnostic& d = c.diagnostics[0];
  EXPECT_EQ(d.severity, Severity::kWarning);
  EXPECT_EQ(d.file, "saved.xml");
  EXPECT_EQ(d.line, 7u);
  EXPECT_EQ(d.offset, in.find(bad));
  EXPECT_NE(d.message.find("bad XML"), std::string::npos) << d.message;
  EXPECT_NE(d.message.find("(at line 10)"), std::string::npos) << d.message;
  // Delivered events carry the same fields as JSON ones: file, line and offset of the element.
  EXPECT_EQ(c.events[1].source.file, "saved.xml");
  EXPECT_EQ(c.events[1].source.line, 12u);
  EXPECT_EQ(c.events[1].source.offset, in.rfind(good));
}

TEST(XmlStream, utf16_export_is_decoded) {
  const std::string text =
      "<Events><Event><System><EventID>4688</EventID></System></Event></Events>";
  std::string utf16 = "\xff\xfe";
  for (char ch : text) {
    utf16 += ch;
    utf16 += '\0';
  }
  Collected c = read(utf16);
  ASSERT_EQ(c.events.size(), 1u);
  EXPECT_EQ(c.events[0].event_id, 4688u);
}

TEST(Sources, unknown_content_is_noted_not_read) {
  Collected c = read("just some notes\n", "README");
  EXPECT_TRUE(c.events.empty());
  EXPECT_EQ(c.stats.files_unrecognized, 1u);
  ASSERT_EQ(c.diagnostics.size(), 1u);
  EXPECT_EQ(c.diagnostics[0].severity, Severity::kInfo);
}

TEST(Sources, event_id_filter) {
  SourceOptions o;
  o.event_ids = {1};
  int n = 0;
  SourceSink sink;
  sink.on_event = [&](RawEvent&&) { ++n; };
  SourceStats s = read_buffer("x", std::string(kLine) + "\n{\"EventID\":1}\n", o, sink);
  EXPECT_EQ(n, 1);
  EXPECT_EQ(s.filtered, 1u);
}

}  // namespace cmdsentry::sources

namespace cmdsentry::sources {
namespace {

// A stream that can only be read, in small uneven pieces (a pipe, an archive member).
class TrickleStream final : public ByteStream {
 public:
  explicit TrickleStream(std::string_view data) : data_(data) {}
  Result<std::size_t> read(char* out, std::size_t size) override {
    const std::size_t n = std::min({size, data_.size(), std::size_t{7777}});
    if (n != 0) std::memcpy(out, data_.data(), n);
    data_.remove_prefix(n);
    return n;
  }

 private:
  std::string_view data_;
};

struct Seen {
  std::vector<std::tuple<std::uint64_t, std::uint64_t, std::uint64_t, std::string>> events;
  std::vector<std::pair<std::uint64_t, std::string>> diagnostics;
  std::uint64_t bytes = 0;
  bool operator==(const Seen&) const = default;
};

SourceSink collect(Seen& s) {
  SourceSink sink;
  sink.on_event = [&](RawEvent&& e) {
    s.events.emplace_back(e.record_id, e.source.line, e.source.offset,
                          std::string(e.find_exact("CommandLine").value_or("")));
  };
  sink.on_diagnostic = [&](const SourceDiagnostic& d) {
    s.diagnostics.emplace_back(d.line, d.message);
  };
  return sink;
}

}  // namespace

TEST(JsonStream, parsed_in_place_mapped_or_streamed_gives_the_same_records) {
  // > 8 MiB so the streamed reader refills many times and the mapped one hands pages back
  // (done_before) while reading; a bad line in the middle; the last record ends right at the end
  // of the input without a newline, so in place it has no padding.
  std::string in;
  for (int i = 1; i <= 30000; ++i) {
    if (i == 3000) in += "{\"EventID\":4688,\"Channel\":\"Security\",\"RecordNumber\":\n";
    in += R"({"EventID":4688,"Channel":"Security","RecordNumber":)" + std::to_string(i) +
          R"(,"CommandLine":")" + std::string(static_cast<std::size_t>(i % 700), 'x') + "\"}";
    if (i != 30000) in += '\n';
  }
  Seen in_place, mapped, streamed;
  const SourceStats a = read_buffer("in.jsonl", in, SourceOptions{}, collect(in_place));
  in_place.bytes = a.bytes;

  const std::string path = ::testing::TempDir() + "/cmdsentry_in_place.jsonl";
  {
    std::FILE* f = std::fopen(path.c_str(), "wb");
    ASSERT_NE(f, nullptr);
    std::fwrite(in.data(), 1, in.size(), f);
    std::fclose(f);
  }
  mapped.bytes = read_paths({path}, SourceOptions{}, collect(mapped)).bytes;
  std::remove(path.c_str());

  SourceStats stats;
  const SourceOptions options;
  const SourceSink sink = collect(streamed);
  const detail::ReadContext ctx{options, sink, stats};
  TrickleStream trickle(in);
  detail::dispatch_stream("in.jsonl", trickle, ctx);
  streamed.bytes = stats.bytes;

  ASSERT_GT(in.size(), 9u << 20);
  ASSERT_EQ(in_place.events.size(), 30000u);
  EXPECT_EQ(std::get<0>(in_place.events.back()), 30000u);
  EXPECT_EQ(std::get<3>(in_place.events.back()).size(), 30000u % 700);
  ASSERT_EQ(in_place.diagnostics.size(), 1u);
  EXPECT_EQ(in_place.diagnostics[0].first, 3000u);
  EXPECT_EQ(in_place.bytes, in.size());
  EXPECT_TRUE(in_place == mapped);
  EXPECT_TRUE(in_place == streamed);
}

}  // namespace cmdsentry::sources
