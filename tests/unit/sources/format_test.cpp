#include "sources/format.h"

#include <gtest/gtest.h>

namespace cmdsentry::sources {

TEST(SniffFormat, recognises_containers_by_magic) {
  EXPECT_EQ(sniff_format(std::string_view("ElfFile\0\0\0", 10)), Format::kEvtx);
  EXPECT_EQ(sniff_format("PK\x03\x04rest"), Format::kArchive);
  EXPECT_EQ(sniff_format("\x1f\x8b\x08\x00"), Format::kCompressed);
  EXPECT_EQ(sniff_format("\xff\xfe<\0E\0"), Format::kUtf16Text);
}

TEST(SniffFormat, recognises_json_with_bom_and_whitespace) {
  EXPECT_EQ(sniff_format("{\"EventID\":1}"), Format::kJson);
  EXPECT_EQ(sniff_format("\xef\xbb\xbf  \n{\"a\":1}"), Format::kJson);
  EXPECT_EQ(sniff_format("[\n  {\"a\":1}]"), Format::kJson);
  EXPECT_EQ(sniff_format("[]"), Format::kJson);
  EXPECT_EQ(sniff_format("[1,2]"), Format::kUnknown);
}

TEST(SniffFormat, recognises_event_xml_but_not_other_xml) {
  EXPECT_EQ(sniff_format("<?xml version=\"1.0\"?>\n<Events><Event>"), Format::kXml);
  EXPECT_EQ(sniff_format("<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'>"),
            Format::kXml);
  EXPECT_EQ(sniff_format("<!-- c --><Events>"), Format::kXml);
  EXPECT_EQ(sniff_format("<html><body>"), Format::kUnknown);
}

TEST(SniffFormat, name_only_breaks_ties_for_blank_input) {
  EXPECT_EQ(sniff_format("", "export.json"), Format::kJson);
  EXPECT_EQ(sniff_format("  \n", "dump.xml"), Format::kXml);
  EXPECT_EQ(sniff_format("", "notes.txt"), Format::kUnknown);
  // Content wins over the extension.
  EXPECT_EQ(sniff_format("{\"EventID\":1}", "renamed.xml"), Format::kJson);
  EXPECT_EQ(sniff_format("LICENSE text", "x.json"), Format::kUnknown);
}

TEST(SniffFormat, json_lines_with_a_cut_first_line) {
  // `tail -c N` of a JSON lines file starts inside a record.
  EXPECT_EQ(sniff_format("nd.exe\",\"EventID\":1}\n{\"EventID\":2}\n"), Format::kJson);
  EXPECT_EQ(sniff_format("}\r\n\r\n  {\"EventID\":2}"), Format::kJson);
  EXPECT_EQ(sniff_format("1,2]}\n{\"EventID\":2}\n"), Format::kJson);
  // Text with braces is still not an event log.
  EXPECT_EQ(sniff_format("int main() {\n  return 0;\n}\n"), Format::kUnknown);
  EXPECT_EQ(sniff_format("a line ending in }\nand prose after it\n"), Format::kUnknown);
  EXPECT_EQ(sniff_format("no newline at all }"), Format::kUnknown);
}

}  // namespace cmdsentry::sources
