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
}

TEST(SourceLimits, max_xml_event_bytes) {
  RawEvent e;
  std::string big = "<Event><System><EventID>1</EventID></System><EventData><Data>" +
                    std::string(limits::kMaxXmlEventBytes, 'a') + "</Data></EventData></Event>";
  auto r = read_xml_event(big, e);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kLimit);
}

TEST(SourceLimits, max_archive_depth_constant_is_sane) {
  // Exercised in archive_test (zip in zip); here only the contract that nesting is bounded.
  EXPECT_GE(limits::kMaxArchiveDepth, 2);
  EXPECT_LE(limits::kMaxArchiveDepth, 8);
  EXPECT_GE(limits::kMaxDirectoryDepth, 16);
}

}  // namespace cmdsentry::sources
