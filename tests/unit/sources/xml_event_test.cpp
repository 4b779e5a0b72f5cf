#include "sources/xml_event.h"

#include <gtest/gtest.h>

#include "sources/fields.h"

namespace cmdsentry::sources {

TEST(XmlEvent, reads_system_and_named_data) {
  RawEvent e;
  auto r = read_xml_event(
      "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System>"
      "<Provider Name='Microsoft-Windows-Security-Auditing' Guid='{54849625}'/>"
      "<EventID>4688</EventID><Version>2</Version><Level>0</Level><Task>13312</Task>"
      "<Keywords>0x8020000000000000</Keywords><TimeCreated "
      "SystemTime='2025-03-14T09:21:07.4411820Z'/>"
      "<EventRecordID>884512</EventRecordID><Execution ProcessID='4' ThreadID='7316'/>"
      "<Channel>Security</Channel><Computer>WS</Computer><Security/></System><EventData>"
      "<Data Name='CommandLine'>net  view &amp; \"x\" &lt;y&gt;</Data><Data Name='Empty'/>"
      "</EventData><RenderingInfo Culture='en-US'><Message>m</Message></RenderingInfo></Event>",
      e);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(e.event_id, 4688u);
  EXPECT_EQ(e.version, 2);
  EXPECT_EQ(e.task, 13312);
  EXPECT_EQ(e.record_id, 884512u);
  EXPECT_EQ(e.process_id, 4u);
  EXPECT_EQ(e.keywords, 0x8020000000000000ull);
  ASSERT_EQ(e.field_count(), 2u);
  EXPECT_EQ(e.fields()[0].value, "net  view & \"x\" <y>");
  EXPECT_EQ(e.fields()[1].value, "");
}

TEST(XmlEvent, reads_user_data_and_unnamed_data) {
  RawEvent e;
  ASSERT_TRUE(read_xml_event(
      "<Event><System><EventID>8004</EventID><Channel>microsoft-windows-applocker/exe and dll"
      "</Channel></System><UserData><RuleAndFileData xmlns='x'><PolicyName>EXE</PolicyName>"
      "<TargetProcessId>77</TargetProcessId></RuleAndFileData></UserData></Event>",
      e));
  EXPECT_EQ(e.channel(), "Microsoft-Windows-AppLocker/EXE and DLL");
  EXPECT_EQ(*find_field(e, "TargetProcessId"), "77");
  RawEvent u;
  ASSERT_TRUE(read_xml_event(
      "<Event><System><EventID>1</EventID></System><EventData><Data>a</Data><Data>b</Data>"
      "</EventData></Event>",
      u));
  EXPECT_EQ(u.fields()[0].name, "Data");
  EXPECT_EQ(u.fields()[1].name, "Data_1");
}

TEST(XmlEvent, reports_malformed_xml_with_offset) {
  RawEvent e;
  auto r = read_xml_event("<Event><System><EventID>1</EventID></Sys></Event>", e);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("bad XML"), std::string::npos);
  EXPECT_GT(r.error().offset, 0u);
  EXPECT_FALSE(read_xml_event("<Event><Nothing/></Event>", e));
  EXPECT_FALSE(read_xml_event("<Other/>", e));
}

}  // namespace cmdsentry::sources
