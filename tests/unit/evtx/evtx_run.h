#pragma once
/// Test helpers for whole EVTX files built with chunk_builder.h: read or dump the bytes through
/// the public reader (from a temporary file), and build records around a template whose
/// EventData a test writes (the hostile part), between two normal records.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "chunk_builder.h"
#include "evtx/binxml.h"
#include "evtx/reader.h"

namespace cmdsentry::evtx {

using testing::Bytes;

struct ReadRun {
  std::vector<RawEvent> events;
  std::vector<Diagnostic> diags;
  ReadStats stats;
  bool opened = false;
};

/// Writes `file` to a temporary path named after the running test.
inline std::filesystem::path write_temp(const Bytes& file) {
  const auto path =
      std::filesystem::temp_directory_path() /
      ("cmdsentry_damage_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
       "_" + ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".evtx");
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char*>(file.data()), static_cast<std::streamsize>(file.size()));
  return path;
}

inline ReadRun read_bytes(const Bytes& file, ReadOptions opt = {}) {
  const auto path = write_temp(file);
  ReadRun run;
  auto res = read_events(
      path, opt, [&](RawEvent&& e) { run.events.push_back(std::move(e)); },
      [&](const Diagnostic& d) { run.diags.push_back(d); });
  run.opened = res.has_value();
  if (res) run.stats = *res;
  std::filesystem::remove(path);
  return run;
}

inline bool any_diag(const ReadRun& r, std::string_view needle) {
  for (const auto& d : r.diags) {
    if (d.message.find(needle) != std::string::npos) return true;
  }
  return false;
}

struct DumpRun {
  std::string text;
  std::vector<Diagnostic> diags;
  ReadStats stats;
};

inline DumpRun dump_bytes(const Bytes& file, RenderFormat format) {
  const auto path = write_temp(file);
  DumpOptions opt;
  opt.format = format;
  DumpRun run;
  run.stats = dump_files(
      {path}, opt, [&](std::string_view s) { run.text += s; },
      [&](const Diagnostic& d) { run.diags.push_back(d); }, [](const FileReport&) {});
  std::filesystem::remove(path);
  return run;
}

using Values = std::vector<std::pair<std::uint8_t, Bytes>>;
constexpr std::uint8_t kStringArray = detail::kString | detail::kArrayFlag;
constexpr std::uint8_t kUInt8Array = detail::kUInt8 | detail::kArrayFlag;

/// A record at chunk offset `offset` whose template is <Event><System><EventID>4688</EventID>
/// <Channel>Security</Channel></System><EventData>...</EventData></Event>, EventData written by
/// `body`. The definition is inline unless `definition` names one earlier in the chunk; the
/// offset of the inline one is stored in `*defined`.
inline Bytes template_record(std::uint32_t offset, std::uint64_t id,
                             const std::function<void(testing::BinXmlBuilder&)>& body,
                             const Values& values, std::uint32_t definition = 0,
                             std::uint32_t* defined = nullptr) {
  testing::BinXmlBuilder x(offset + 24);
  x.fragment_header();
  if (definition != 0) {
    x.template_ref(1, definition);
  } else {
    x.template_begin(1)
        .fragment_header()
        .open("Event")
        .close_start()
        .open("System")
        .close_start()
        .leaf("EventID", "4688")
        .leaf("Channel", "Security")
        .end()
        .open("EventData")
        .close_start();
    body(x);
    x.end().end().eof();
    if (defined != nullptr) *defined = x.definition();
  }
  x.template_values(values);
  return testing::make_record(id, x.bytes());
}

/// `n` UTF-16 strings "x" as one string-array value.
inline Bytes x_items(std::size_t n) {
  Bytes b;
  for (std::size_t i = 0; i < n; ++i) {
    const Bytes item = testing::utf16("x");
    b.insert(b.end(), item.begin(), item.end());
  }
  return b;
}

/// A one-chunk file: a normal record, `hostile` (built for offset 512 + that record's size), a
/// normal record after it. Records have ids 1, 2, 3.
inline Bytes sandwich(const std::function<Bytes(std::uint32_t offset)>& hostile) {
  Bytes first = testing::simple_record(512, 1, 4688, "Security", "before");
  const auto at = static_cast<std::uint32_t>(512 + first.size());
  Bytes middle = hostile(at);
  const auto after = static_cast<std::uint32_t>(at + middle.size());
  Bytes last = testing::simple_record(after, 3, 4688, "Security", "after");
  EXPECT_LE(after + last.size(), 65536u) << "the hostile record must fit in the chunk";
  return testing::make_file({testing::make_chunk({first, middle, last}, 1)});
}

inline void expect_middle_skipped(const std::vector<Diagnostic>& diags, const ReadStats& stats,
                                  std::string_view message) {
  EXPECT_EQ(stats.records, 2u);
  EXPECT_EQ(stats.records_skipped, 1u);
  EXPECT_EQ(stats.records_over_limit, 1u);
  ASSERT_EQ(diags.size(), 1u);
  EXPECT_EQ(diags[0].chunk, 0);
  EXPECT_EQ(diags[0].record_id, 2u);
  EXPECT_NE(diags[0].file.find("cmdsentry_damage_"), std::string::npos);
  EXPECT_NE(diags[0].message.find("record 2 skipped"), std::string::npos) << diags[0].message;
  EXPECT_NE(diags[0].message.find(message), std::string::npos) << diags[0].message;
}

}  // namespace cmdsentry::evtx
