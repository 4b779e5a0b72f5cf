// Diagnostics reach the engine's handler as one type with their whole location: an EVTX chunk
// problem names its file and chunk (and record when known), a JSON line its line.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "chunk_builder.h"
#include "cmdsentry/engine.h"

namespace cmdsentry {
namespace {

std::vector<Diagnostic> run_buffer(const std::string& name, std::string_view data) {
  EngineOptions o;
  o.threads = 1;
  Engine engine(o);
  std::vector<Diagnostic> out;
  engine.on_diagnostic([&](const Diagnostic& d) { out.push_back(d); });
  (void)engine.run(std::vector<BufferInput>{{name, data}});
  return out;
}

testing::Bytes chunk_of(int n, std::uint64_t first_id) {
  std::vector<testing::Bytes> recs;
  std::uint32_t off = 512;
  for (int i = 0; i < n; ++i) {
    recs.push_back(testing::simple_record(off, first_id + i, 4688, "Security", "whoami"));
    off += static_cast<std::uint32_t>(recs.back().size());
  }
  return testing::make_chunk(recs, first_id);
}

TEST(EngineDiagnostics, evtx_chunk_problem_carries_file_and_chunk) {
  testing::Bytes f = testing::make_file({chunk_of(3, 1), chunk_of(3, 4)});
  f[4096 + 65536 + 511] ^= 0xFF;  // second chunk: header CRC breaks (still decoded)
  const std::string data(f.begin(), f.end());
  const std::vector<Diagnostic> d = run_buffer("sec.evtx", data);
  ASSERT_FALSE(d.empty());
  const Diagnostic* crc = nullptr;
  for (const Diagnostic& x : d) {
    if (x.message.find("CRC") != std::string::npos) crc = &x;
  }
  ASSERT_NE(crc, nullptr) << d.front().message;
  EXPECT_EQ(crc->where.file, "sec.evtx");
  EXPECT_EQ(crc->where.chunk, 2u);  // chunk index 1, stored + 1
  EXPECT_EQ(crc->severity, DiagnosticSeverity::kWarning);
  // The location is in the data, not pasted into the message.
  EXPECT_EQ(crc->message.find("(chunk"), std::string::npos) << crc->message;
  EXPECT_NE(render_text(*crc).find("chunk 1"), std::string::npos) << render_text(*crc);
  EXPECT_NE(render_json(*crc).find("\"chunk\":1"), std::string::npos) << render_json(*crc);
}

TEST(EngineDiagnostics, json_line_problem_carries_its_line_and_a_code) {
  const std::string data =
      "{\"EventID\":4688,\"Channel\":\"Security\",\"EventRecordID\":1}\n{not json\n";
  const std::vector<Diagnostic> d = run_buffer("x.jsonl", data);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].where.file, "x.jsonl");
  EXPECT_EQ(d[0].where.line, 2u);
  EXPECT_FALSE(d[0].code.empty());
}

TEST(EngineDiagnostics, empty_input_has_its_own_code) {
  const std::vector<Diagnostic> d = run_buffer("empty.jsonl", "");
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].code, "empty-file");
  EXPECT_EQ(d[0].message, "empty file");
}

}  // namespace
}  // namespace cmdsentry
