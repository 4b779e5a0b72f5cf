// One test per cap in core/limits.h that the source readers enforce.
#include <gtest/gtest.h>

#include "core/limits.h"
#include "sources/json_event.h"
#include "sources/source.h"
#include "sources/xml_event.h"

namespace cmdsentry::sources {

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

TEST(SourceLimits, max_xml_event_bytes) {
  RawEvent e;
  std::string big = "<Event><System><EventID>1</EventID></System><EventData><Data>" +
                    std::string(limits::kMaxXmlEventBytes, 'a') + "</Data></EventData></Event>";
  auto r = read_xml_event(big, e);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kLimit);
}

TEST(SourceLimits, oversized_xml_event_is_counted_over_the_limit) {
  const std::string xml = "<Events><Event><System><EventID>1</EventID></System></Event>"
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

TEST(SourceLimits, max_archive_depth_constant_is_sane) {
  // Exercised in archive_test (zip in zip); here only the contract that nesting is bounded.
  EXPECT_GE(limits::kMaxArchiveDepth, 2);
  EXPECT_LE(limits::kMaxArchiveDepth, 8);
  EXPECT_GE(limits::kMaxDirectoryDepth, 16);
}

}  // namespace cmdsentry::sources
